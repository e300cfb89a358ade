package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.bridge.DiskGuard;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 on the standalone runtime (embedded broker, topology, bridge): a REST-only workload
 * writes no prediction sets while a topic workload does; the disk guard degrades and refuses
 * cleanly when a training run fills the disk, loses nothing acknowledged and recovers by itself.
 *
 * <p>The disk is the broker's real data directory, but its <b>capacity</b> is the test's: the
 * guard reads a {@link DiskGuard.Space} whose used bytes are the sizes of the broker's log files
 * and whose size the test sets (a few MiB above what is used), so the test needs neither root nor
 * a mount. By hand the same runtime was checked on a 300 MB tmpfs (docs/benchmarks.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskBoundsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path data;
    private static KatoStandalone kato;
    private static volatile long capacity = 1L << 40;
    private static String bootstrap;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    /** Bytes of the broker's log segments (what retention and the topics' data occupy). */
    static long logBytes() throws IOException {
        Path kafka = data.resolve("kafka");
        if (!Files.exists(kafka)) return 0;
        try (Stream<Path> files = Files.walk(kafka)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a segment deleted meanwhile
                }
            }).sum();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("kato-disk-bounds");
        Map<String, String> env = KatoStandalone.privateInstance(data);
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_METRICS_PORT", "0");
        env.put("MAX_PATTERN_LENGTH", "5"); // topic sessions auto-learn, as a training stream does
        env.put("KATO_DISK_GUARD_MIN_FREE_MB", "0");
        env.put("KATO_DISK_GUARD_INTERVAL_MS", "200");
        env.put("KATO_TICK_INTERVAL_MS", "500");
        kato = KatoStandalone.start(env, new DiskGuard.Space() {
            @Override
            public long free() throws IOException {
                return Math.max(0, capacity - logBytes());
            }

            @Override
            public long total() {
                return capacity;
            }
        });
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS") != null ? env.get("KAFKA_BOOTSTRAP_SERVERS")
                : "localhost:" + env.get("KATO_KAFKA_PORT");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) producer.close();
        if (admin != null) admin.close();
        if (kato != null) kato.close();
        if (data != null) {
            try (Stream<Path> files = Files.walk(data)) { // a few hundred MB: not left in /tmp
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + kato.restPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static String session(String node) throws Exception {
        return ok("POST", "/sessions", "{\"node_id\":\"" + node + "\"}").get("session_id").textValue();
    }

    private static void publish(String node, String session, String... strings) {
        StringBuilder s = new StringBuilder("{\"session_id\":\"" + session + "\",\"strings\":[");
        for (int i = 0; i < strings.length; i++) s.append(i == 0 ? "" : ",").append('"').append(strings[i]).append('"');
        s.append("]}");
        producer.send(new ProducerRecord<>("kato.observations", node.getBytes(StandardCharsets.UTF_8),
                s.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static long endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
            q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        return admin.listOffsets(q).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Records of kato.observations the topology has not committed yet. */
    private static long lag() throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                .listConsumerGroupOffsets("kato-streams").partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (var p : admin.describeTopics(List.of("kato.observations")).allTopicNames().get().get("kato.observations").partitions()) {
            q.put(new TopicPartition("kato.observations", p.partition()), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(q).all().get().entrySet()) {
            var c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Polls {@code check} every 100 ms until it holds (or fails after two minutes: not a timing assertion, a hang guard). */
    private static void await(String what, java.util.concurrent.Callable<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!check.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void aRestOnlyWorkloadWritesNoPredictionSetsAndATopicWorkloadDoes() throws Exception {
        String s = session("rest-only");
        for (List<String> seq : List.of(List.of("a", "b", "c"), List.of("a", "b", "d"))) {
            for (String x : seq) ok("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"" + x + "\"]}");
            ok("POST", "/sessions/" + s + "/learn", null);
        }
        ok("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"a\"]}");
        ok("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"b\"]}");
        assertEquals(2, ok("GET", "/sessions/" + s + "/predictions", null).get("count").intValue(),
                "the REST contract: predictions are there to GET");
        assertEquals(0, endOffsets("kato.predictions"), "REST observations published no prediction sets");

        publish("rest-only", "stream-1", "a");
        publish("rest-only", "stream-1", "b");
        producer.flush();
        await("a prediction set for the topic observation", () -> endOffsets("kato.predictions") > 0);
    }

    @Test
    @Order(2)
    void theDiskGuardRefusesGrowthWhenTrainingFillsTheDiskAndRecoversWhenSpaceReturns() throws Exception {
        // acknowledged knowledge and STM before the disk fills
        String s = session("keeper");
        List<String> learned = new ArrayList<>();
        for (int p = 0; p < 10; p++) {
            for (int e = 0; e < 3; e++) ok("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"k" + p + "-" + e + "\"]}");
            learned.add(ok("POST", "/sessions/" + s + "/learn", null).get("pattern_name").textValue());
        }
        ok("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"k0-0\"]}");

        // the disk: 4 MiB more than the broker uses now; a training run through kato.observations fills
        // it, paced by the topology (each batch once the previous one is applied), as a trainer would be
        capacity = logBytes() + 4L * 1024 * 1024;
        java.util.SplittableRandom random = new java.util.SplittableRandom(16);
        int sent = 0;
        while (!kato.diskGuard().refusing()) {
            for (int i = 0; i < 500; i++, sent++) {
                publish("trainer", "train-" + (sent % 20), "s" + random.nextInt(100_000), "t" + random.nextInt(100_000),
                        "u" + random.nextInt(100_000));
            }
            producer.flush();
            assertTrue(sent < 2_000_000, "the training run never filled the disk");
            await("the topology applied the batch", () -> lag() == 0 || kato.diskGuard().refusing());
        }

        assertTrue(sent >= 500, "the training run, not the start, filled the disk");
        JsonNode health = ok("GET", "/health", null);
        assertEquals("degraded", health.get("status").textValue());
        assertTrue(health.get("issues").toString().contains("Disk nearly full"), health.toString());
        assertTrue(health.get("disk").get("refusing_growth").booleanValue());
        assertTrue(call("GET", "/prometheus", null).body().contains("kato_disk_guard_refusing 1"));

        HttpResponse<String> refused = call("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"k0-1\"]}");
        assertEquals(507, refused.statusCode(), refused.body());
        assertTrue(JSON.readTree(refused.body()).get("detail").textValue().startsWith("insufficient storage"), refused.body());
        assertEquals(507, call("POST", "/sessions/" + s + "/learn", null).statusCode());

        // records on kato.observations are refused by the topology (a small dead letter each) once the
        // guard's state has reached it with a tick
        try (KafkaConsumer<byte[], byte[]> dl = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.GROUP_ID_CONFIG, "disk-bounds-test"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            dl.subscribe(List.of("kato.dead-letters"));
            List<DeadLetter> guarded = new ArrayList<>();
            await("a topic observation dead-lettered by the disk guard", () -> {
                publish("trainer", "probe", "p");
                producer.flush();
                for (ConsumerRecord<byte[], byte[]> r : dl.poll(Duration.ofMillis(300))) {
                    DeadLetter d = KatoSerdes.deadLetters().decode(r.value());
                    if (d.getReason().startsWith("insufficient storage")) guarded.add(d);
                }
                return !guarded.isEmpty();
            });
            assertNull(guarded.get(0).getValue(), "the dead letter does not copy the value onto the full disk");
            assertEquals("kato.observations", guarded.get(0).getTopic());
        }

        // reads work, and nothing acknowledged is lost
        ok("GET", "/sessions/" + s + "/predictions", null);
        assertEquals(1, ok("GET", "/sessions/" + s + "/stm", null).get("length").intValue());
        for (String name : learned) {
            assertEquals("okay", ok("GET", "/pattern/" + name.replace("|", "%7C") + "?node_id=keeper", null).get("pattern").get("status").textValue(),
                    name);
        }

        // space returns (retention, an operator deleting files): the guard lifts by itself
        capacity = 1L << 40;
        await("the guard lifts", () -> !kato.diskGuard().refusing());
        await("health without the disk issue", () -> !ok("GET", "/health", null).get("issues").toString().contains("Disk"));
        await("observe accepted again", () -> call("POST", "/sessions/" + s + "/observe", "{\"strings\":[\"k0-1\"]}")
                .statusCode() == 200);
        assertEquals(200, call("POST", "/sessions/" + s + "/learn", null).statusCode());
        long before = endOffsets("kato.predictions");
        publish("keeper", "after", "k0-0");
        publish("keeper", "after", "k0-1");
        producer.flush();
        await("topic observations applied again", () -> endOffsets("kato.predictions") > before);
    }
}
