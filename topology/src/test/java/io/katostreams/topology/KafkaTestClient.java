package io.katostreams.topology;

import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/** Plain Kafka clients for end-to-end tests: send commands and wait for replies, read topics. */
final class KafkaTestClient implements AutoCloseable {
    final String bootstrap;
    final ServiceConfig.Topics topics;
    final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final Map<String, Reply> received = new HashMap<>();
    private int correlation;

    KafkaTestClient(String bootstrap, ServiceConfig.Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        replies = consumer(bootstrap, "read_uncommitted");
        List<TopicPartition> parts = partitions(replies, topics.replies());
        replies.assign(parts);
        replies.seekToEnd(parts);
        parts.forEach(replies::position);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo pi : c.partitionsFor(topic)) out.add(new TopicPartition(topic, pi.partition()));
        return out;
    }

    Reply send(String nodeId, String sessionId, Object op) {
        String id = "e2e-" + (++correlation) + "-" + System.nanoTime();
        Command c = Command.newBuilder().setCorrelationId(id).setReplyTo("e2e-client").setNodeId(nodeId)
                .setSessionId(sessionId).setOp(op).build();
        producer.send(new ProducerRecord<>(topics.commands(), key(nodeId), KatoSerdes.commands().encode(c)));
        producer.flush();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Reply r = received.remove(id);
            if (r != null) return r;
            for (ConsumerRecord<byte[], byte[]> rec : replies.poll(Duration.ofMillis(100))) {
                Reply reply = KatoSerdes.replies().decode(rec.value());
                received.put(reply.getCorrelationId(), reply);
            }
        }
        throw new AssertionError("no reply to " + c);
    }

    void publishObservation(String nodeKey, byte[] value) {
        producer.send(new ProducerRecord<>(topics.observations(), nodeKey.getBytes(StandardCharsets.UTF_8), value));
    }

    static byte[] key(String nodeId) {
        return ProcessorId.sanitizeNode(nodeId).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a whole topic from the beginning until {@code done} holds for what was read (or fails at the deadline). */
    List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, String isolation,
                                                   Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, isolation)) {
            List<TopicPartition> parts = partitions(c, topic);
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) all.add(r);
                if (done.test(all)) return all;
            }
            throw new AssertionError("condition on " + topic + " not reached; read " + all.size() + " records");
        }
    }

    @Override
    public void close() {
        producer.close();
        replies.close();
    }
}
