package io.katostreams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void servesProducersConsumersTransactionsAndAdmin() throws Exception {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            System.out.println("Embedded KRaft broker started in " + kafka.startDuration().toMillis() + " ms");
            dataDir = kafka.dataDir();
            assertTrue(Files.exists(dataDir.resolve("meta.properties")), "the temp dir was formatted");
            assertEquals("127.0.0.1:" + kafka.port(), kafka.bootstrapServers());

            kafka.createTopic("compacted", 3, Map.of("cleanup.policy", "compact"));
            try (Admin admin = kafka.admin()) {
                assertEquals(3, admin.describeTopics(List.of("compacted")).allTopicNames().get()
                        .get("compacted").partitions().size());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals("compact", config.get("cleanup.policy").value());
            }
            Exception duplicate = assertThrows(IllegalStateException.class,
                    () -> kafka.createTopic("compacted", 3, Map.of()));
            assertInstanceOf(TopicExistsException.class, duplicate.getCause());

            // Plain records through a consumer group: needs __consumer_offsets with RF 1.
            try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
                producer.send(new ProducerRecord<>("compacted", "k", "plain")).get();
            }
            // A transaction: needs __transaction_state with RF 1 and min.isr 1.
            try (KafkaProducer<String, String> producer = producer(kafka,
                    Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("compacted", "k", "transactional"));
                producer.commitTransaction();
            }
            List<String> values = consume(kafka, "compacted", "group-a", 2);
            assertEquals(List.of("plain", "transactional"), values);
        }
        assertFalse(Files.exists(dataDir), "close() deletes the temporary data dir");
    }

    @Test
    void dataSurvivesARestartOnTheSameDirectoryAndPort(@TempDir Path dir) throws Exception {
        int port;
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).numPartitions(2).start()) {
            port = kafka.port();
            try (Admin admin = kafka.admin()) {
                clusterId = admin.describeCluster().clusterId().get();
            }
            kafka.createTopic("durable", 1, Map.of());
            try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
                producer.send(new ProducerRecord<>("durable", "node-1", "before restart")).get();
                // Auto-created topics take num.partitions from the builder.
                producer.send(new ProducerRecord<>("auto-created", "x", "y")).get();
            }
            kafka.stop();
            kafka.stop(); // idempotent
        }
        assertTrue(Files.exists(dir.resolve("meta.properties")), "close() keeps a caller's data dir");

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).port(port).start()) {
            System.out.println("Embedded KRaft broker restarted in " + kafka.startDuration().toMillis() + " ms");
            assertEquals(port, kafka.port());
            try (Admin admin = kafka.admin()) {
                assertEquals(clusterId, admin.describeCluster().clusterId().get(), "not formatted again");
                assertEquals(2, admin.describeTopics(List.of("auto-created")).allTopicNames().get()
                        .get("auto-created").partitions().size());
            }
            assertEquals(List.of("before restart"), consume(kafka, "durable", "group-b", 1));
        }
    }

    @Test
    void restartKeepsDataPortsAndOwnershipOfTheTemporaryDir() throws Exception {
        EmbeddedKafka first = EmbeddedKafka.builder().start();
        Path dataDir = first.dataDir();
        try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
            producer.send(new ProducerRecord<>("restarted", "k", "v")).get();
        }
        try (EmbeddedKafka second = first.restart()) {
            first.close(); // stopped already; must not delete the dir the new broker uses
            assertTrue(Files.exists(dataDir.resolve("meta.properties")));
            assertEquals(first.port(), second.port());
            assertEquals(first.controllerPort(), second.controllerPort());
            assertEquals(List.of("v"), consume(second, "restarted", "group-c", 1));
        }
        assertFalse(Files.exists(dataDir), "the restarted handle deletes the temporary dir on close");
    }

    @Test
    void failsCleanlyWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> EmbeddedKafka.builder().port(taken.getLocalPort()).start());
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /** Reads {@code count} committed values from the beginning of {@code topic}, or fails at the deadline. */
    private static List<String> consume(EmbeddedKafka kafka, String topic, String group, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (values.size() < count) {
                assertTrue(System.nanoTime() < deadline,
                        "got " + values + " from " + topic + ", expected " + count + " values within " + DEADLINE);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync(DEADLINE);
        }
        return values;
    }
}
