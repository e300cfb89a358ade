package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.katostreams.ops.ClientTools.crc32Partition;
import static io.katostreams.ops.ClientTools.kcatProduce;
import static io.katostreams.ops.ClientTools.murmur2Partition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once through a hard crash with producers of both partitioner families: the standalone
 * runtime in its own JVM, 50 sessions × 400 observations published by kcat (librdkafka's CRC32
 * partitioner, default settings) and by the Java client (murmur2), the JVM killed with SIGKILL
 * while the topology works through the stream, restarted on the same data directory, the rest of
 * the stream published. Then every session's STM holds exactly its 400 events in order
 * ({@code MAX_PATTERN_LENGTH=0}: nothing is learned, the STM keeps everything), and
 * {@code kato.predictions} read committed holds exactly one prediction set per observation after the
 * first of each session: none lost, none twice.
 */
class KillNineMixedProducersTest {
    static final int NODES = 10;
    static final int SESSIONS_PER_NODE = 5;
    static final int EVENTS = 400;
    static final int FIRST_PART = 300;
    static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    static String node(int n) {
        return "kon" + n;
    }

    static String session(int n, int s) {
        return "kon" + n + "-s" + s;
    }

    /** Even sessions come from kcat, odd ones from the Java client: every node gets records from both. */
    static boolean fromKcat(int s) {
        return s % 2 == 0;
    }

    static String value(int n, int s, int k) {
        return "{\"session_id\":\"" + session(n, s) + "\",\"unique_id\":\"" + session(n, s) + "-" + k
                + "\",\"strings\":[\"e" + k + "\"]}";
    }

    /** Publishes events [from, to) of every session: kcat and the Java producer at the same time. */
    static void publish(String bootstrap, int from, int to) throws Exception {
        List<String> kcatLines = new ArrayList<>();
        for (int k = from; k < to; k++) {
            for (int n = 0; n < NODES; n++) {
                for (int s = 0; s < SESSIONS_PER_NODE; s++) {
                    if (fromKcat(s)) kcatLines.add(node(n) + ":" + value(n, s, k));
                }
            }
        }
        CompletableFuture<ClientTools.Result> kcat = CompletableFuture.supplyAsync(() -> {
            try {
                return kcatProduce(bootstrap, "kato.observations", kcatLines);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int k = from; k < to; k++) {
                for (int n = 0; n < NODES; n++) {
                    for (int s = 0; s < SESSIONS_PER_NODE; s++) {
                        if (!fromKcat(s)) producer.send(new ProducerRecord<>("kato.observations", node(n), value(n, s, k)));
                    }
                }
            }
            producer.flush();
        }
        kcat.get(180, TimeUnit.SECONDS);
    }

    static KafkaConsumer<byte[], byte[]> predictionsConsumer(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor("kato.predictions").stream()
                .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    @Test
    void everyStmExactAndEveryPredictionSetOnceAfterSigkillWithMixedPartitioners() throws Exception {
        Map<String, String> env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", Integer.toString(PARTITIONS));
        env.put("KATO_METRICS_PORT", "0");
        env.put("MAX_PATTERN_LENGTH", "0");
        String bootstrap = "127.0.0.1:" + env.get("KATO_KAFKA_PORT");
        int port = Integer.parseInt(env.get("KATO_PORT"));
        int misplaced = 0;
        for (int n = 0; n < NODES; n++) if (crc32Partition(node(n), PARTITIONS) != murmur2Partition(node(n), PARTITIONS)) misplaced++;
        assertTrue(misplaced >= NODES / 2, "test precondition: most nodes are placed differently by kcat: " + misplaced);

        int sessions = NODES * SESSIONS_PER_NODE;
        long firstPartSets = (long) sessions * (FIRST_PART - 1);
        KatoProcess first = new KatoProcess(env, "up").awaitReady();
        long seenBeforeKill;
        try {
            publish(bootstrap, 0, FIRST_PART);
            System.out.printf("published %d observations (kcat and Java)%n", sessions * FIRST_PART);
            // kill mid-stream: once the topology has produced some prediction sets, not all of them
            try (KafkaConsumer<byte[], byte[]> c = predictionsConsumer(bootstrap, "read_uncommitted")) {
                long seen = 0;
                long deadline = System.currentTimeMillis() + 180_000;
                while (seen < firstPartSets / 5 && System.currentTimeMillis() < deadline) seen += c.poll(Duration.ofMillis(100)).count();
                seenBeforeKill = seen;
            }
        } finally {
            first.kill();
        }
        System.out.printf("kill -9 after %d of %d prediction sets of the first part were out (uncommitted)%n",
                seenBeforeKill, firstPartSets);
        assertTrue(seenBeforeKill >= firstPartSets / 5 && seenBeforeKill < firstPartSets,
                "killed mid-stream: " + seenBeforeKill + " of " + firstPartSets + " prediction sets were out");

        KatoProcess second = new KatoProcess(env, "up").awaitReady();
        try {
            publish(bootstrap, FIRST_PART, EVENTS);
            long expected = (long) sessions * (EVENTS - 1);
            Map<String, Integer> count = new HashMap<>();
            List<String> problems = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = predictionsConsumer(bootstrap, "read_committed")) {
                long total = 0;
                long deadline = System.currentTimeMillis() + 300_000;
                long quietSince = System.currentTimeMillis();
                while (System.currentTimeMillis() < deadline) {
                    int got = 0;
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        got++;
                        JsonNode set = ClientTools.parse(TopicTools.toJsonLine(r.value()));
                        String uid = set.get("unique_id").asText();
                        count.merge(uid, 1, Integer::sum);
                        int k = Integer.parseInt(uid.substring(uid.lastIndexOf('-') + 1));
                        if (set.get("time").asLong() != k + 1) problems.add(uid + " at time " + set.get("time"));
                    }
                    total += got;
                    if (got > 0) quietSince = System.currentTimeMillis();
                    // all expected are in, and nothing more (a duplicate) arrived for a few seconds
                    if (total >= expected && System.currentTimeMillis() - quietSince > 5_000) break;
                }
            }
            System.out.printf("after the restart: %d prediction sets read committed (%d distinct), %d expected%n",
                    count.values().stream().mapToLong(Integer::longValue).sum(), count.size(), expected);
            for (int n = 0; n < NODES; n++) {
                for (int s = 0; s < SESSIONS_PER_NODE; s++) {
                    for (int k = 1; k < EVENTS; k++) {
                        Integer times = count.remove(session(n, s) + "-" + k);
                        if (times == null) problems.add("lost " + session(n, s) + "-" + k);
                        else if (times != 1) problems.add(times + " × " + session(n, s) + "-" + k);
                    }
                }
            }
            count.keySet().forEach(uid -> problems.add("unexpected prediction set " + uid));
            assertEquals(List.of(), problems.stream().limit(20).toList(), problems.size() + " problems");

            StringBuilder stm = new StringBuilder("[");
            for (int k = 0; k < EVENTS; k++) stm.append(k == 0 ? "" : ",").append("[\"e").append(k).append("\"]");
            String exact = stm.append(']').toString();
            for (int n = 0; n < NODES; n++) {
                for (int s = 0; s < SESSIONS_PER_NODE; s++) {
                    JsonNode got = ClientTools.ok(port, "GET", "/sessions/" + session(n, s) + "/stm", null);
                    assertEquals(exact, got.get("stm").toString(), session(n, s));
                    JsonNode info = ClientTools.ok(port, "GET", "/sessions/" + session(n, s), null);
                    assertEquals(node(n), info.get("node_id").asText(), session(n, s));
                }
            }
        } finally {
            second.stop();
        }
    }
}
