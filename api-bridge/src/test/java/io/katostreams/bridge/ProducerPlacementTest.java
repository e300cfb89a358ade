package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.serde.KatoSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.CRC32;
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
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Producers that do not partition like the Java client, on the real stack (embedded broker, topology,
 * bridge): a producer that places records as librdkafka's default partitioner does
 * ({@code consistent_random}: CRC32 of the key modulo the partition count, what kcat, confluent-kafka
 * for Python / Go and node-rdkafka do by default), so that a node's records arrive on another partition
 * than the one that owns the node. Placement, session ownership and "one node, one knowledge base"
 * must hold all the same.
 */
class ProducerPlacementTest {
    static final int PARTITIONS = 4;
    private static KatoStack stack;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() {
        stack = KatoStack.start("placement", Map.of(), Map.of("KATO_PARTITIONS", Integer.toString(PARTITIONS)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** The partition librdkafka's default partitioner picks for a key: CRC32(key) % partitions. */
    static int crc32Partition(String key) {
        CRC32 c = new CRC32();
        c.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (c.getValue() % PARTITIONS);
    }

    /** The partition that owns a node: murmur2 of its canonical id, as the Java producer and the bridge place it. */
    static int ownerPartition(String node) {
        return Utils.toPositive(Utils.murmur2(ProcessorId.sanitizeNode(node).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** The first node id {@code prefix<i>} that librdkafka would put elsewhere than its owner, and not on {@code avoid}. */
    static String misplacedNode(String prefix, int avoidOwner) {
        for (int i = 0; ; i++) {
            String n = prefix + i;
            if (crc32Partition(n) != ownerPartition(n) && ownerPartition(n) != avoidOwner) {
                return n;
            }
        }
    }

    private String topic(String name) {
        return stack.topologyEnv.get("KATO_TOPIC_PREFIX") + name;
    }

    /** Publishes like kcat at default settings: key = the node id, partition = CRC32(key) % n. */
    private void publishCrc32(String node, String json) {
        producer.send(new ProducerRecord<>(topic("observations"), crc32Partition(node), node.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String obs(String session, String symbol) {
        return "{\"session_id\":\"" + session + "\",\"strings\":[\"" + symbol + "\"]}";
    }

    private static List<List<String>> events(String prefix, int n) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(List.of(prefix + i));
        }
        return out;
    }

    @Test
    void aLibrdkafkaPartitionedProducerFeedsRestAndTopicSessionsAndCannotHijack() {
        String node = misplacedNode("crc-node-", -1);
        String thief = misplacedNode("crc-thief-", ownerPartition(node));
        assertNotEquals(ownerPartition(node), crc32Partition(node), "the node's records arrive on another partition");
        assertNotEquals(ownerPartition(node), ownerPartition(thief), "owner and thief are owned by different tasks");

        int before = sessionCount();
        String rest = stack.api.createSession(node);
        for (int i = 0; i < 20; i++) {
            publishCrc32(node, obs(rest, "r" + i));
            publishCrc32(node, obs("crc-own-1", "t" + i));
        }
        // a null key with node_id in the body lands wherever the producer puts it
        producer.send(new ProducerRecord<>(topic("observations"), 0, null,
                ("{\"node_id\":\"" + node + "\",\"session_id\":\"crc-own-1\",\"strings\":[\"t20\"]}").getBytes(StandardCharsets.UTF_8)));
        producer.flush();

        // the REST-created session took every topic observation, in order (was: dead letters, "not found")
        try {
            Await.value(Duration.ofSeconds(60), "20 events in the REST session", () -> stack.api.stm(rest), l -> l.size() == 20);
        } catch (AssertionError e) {
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(topic("dead-letters"))) {
                reasons.add(KatoSerdes.deadLetters().decode(r.value()).getReason());
            }
            List<String> seen = new ArrayList<>();
            for (String t : List.of("observations", "routing", "session-claims")) {
                for (ConsumerRecord<byte[], byte[]> r : readAllUncommitted(topic(t))) {
                    seen.add(t + "@" + r.partition() + ":" + (r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))
                            + (t.equals("observations") ? "" : "/kind" + r.value()[2]));
                }
            }
            throw new AssertionError(e.getMessage() + "; seen " + seen + "; dead letters: " + reasons + "; topic session: "
                    + stack.api.get("/sessions/crc-own-1/stm"), e);
        }
        assertEquals(events("r", 20), stack.api.stm(rest));
        // the topic-created session is the node's, and REST sees it (was: 404 for /stm)
        Await.until(Duration.ofSeconds(60), "21 events in the topic session",
                () -> stack.api.get("/sessions/crc-own-1/stm").status() == 200 && stack.api.stm("crc-own-1").size() == 21);
        assertEquals(events("t", 21), stack.api.stm("crc-own-1"));
        Api.Res session = stack.api.get("/sessions/crc-own-1");
        assertEquals(200, session.status(), session.toString());
        assertEquals(node, session.json().get("node_id").asText());

        // the hijack: another node, owned by another task, names the session
        publishCrc32(thief, obs("crc-own-1", "stolen"));
        producer.flush();
        DeadLetter refused = awaitDeadLetter("crc-own-1");
        assertTrue(refused.getReason().contains("belongs to node '" + node + "', not '" + thief + "'"), refused.getReason());
        assertTrue(refused.getReason().contains("claimed by the first node that uses it"), refused.getReason());
        assertEquals(node, stack.api.get("/sessions/crc-own-1").json().get("node_id").asText());
        assertEquals(events("t", 21), stack.api.stm("crc-own-1"), "the owner's session is untouched");

        // REST counts the two sessions (the REST-created one and the topic-created one), nothing for the thief
        Await.until(Duration.ofSeconds(30), "the session count", () -> sessionCount() == before + 2);
    }

    /**
     * One node fed at the same time by REST (its own session, explicit learns) and by a CRC32-placed
     * producer (a topic-created session, set through REST to learn every 2 events) has one knowledge
     * base, equal to the one a single producer gets by replaying the same operations one path after the
     * other.
     */
    @Test
    void oneNodeFedFromRestAndALibrdkafkaProducerHasOneKnowledgeBase() throws Exception {
        String node = misplacedNode("kb-mixed-", -1);
        String replay = "kb-replay";
        // the topic session: created from the topic, then configured through REST (which finds it)
        publishCrc32(node, obs("kb-topic", "z"));
        producer.flush();
        Await.until(Duration.ofSeconds(60), "the topic-created session",
                () -> stack.api.get("/sessions/kb-topic/stm").status() == 200);
        assertEquals(200, stack.api.post("/sessions/kb-topic/config", "{\"max_pattern_length\":2}").status());

        String restSession = stack.api.createSession(node);
        Thread restFeed = new Thread(() -> feedRest(restSession));
        restFeed.start();
        for (int i = 0; i < 10; i++) {
            publishCrc32(node, obs("kb-topic", "c" + i));
            publishCrc32(node, obs("kb-topic", "d" + i));
        }
        producer.flush();
        restFeed.join();

        // the replay: every operation through one path (REST), one after the other
        String replayRest = stack.api.createSession(replay);
        feedRest(replayRest);
        String replayTopic = stack.api.createSession(replay);
        assertEquals(200, stack.api.observe(replayTopic, "z").status());
        assertEquals(200, stack.api.post("/sessions/" + replayTopic + "/config", "{\"max_pattern_length\":2}").status());
        for (int i = 0; i < 10; i++) {
            assertEquals(200, stack.api.observe(replayTopic, "c" + i).status());
            assertEquals(200, stack.api.observe(replayTopic, "d" + i).status());
        }

        // 10 REST learns + 10 auto-learns ([z,c0], [d0,c1], …, [d8,c9])
        Map<String, String> mixed = awaitKnowledge(node, 20);
        Map<String, String> single = awaitKnowledge(replay, 20);
        assertEquals(single, mixed);
        assertEquals(List.of(List.of("d9")), stack.api.stm("kb-topic"));
    }

    private int sessionCount() {
        Api.Res r = stack.api.get("/sessions/count");
        assertEquals(200, r.status(), r.toString());
        return r.json().get("active_session_count").asInt();
    }

    private void feedRest(String session) {
        for (int i = 0; i < 10; i++) {
            assertEquals(200, stack.api.observe(session, "a" + i).status());
            assertEquals(200, stack.api.observe(session, "b" + i).status());
            assertEquals(200, stack.api.post("/sessions/" + session + "/learn", "").status());
        }
    }

    /**
     * The node's knowledge on kato.knowledge (compacted: the latest record per key is the state), once
     * its totals show {@code patterns} learns: item key without the processor id → the item without
     * bookkeeping times and learn sequence numbers.
     */
    private Map<String, String> awaitKnowledge(String node, long patterns) {
        String pid = ProcessorId.of(node, "kato");
        return Await.value(Duration.ofSeconds(60), "knowledge of " + node, () -> {
            Map<String, String> kb = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : readAll(topic("knowledge"))) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (!key.startsWith(pid + "/")) {
                    continue;
                }
                String item = key.substring(pid.length() + 1);
                if (r.value() == null) {
                    kb.remove(item);
                    continue;
                }
                Object v = KatoSerdes.knowledge().decode(r.value()).getItem();
                if (v instanceof PatternDoc p) {
                    v = PatternDoc.newBuilder(p).setCreatedAt(java.time.Instant.EPOCH).setUpdatedAt(java.time.Instant.EPOCH)
                            .setSequence(0L).build();
                }
                kb.put(item, v.toString());
            }
            return kb;
        }, kb -> kb.containsKey("totals") && kb.get("totals").contains("\"total_pattern_frequencies\": " + patterns));
    }

    private DeadLetter awaitDeadLetter(String mentioning) {
        return Await.value(Duration.ofSeconds(60), "a dead letter about " + mentioning, () -> {
            for (ConsumerRecord<byte[], byte[]> r : readAll(topic("dead-letters"))) {
                DeadLetter d = KatoSerdes.deadLetters().decode(r.value());
                if (d.getReason().contains(mentioning)) {
                    return d;
                }
            }
            return null;
        }, d -> d != null);
    }

    private List<ConsumerRecord<byte[], byte[]>> readAllUncommitted(String topic) {
        return readAll(topic, "read_uncommitted");
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(topic, "read_committed");
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic)) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 10_000;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    all.add(r);
                }
            }
        }
        return all;
    }
}
