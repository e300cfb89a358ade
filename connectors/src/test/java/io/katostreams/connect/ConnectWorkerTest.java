package io.katostreams.connect;

import static io.katostreams.connect.Knowledge.hex40;
import static io.katostreams.connect.Knowledge.pattern;
import static io.katostreams.connect.Knowledge.symbol;
import static io.katostreams.connect.Knowledge.totals;
import static io.katostreams.connect.Knowledge.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.katostreams.schemas.KatoTopics;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both connectors in a plain Apache Kafka Connect standalone worker (connect-runtime, REST API,
 * WorkerSinkTask, real dead-letter queue) on an in-JVM KRaft broker, created from the very JSON
 * files the README documents ({@code connectors/config/*.json}) with only the addresses changed.
 * Also shows the outage behaviour under the real worker: MongoDB stops, the task stays RUNNING,
 * and the records produced meanwhile arrive once MongoDB is back.
 */
class ConnectWorkerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DLQ = "kato.connect.dead-letters";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void noExit() {
        // The Connect CLI calls Exit.exit when the worker cannot start: fail the test instead of the JVM.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Connect wanted to exit(" + code + "): " + message);
        });
    }

    @AfterEach
    void resetExit() {
        Exit.resetExitProcedure();
    }

    @Test
    @SuppressWarnings("try") // KafkaClusterTestKit.close() may throw InterruptedException
    void theDocumentedConfigsRunInAStandaloneWorker() throws Exception {
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("log.cleaner.dedupe.buffer.size", "4194304")
                .build();
             FakeQdrant qdrant = new FakeQdrant().start()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic(KatoTopics.KNOWLEDGE, 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")))).all().get();
            }
            String mongoFile = dir.resolve("mongo.mv").toString();
            MongoServer mongo = new MongoServer(new H2Backend(mongoFile));
            int mongoPort = mongo.bind().getPort();
            String mongoUri = "mongodb://127.0.0.1:" + mongoPort;

            Connect<?> connect = new ConnectStandalone().startConnect(workerProps(kafka.bootstrapServers()));
            try (MongoClient reader = MongoClients.create(mongoUri);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                         new StringSerializer(), new ByteArraySerializer())) {
                URI rest = connect.rest().serverUrl();
                createConnector(rest, "kato-mongo-sink.json", Map.of(
                        "mongo.connection.uri", mongoUri, "mongo.timeout.ms", "1000", "kato.retry.backoff.ms", "500"));
                createConnector(rest, "kato-qdrant-sink.json", Map.of(
                        "qdrant.host", "127.0.0.1", "qdrant.grpc.port", Integer.toString(qdrant.port()), "kato.retry.backoff.ms", "500"));

                String v = "VCTR|" + hex40('7');
                send(producer, pattern("alice_kato", hex40('a'), List.of(List.of(v, "a")), 1, "{}", Map.of()));
                send(producer, symbol("alice_kato", "a", 1, 1, null));
                send(producer, symbol("alice_kato", v, 1, 1, null));
                send(producer, totals("alice_kato", 1, 2, 2));
                send(producer, vector("alice_kato", v, List.of(0.5, 0.5), List.of(hex40('a'))));
                producer.send(new ProducerRecord<>(KatoTopics.KNOWLEDGE, KnowledgeKeys.symbol("alice_kato", "bad"),
                        "not avro".getBytes(StandardCharsets.UTF_8))).get();

                await("MongoDB has the learn", () -> count(reader, "alice_kato", "symbols_kb") == 2
                        && count(reader, "alice_kato", "metadata") == 1 && count(reader, "alice_kato", "patterns_kb") == 1);
                await("Qdrant has the vector", () -> qdrant.collections.containsKey("vectors_alice_kato")
                        && qdrant.collections.get("vectors_alice_kato").points.size() == 1);
                List<ConsumerRecord<byte[], byte[]>> dead = readAll(kafka.bootstrapServers(), DLQ, 2);
                for (ConsumerRecord<byte[], byte[]> r : dead) {
                    assertEquals("not avro", new String(r.value(), StandardCharsets.UTF_8), "the original bytes");
                    String reason = header(r, "__connect.errors.exception.message");
                    assertTrue(reason.contains("does not start with C3 01"), reason);
                }
                assertEquals(List.of("kato-mongo-sink", "kato-qdrant-sink"),
                        dead.stream().map(r -> header(r, "__connect.errors.connector.name")).sorted().toList());
                assertEquals(4.0, jmxCounter("kato-mongo-sink", "records-written-total"), "counters reach the worker's JMX");
                assertEquals(1.0, jmxCounter("kato-mongo-sink", "records-dead-lettered-total"));
                assertEquals(1.0, jmxCounter("kato-qdrant-sink", "records-written-total"));

                // MongoDB goes away: the sink stalls, the task keeps RUNNING, nothing is lost.
                double failuresBefore = jmxCounter("kato-mongo-sink", "retriable-failures-total");
                mongo.shutdownNow();
                send(producer, symbol("alice_kato", "b", 1, 1, null));
                // the sink has met the outage (a put failed and is being retried) and its task still runs
                await("the sink retries against the stopped MongoDB", () -> {
                    try {
                        return jmxCounter("kato-mongo-sink", "retriable-failures-total") > failuresBefore;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals("RUNNING", taskState(rest, "kato-mongo-sink"));
                mongo = new MongoServer(new H2Backend(mongoFile));
                mongo.bind("127.0.0.1", mongoPort);
                await("the record produced during the outage arrives", () -> count(reader, "alice_kato", "symbols_kb") == 3);
                assertEquals("RUNNING", taskState(rest, "kato-mongo-sink"));
                assertEquals(2, readAll(kafka.bootstrapServers(), DLQ, 2).size(), "the outage dead-lettered nothing");
            } finally {
                connect.stop();
                mongo.shutdownNow();
            }
        }
    }

    private Map<String, String> workerProps(String bootstrap) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("listeners", "http://127.0.0.1:0");
        p.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        // Only plugins that declare themselves (META-INF/services), as a worker would load them from plugin.path.
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "1000");
        return p;
    }

    /** POSTs connectors/config/{file} to the worker's REST API, with {@code overrides} in its config. */
    private void createConnector(URI rest, String file, Map<String, String> overrides) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(Files.readString(Path.of("config", file)));
        ObjectNode config = (ObjectNode) body.get("config");
        overrides.forEach(config::put);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve("/connectors"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        await(file + " RUNNING", () -> "RUNNING".equals(taskState(rest, body.get("name").asText())));
    }

    private String taskState(URI rest, String connector) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve("/connectors/" + connector + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode tasks = JSON.readTree(response.body()).path("tasks");
            return tasks.isEmpty() ? "NONE" : tasks.get(0).path("state").asText();
        } catch (Exception e) {
            return "UNKNOWN: " + e;
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, KnowledgeRecord record) throws Exception {
        producer.send(new ProducerRecord<>(KatoTopics.KNOWLEDGE, KnowledgeKeys.keyOf(record), Knowledge.bytes(record))).get();
    }

    private static long count(MongoClient reader, String db, String collection) {
        return reader.getDatabase(db).getCollection(collection).countDocuments();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic, int atLeast) throws InterruptedException {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.partitionsFor(topic).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no topic " + topic);
                }
                Thread.sleep(100);
            }
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            while (out.size() < atLeast || consumer.position(tp) < consumer.endOffsets(List.of(tp)).get(tp)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + out.size() + " records on " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** A counter of {@link SinkCounters} as the worker's JMX reporter exposes it. */
    private static double jmxCounter(String connector, String attribute) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector + ",*"), null);
        for (ObjectName name : names) {
            try {
                return ((Number) jmx.getAttribute(name, attribute)).doubleValue();
            } catch (AttributeNotFoundException e) {
                // another plugin's metrics under the same connector
            }
        }
        throw new AssertionError("no " + attribute + " among " + names);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
