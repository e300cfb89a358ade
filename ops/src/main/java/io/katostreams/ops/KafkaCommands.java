package io.katostreams.ops;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Commands over Kafka for the operational tools: a command goes to kato.commands keyed by the
 * node's canonical id; its reply is picked from kato.replies by correlation id (read uncommitted:
 * the topology is deterministic, so a reply is never contradicted by a re-processed one).
 */
final class KafkaCommands implements AutoCloseable {
    private final String commandsTopic;
    private final String replyTo = "ops-" + UUID.randomUUID();
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replies;
    private final Map<String, CompletableFuture<Reply>> waiting = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;
    private long sequence;

    /**
     * @param kafkaClient bootstrap servers and the client security properties
     *     ({@link io.katostreams.schemas.security.KafkaClientEnv})
     */
    KafkaCommands(Map<String, String> kafkaClient, String topicPrefix) {
        this.commandsTopic = topicPrefix + "commands";
        Properties p = new Properties();
        p.putAll(kafkaClient);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.putAll(kafkaClient);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        replies = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo pi : replies.partitionsFor(topicPrefix + "replies")) {
            parts.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        replies.assign(parts);
        replies.seekToEnd(parts);
        parts.forEach(replies::position); // fix the start before any command is sent
        poller = new Thread(this::poll, "kato-ops-replies");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> r : replies.poll(Duration.ofMillis(100))) {
                Reply reply = KatoSerdes.replies().decode(r.value());
                if (!replyTo.equals(reply.getReplyTo())) continue;
                CompletableFuture<Reply> f = waiting.remove(reply.getCorrelationId());
                if (f != null) f.complete(reply);
            }
        }
        replies.close();
    }

    /** Sends a command; the future completes with its reply. */
    synchronized CompletableFuture<Reply> send(String nodeId, String sessionId, Object op) {
        String id = replyTo + "-" + (++sequence);
        CompletableFuture<Reply> f = new CompletableFuture<>();
        waiting.put(id, f);
        Command c = Command.newBuilder().setCorrelationId(id).setReplyTo(replyTo).setNodeId(nodeId)
                .setSessionId(sessionId).setOp(op).build();
        byte[] key = ProcessorId.sanitizeNode(nodeId).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(commandsTopic, key, KatoSerdes.commands().encode(c));
        // the CLI audits its commands itself (CliAudit): the topology audits only commands without this mark
        record.headers().add(io.katostreams.schemas.OriginHeader.NAME, io.katostreams.schemas.OriginHeader.cli());
        producer.send(record, (m, e) -> {
            if (e != null) {
                waiting.remove(id);
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    Reply call(String nodeId, String sessionId, Object op) throws Exception {
        return send(nodeId, sessionId, op).get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        producer.close();
        running = false;
        poller.join(5000);
    }
}
