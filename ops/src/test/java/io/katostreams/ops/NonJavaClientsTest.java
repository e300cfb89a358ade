package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.katostreams.ops.ClientTools.await;
import static io.katostreams.ops.ClientTools.crc32Partition;
import static io.katostreams.ops.ClientTools.kcatProduce;
import static io.katostreams.ops.ClientTools.murmur2Partition;
import static io.katostreams.ops.ClientTools.ok;
import static io.katostreams.ops.ClientTools.parse;
import static io.katostreams.ops.ClientTools.pythonRead;
import static io.katostreams.ops.ClientTools.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KATO driven by librdkafka clients at their default settings — kcat to publish (partitioner
 * {@code consistent_random}: CRC32, not Java's murmur2) and Python's confluent-kafka running the
 * shipped example {@code ops/clients/read_predictions.py} to read — against the standalone runtime
 * with its default Avro output: observations in, prediction sets out; a REST-created session fed
 * through the topic; one node fed by two partitioners learning what one producer teaches; a
 * session hijack from other nodes refused. Every node used here is one whose key the two
 * partitioners place on different partitions (asserted), so the topology's placement is what the
 * tests exercise.
 */
class NonJavaClientsTest {
    static final int PARTITIONS = 6;
    static final String OBSERVATIONS = "kato.observations";
    static final String PREDICTIONS = "kato.predictions";
    static final String DEAD_LETTERS = "kato.dead-letters";

    @TempDir
    static Path dir;
    static KatoStandalone kato;
    static Map<String, String> env;
    static String bootstrap;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", Integer.toString(PARTITIONS));
        env.put("KATO_METRICS_PORT", "0");
        kato = KatoStandalone.start(env);
        bootstrap = "127.0.0.1:" + env.get("KATO_KAFKA_PORT");
        port = Integer.parseInt(env.get("KATO_PORT"));
    }

    @AfterAll
    static void stop() {
        if (kato != null) kato.close();
    }

    /**
     * A node whose key kcat and the Java client put on different partitions (the case of issue 11).
     * Its id must be canonical (no character that sanitises to '_'): a raw-keyed record is written
     * back under the canonical key anyway, which would hide the placement problem.
     */
    static String misplacedByLibrdkafka(String node) {
        assertEquals(io.katostreams.schemas.ProcessorId.sanitizeNode(node), node, "test precondition: a canonical node id");
        assertNotEquals(murmur2Partition(node, PARTITIONS), crc32Partition(node, PARTITIONS),
                "test precondition: kcat and Java place " + node + " on different partitions");
        return node;
    }

    static String createSession(String node, String config) {
        String body = "{\"node_id\":\"" + node + "\"" + (config == null ? "" : ",\"config\":" + config) + "}";
        return ok(port, "POST", "/sessions", body).get("session_id").asText();
    }

    static JsonNode stm(String session) {
        return ok(port, "GET", "/sessions/" + session + "/stm", null).get("stm");
    }

    static String observation(String key, String sessionId, String uniqueId, String... strings) {
        StringBuilder b = new StringBuilder(key).append(":{\"session_id\":\"").append(sessionId).append('"');
        if (uniqueId != null) b.append(",\"unique_id\":\"").append(uniqueId).append('"');
        b.append(",\"strings\":[");
        for (int i = 0; i < strings.length; i++) b.append(i == 0 ? "" : ",").append('"').append(strings[i]).append('"');
        return b.append("]}").toString();
    }

    static List<JsonNode> python(String topic) {
        try {
            return pythonRead(bootstrap, topic).stream().map(ClientTools::parse).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static List<JsonNode> deadLettersKeyed(String... keys) {
        Set<String> wanted = Set.of(keys);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : python(DEAD_LETTERS)) {
            String key = d.get("key").isNull() ? null : new String(Base64.getDecoder().decode(d.get("key").asText()), StandardCharsets.UTF_8);
            if (wanted.contains(key)) out.add(d);
        }
        return out;
    }

    static KafkaProducer<String, String> javaProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    void kcatObservationsInPredictionSetsOutReadWithPythonFromAvro() throws Exception {
        String node = misplacedByLibrdkafka("kcalice");
        String rest = createSession(node, null);
        for (String x : List.of("door", "open", "alarm")) ok(port, "POST", "/sessions/" + rest + "/observe", "{\"strings\":[\"" + x + "\"]}");
        String pattern = ok(port, "POST", "/sessions/" + rest + "/learn", null).get("pattern_name").asText();

        kcatProduce(bootstrap, OBSERVATIONS, List.of(observation(node, "kc-s1", "kc-1", "door"),
                observation(node, "kc-s1", "kc-2", "open")));

        AtomicReference<List<JsonNode>> sets = new AtomicReference<>(List.of());
        await(180, () -> {
            sets.set(python(PREDICTIONS));
            return sets.get().stream().anyMatch(s -> s.get("unique_id").asText().equals("kc-2"));
        }, () -> "no prediction set for kc-2 among " + sets.get());
        List<JsonNode> mine = sets.get().stream().filter(s -> s.get("session_id").asText().equals("kc-s1")).toList();
        assertEquals(1, mine.size(), "one prediction set (the first event holds one symbol): " + mine);
        JsonNode set = mine.get(0);
        assertEquals(node, set.get("node_id").asText());
        assertEquals("kc-2", set.get("unique_id").asText());
        assertEquals(2, set.get("time").asLong());
        // the knowledge learned through REST is the knowledge the kcat records are matched against
        assertEquals(1, set.get("predictions").size(), set.toString());
        assertEquals(pattern.substring("PTRN|".length()), set.get("predictions").get(0).get("name").asText());
        assertEquals("[[\"alarm\"]]", set.get("predictions").get(0).get("future").toString());
        assertEquals("[[\"alarm\"]]", set.get("future_potentials").get(0).get("future").toString());

        // the session kcat created is one session of the node, visible through REST
        assertEquals("[[\"door\"],[\"open\"]]", stm("kc-s1").toString());
        assertEquals(node, ok(port, "GET", "/sessions/kc-s1", null).get("node_id").asText());

        // every record is Avro single-object encoded, and the Python example decodes each one to exactly
        // the JSON that Java's decoder (kato tail, the same shape as KATO_OUTPUT_FORMAT=json) writes
        List<ConsumerRecord<byte[], byte[]>> raw = readAll(bootstrap, PREDICTIONS);
        assertTrue(raw.stream().allMatch(r -> AvroSerde.isSingleObjectEncoded(r.value())));
        raw.forEach(r -> assertDocumentedHeader(r.value()));
        List<String> java = raw.stream().map(r -> TopicTools.toJsonLine(r.value())).sorted().toList();
        List<String> py = pythonRead(bootstrap, PREDICTIONS).stream().sorted().toList();
        assertEquals(java, py);
    }

    @Test
    void aRestCreatedSessionIsObservedThroughTheTopic() throws Exception {
        String node = misplacedByLibrdkafka("restnode");
        String session = createSession(node, null);
        kcatProduce(bootstrap, OBSERVATIONS, List.of(observation(node, session, null, "a"),
                observation(node, session, null, "b"), observation(node, session, null, "c")));
        await(180, () -> stm(session).size() == 3, () -> "STM " + stm(session));
        assertEquals("[[\"a\"],[\"b\"],[\"c\"]]", stm(session).toString());
        ok(port, "POST", "/sessions/" + session + "/observe", "{\"strings\":[\"d\"]}");
        assertEquals("[[\"a\"],[\"b\"],[\"c\"],[\"d\"]]", stm(session).toString());
        assertEquals(node, ok(port, "GET", "/sessions/" + session, null).get("node_id").asText());
        assertEquals(List.of(), deadLettersKeyed(node), "nothing of " + node + " was refused");
    }

    /**
     * Events of session {@code s} of a node: 9 single-symbol events, learned as 3 patterns of 3
     * (max_pattern_length 3). Sessions share symbols so that patterns and symbols recur.
     */
    static List<String> events(int s) {
        List<String> e = new ArrayList<>();
        for (int j = 0; j < 9; j++) e.add("x" + ((s + j) % 4));
        return e;
    }

    /** The node's knowledge from kato.knowledge, as comparable lines: patterns without their times, symbols, totals. */
    static Set<String> knowledge(List<ConsumerRecord<byte[], byte[]>> records, String node) {
        String pid = io.katostreams.schemas.ProcessorId.of(node, "kato");
        Map<String, io.katostreams.schemas.avro.KnowledgeRecord> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(pid + "/")) continue;
            if (r.value() == null) latest.remove(key);
            else latest.put(key, io.katostreams.schemas.serde.KatoSerdes.knowledge().decode(r.value()));
        }
        Set<String> out = new TreeSet<>();
        for (String line : io.katostreams.topology.NodeExport.lines(node, pid, latest.values())) {
            JsonNode j = parse(line);
            if (j.has("pattern")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) j.get("pattern")).remove(List.of("created_at", "updated_at"));
                out.add(j.toString());
            } else if (j.has("symbol") || j.has("totals")) {
                out.add(j.toString());
            }
        }
        return out;
    }

    @Test
    void twoPartitionersFeedingOneNodeBuildOneKnowledgeBaseEqualToOneProducersReplay() throws Exception {
        String mixed = misplacedByLibrdkafka("kcnode");
        String replay = "kcreplay";
        int sessions = 6;
        List<String> mixedSessions = new ArrayList<>();
        List<String> replaySessions = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            mixedSessions.add(createSession(mixed, "{\"max_pattern_length\":3}"));
            replaySessions.add(createSession(replay, "{\"max_pattern_length\":3}"));
        }
        // sessions 0-2 from kcat (CRC32), 3-5 from the Java client (murmur2), at the same time
        List<String> kcatLines = new ArrayList<>();
        for (int j = 0; j < 9; j++) {
            for (int s = 0; s < 3; s++) kcatLines.add(observation(mixed, mixedSessions.get(s), null, events(s).get(j)));
        }
        CompletableFuture<ClientTools.Result> kcat = CompletableFuture.supplyAsync(() -> {
            try {
                return kcatProduce(bootstrap, OBSERVATIONS, kcatLines);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (KafkaProducer<String, String> producer = javaProducer()) {
            for (int j = 0; j < 9; j++) {
                for (int s = 3; s < sessions; s++) {
                    String line = observation(mixed, mixedSessions.get(s), null, events(s).get(j));
                    producer.send(new ProducerRecord<>(OBSERVATIONS, mixed, line.substring(mixed.length() + 1)));
                }
            }
            // the replay: every session of the other node from this one producer
            for (int s = 0; s < sessions; s++) {
                for (String e : events(s)) {
                    String line = observation(replay, replaySessions.get(s), null, e);
                    producer.send(new ProducerRecord<>(OBSERVATIONS, replay, line.substring(replay.length() + 1)));
                }
            }
            producer.flush();
        }
        kcat.get(90, TimeUnit.SECONDS);

        // the node's records really arrived on two partitions
        Set<Integer> partitions = readAll(bootstrap, OBSERVATIONS).stream()
                .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(mixed))
                .map(ConsumerRecord::partition).collect(Collectors.toSet());
        assertEquals(Set.of(crc32Partition(mixed, PARTITIONS), murmur2Partition(mixed, PARTITIONS)), partitions);

        String totals18 = "\"total_pattern_frequencies\":18";
        AtomicReference<Set<String>> fromMixed = new AtomicReference<>(Set.of());
        AtomicReference<Set<String>> fromReplay = new AtomicReference<>(Set.of());
        await(180, () -> {
            List<ConsumerRecord<byte[], byte[]>> knowledge = readAll(bootstrap, "kato.knowledge");
            fromMixed.set(knowledge(knowledge, mixed));
            fromReplay.set(knowledge(knowledge, replay));
            return fromMixed.get().stream().anyMatch(l -> l.contains(totals18))
                    && fromReplay.get().stream().anyMatch(l -> l.contains(totals18));
        }, () -> "18 patterns learned by each node:\n" + fromMixed.get() + "\n" + fromReplay.get());
        assertEquals(fromReplay.get(), fromMixed.get());
        for (String s : mixedSessions) assertEquals(0, stm(s).size(), "every session learned its 9 events: " + s);
        assertEquals(List.of(), deadLettersKeyed(mixed, replay));
    }

    @Test
    void aSessionIdBelongsToTheFirstNodeThatUsedItOnEveryPartition() throws Exception {
        String owner = "owner1";
        // the three nodes are owned by three different tasks, and kcat puts none of them there
        Set<Integer> owners = new HashSet<>();
        for (String n : List.of(owner, "thief1", "thief2")) owners.add(murmur2Partition(n, PARTITIONS));
        assertEquals(3, owners.size(), "test precondition: three owning partitions");
        misplacedByLibrdkafka(owner);
        misplacedByLibrdkafka("thief2");

        List<String> first = new ArrayList<>();
        for (int i = 1; i <= 5; i++) first.add(observation(owner, "own-s1", "o" + i, "o" + i));
        kcatProduce(bootstrap, OBSERVATIONS, first);
        await(180, () -> ClientTools.http(port, "GET", "/sessions/own-s1/stm", null).status() == 200 && stm("own-s1").size() == 5,
                () -> ClientTools.http(port, "GET", "/sessions/own-s1/stm", null).text());

        kcatProduce(bootstrap, OBSERVATIONS, List.of(observation("thief1", "own-s1", "t1", "stolen1"),
                observation("thief2", "own-s1", "t2", "stolen2")));
        kcatProduce(bootstrap, OBSERVATIONS, List.of(observation(owner, "own-s1", "o6", "o6")));

        AtomicReference<List<JsonNode>> refused = new AtomicReference<>(List.of());
        await(180, () -> {
            refused.set(deadLettersKeyed("thief1", "thief2"));
            return refused.get().size() >= 2;
        }, () -> "dead letters of the thieves: " + refused.get());
        assertEquals(2, refused.get().size(), refused.get().toString());
        for (JsonNode d : refused.get()) {
            assertTrue(d.get("reason").asText().contains("own-s1"), d.toString());
            assertEquals(OBSERVATIONS, d.get("topic").asText());
        }
        await(180, () -> stm("own-s1").size() == 6, () -> "STM " + stm("own-s1"));
        assertEquals("[[\"o1\"],[\"o2\"],[\"o3\"],[\"o4\"],[\"o5\"],[\"o6\"]]", stm("own-s1").toString());
        assertEquals(owner, ok(port, "GET", "/sessions/own-s1", null).get("node_id").asText());
        assertFalse(python(PREDICTIONS).stream().anyMatch(s -> s.get("unique_id").asText().matches("t[12]")),
                "no prediction set from a refused record");
        // the compacted kato.sessions topic (what Redis and other bridges read) agrees on the owner
        String last = null;
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, "kato.sessions")) {
            if ("own-s1".equals(new String(r.key(), StandardCharsets.UTF_8))) last = TopicTools.toJsonLine(r.value());
        }
        assertEquals(owner, parse(last).get("node_id").asText(), last);
        readAll(bootstrap, DEAD_LETTERS).forEach(r -> assertDeadLetterHeader(r.value()));
    }

    /** docs/clients.md lists the 10-byte header of today's PredictionSet and DeadLetter records: it must be the real one. */
    static void assertDocumentedHeader(byte[] value) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 10; i++) hex.append(i == 0 ? "" : " ").append(String.format("%02X", value[i]));
        try {
            String docs = java.nio.file.Files.readString(Path.of("..", "docs", "clients.md"));
            assertTrue(docs.contains("`" + hex + "`"), "docs/clients.md shows the header " + hex);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertDeadLetterHeader(byte[] value) {
        assertTrue(AvroSerde.isSingleObjectEncoded(value));
        assertDocumentedHeader(value);
    }
}
