package io.katostreams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.KnowledgeBase;
import io.katostreams.engine.Observation;
import io.katostreams.engine.ObservationProcessor;
import io.katostreams.engine.Predictor;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;
import io.katostreams.engine.Totals;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The topology on a real (embedded KRaft) broker, driven only through its topics: JSON and Avro
 * observations in, predictions out; restarts; node isolation; an instance stopped mid-stream.
 */
class TopologyEndToEndTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.builder().start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static Map<String, String> env(String prefix, String appId, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KATO_TOPIC_PREFIX", prefix);
        env.put("KATO_APPLICATION_ID", appId);
        env.put("KATO_STATE_DIR", stateDir.toString());
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_COMMIT_INTERVAL_MS", "50");
        return env;
    }

    private static KatoStreamsApp app(Map<String, String> env) {
        KatoStreamsApp app = new KatoStreamsApp(ServiceConfig.fromEnvironment(env), env).start();
        awaitRunning(app);
        return app;
    }

    private static void awaitRunning(KatoStreamsApp app) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not running: " + app.streams().state());
            Thread.onSpinWait();
        }
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jsonAndAvroObservationsGivePredictionsEqualToTheEngine() throws Exception {
        Map<String, String> env = env("p1.", "kato-p1", Files.createTempDirectory("kato-p1"));
        try (KatoStreamsApp app = app(env);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), ServiceConfig.fromEnvironment(env).topics())) {
            assertEquals(200, client.send("carol", null, new CreateSession("s-carol", "carol", "{}", null,
                    "{\"max_pattern_length\":3}")).getStatus());
            client.publishObservation("carol", json("{\"session_id\":\"s-carol\",\"strings\":[\"a\"]}"));
            client.publishObservation("carol", json("{\"session_id\":\"s-carol\",\"strings\":[\"b\"],\"emotives\":{\"joy\":1}}"));
            client.publishObservation("carol", json("{\"session_id\":\"s-carol\",\"strings\":[\"c\"]}"));
            ObservationRecord avro = ObservationRecord.newBuilder().setNodeId("carol").setSessionId("s-carol")
                    .setStrings(List.of("a")).setVectors(List.of()).setEmotives(Map.of()).setMetadataJson("{}")
                    .setUniqueId(null).build();
            client.publishObservation("carol", KatoSerdes.observations().encode(avro));
            client.publishObservation("carol", json("{\"node_id\":\"carol\",\"session_id\":\"s-carol\",\"strings\":[\"b\"]}"));
            client.producer.flush();

            List<ConsumerRecord<byte[], byte[]>> sets = client.readUntil(client.topics.predictions(), "read_committed",
                    all -> all.stream().anyMatch(r -> KatoSerdes.predictions().decode(r.value()).getTime() == 5));
            PredictionSet last = KatoSerdes.predictions().decode(sets.get(sets.size() - 1).value());
            assertEquals("s-carol", last.getSessionId());

            // the same observations through the engine alone
            KnowledgeBase kb = new InMemoryKnowledgeBase();
            ObservationProcessor proc = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
            Session s = Session.create("s-carol", "carol", Map.of(), 3600,
                    SessionConfig.forCreation(Map.of("max_pattern_length", java.math.BigInteger.valueOf(3))), 0);
            ObservationProcessor.ObserveOutcome out = null;
            for (Observation o : List.of(Observation.ofStrings("a"),
                    new Observation(List.of("b"), List.of(), Map.of("joy", 1.0), Map.of(), null),
                    Observation.ofStrings("c"), Observation.ofStrings("a"), Observation.ofStrings("b"))) {
                out = proc.observe(s, o, "x", kb, 0);
                s = out.session();
            }
            assertEquals(PredictionCodec.predictions(out.step().predictions()), last.getPredictions());
            assertEquals(PredictionCodec.futures(out.step().predictions()), last.getFuturePotentials());
            assertEquals(1, last.getPredictions().size());
            assertEquals(Map.of("joy", 1.0), last.getPredictions().get(0).getEmotives());
        }
    }

    @Test
    void knowledgeSurvivesARestartAndMovesWithThePartition() throws Exception {
        Path dir = Files.createTempDirectory("kato-p2");
        Map<String, String> env = env("p2.", "kato-p2", dir);
        ServiceConfig.Topics topics = ServiceConfig.fromEnvironment(env).topics();
        try (KatoStreamsApp app = app(env); KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), topics)) {
            client.send("dave", null, new CreateSession("s-dave-1", "dave", "{}", null, null));
            for (String x : List.of("w", "x", "y", "z")) client.send("dave", "s-dave-1", observe(x));
            assertEquals(200, client.send("dave", "s-dave-1", new Learn()).getStatus());
        }
        // the same state directory: the stores are still there
        try (KatoStreamsApp app = app(env); KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), topics)) {
            assertTrainedFuture(client, "s-dave-2");
        }
        // a fresh state directory: the stores are restored from their changelogs
        Map<String, String> fresh = env("p2.", "kato-p2", Files.createTempDirectory("kato-p2-fresh"));
        try (KatoStreamsApp app = app(fresh); KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), topics)) {
            assertTrainedFuture(client, "s-dave-3");
            // isolation: another node sees nothing of dave's
            client.send("erin", null, new CreateSession("s-erin", "erin", "{}", null, null));
            client.send("erin", "s-erin", observe("w"));
            client.send("erin", "s-erin", observe("x"));
            assertEquals(0, Driver.body(client.send("erin", "s-erin", new GetPredictions())).get("count").intValue());
        }
    }

    private static void assertTrainedFuture(KafkaTestClient client, String session) {
        assertEquals(200, client.send("dave", null, new CreateSession(session, "dave", "{}", null, null)).getStatus());
        client.send("dave", session, observe("w"));
        client.send("dave", session, observe("x"));
        JsonNode p = Driver.body(client.send("dave", session, new GetPredictions()));
        assertEquals(1, p.get("count").intValue());
        assertEquals("[[\"y\"],[\"z\"]]", p.get("predictions").get(0).get("future").toString());
    }

    private static Observe observe(String s) {
        return new Observe(new io.katostreams.schemas.avro.Observation(List.of(s), List.of(), Map.of(), "{}", null));
    }

    @Test
    void anInstanceStoppedMidStreamLosesAndRepeatsNothing() throws Exception {
        Map<String, String> envA = env("p3.", "kato-p3", Files.createTempDirectory("kato-p3a"));
        Map<String, String> envB = env("p3.", "kato-p3", Files.createTempDirectory("kato-p3b"));
        ServiceConfig.Topics topics = ServiceConfig.fromEnvironment(envA).topics();
        int sessions = 8;
        int perSession = 40;
        KatoStreamsApp a = app(envA);
        KatoStreamsApp b = app(envB);
        try (KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), topics)) {
            for (int i = 0; i < sessions; i++) {
                assertEquals(200, client.send(node(i), null, new CreateSession("fo-" + i, node(i), "{}", null,
                        "{\"max_pattern_length\":4,\"stm_mode\":\"ROLLING\"}")).getStatus());
            }
            for (int k = 0; k < perSession; k++) {
                if (k == perSession / 2) {
                    client.producer.flush();
                    a.close(); // stopped mid-stream; b takes over its partitions
                }
                for (int i = 0; i < sessions; i++) {
                    client.publishObservation(ProcessorId.sanitizeNode(node(i)),
                            json("{\"node_id\":\"" + node(i) + "\",\"session_id\":\"fo-" + i + "\",\"strings\":[\""
                                    + symbol(i, k) + "\"]}"));
                }
            }
            client.producer.flush();

            Map<String, SessionState> latest = new LinkedHashMap<>();
            client.readUntil(topics.sessions(), "read_committed", all -> {
                for (ConsumerRecord<byte[], byte[]> r : all) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() != null) latest.put(key, KatoSerdes.sessions().decode(r.value()));
                }
                return latest.size() == sessions && latest.values().stream().allMatch(s -> s.getTime() == perSession);
            });
            Map<String, KnowledgeRecord> knowledge = new LinkedHashMap<>();
            client.readUntil(topics.knowledge(), "read_committed", all -> {
                knowledge.clear();
                for (ConsumerRecord<byte[], byte[]> r : all) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() == null) knowledge.remove(key);
                    else knowledge.put(key, KatoSerdes.knowledge().decode(r.value()));
                }
                for (int n = 0; n < 4; n++) {
                    TotalsDoc t = totalsOf(knowledge, node(n));
                    if (t == null || t.getTotalPatternFrequencies() != expectedLearns(perSession)) return false;
                }
                return true;
            });

            // a single-instance replay through the engine
            Map<String, InMemoryKnowledgeBase> kbs = new HashMap<>();
            ObservationProcessor proc = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
            for (int i = 0; i < sessions; i++) {
                KnowledgeBase kb = kbs.computeIfAbsent(node(i), n -> new InMemoryKnowledgeBase());
                Session s = Session.create("fo-" + i, node(i), Map.of(), 3600, SessionConfig.forCreation(Map.of(
                        "max_pattern_length", java.math.BigInteger.valueOf(4), "stm_mode", "ROLLING")), 0);
                for (int k = 0; k < perSession; k++) s = proc.observe(s, Observation.ofStrings(symbol(i, k)), "x", kb, 0).session();
                SessionState actual = latest.get("fo-" + i);
                assertEquals(s.stm().events(), actual.getStm(), "STM of fo-" + i);
                assertEquals(s.time(), actual.getTime());
            }
            for (Map.Entry<String, InMemoryKnowledgeBase> e : kbs.entrySet()) {
                Totals t = e.getValue().totals();
                TotalsDoc actual = totalsOf(knowledge, e.getKey());
                assertEquals(t.totalPatternFrequencies(), actual.getTotalPatternFrequencies(), "totals of " + e.getKey());
                assertEquals(t.totalSymbolFrequencies(), actual.getTotalSymbolFrequencies());
                e.getValue().forEachPattern(p -> {
                    KnowledgeRecord r = knowledge.get(ProcessorId.of(e.getKey(), "kato") + "/pattern/" + p.name());
                    assertEquals(p.frequency(), ((PatternDoc) r.getItem()).getFrequency(), "frequency of " + p.name());
                });
            }
            assertTrue(knowledge.size() > sessions);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aSessionCannotGrowPastTheRecordLimitAndNothingStalls() throws Exception {
        Map<String, String> env = env("p4.", "kato-p4", Files.createTempDirectory("kato-p4"));
        env.put("KATO_MAX_RECORD_BYTES", Integer.toString(1024 * 1024));
        try (KatoStreamsApp app = app(env);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), ServiceConfig.fromEnvironment(env).topics())) {
            client.send("big", null, new CreateSession("s-big", "big", "{}", null, null));
            String large = "x".repeat(100_000);
            int accepted = 0;
            io.katostreams.schemas.avro.Reply last = null;
            for (int i = 0; i < 12; i++) {
                last = client.send("big", "s-big", observe(large + i));
                if (last.getStatus() != 200) break;
                accepted++;
            }
            assertEquals(413, last.getStatus(), last.getBodyJson());
            assertTrue(last.getBodyJson().contains("KATO_MAX_RECORD_BYTES"), last.getBodyJson());
            // the session is as it was and still answers; other nodes are served
            JsonNode stm = Driver.body(client.send("big", "s-big", new io.katostreams.schemas.avro.GetStm()));
            assertEquals(accepted, stm.get("length").intValue());
            client.send("small", null, new CreateSession("s-small", "small", "{}", null, null));
            assertEquals(200, client.send("small", "s-small", observe("a")).getStatus());
            assertEquals(200, client.send("big", "s-big", new io.katostreams.schemas.avro.ClearStm()).getStatus());
            assertEquals(200, client.send("big", "s-big", observe(large)).getStatus());
        }
    }

    /**
     * A reply is limited by its encoded size, not its length in characters: predictions over a
     * symbol of 100,000 CJK characters (300 KB in UTF-8, repeated in matches, present and sequence
     * of two predictions) are ~600,000 characters but ~1.8 MB, over a 1 MiB limit.
     */
    @Test
    void aReplyLargerInBytesThanTheRecordLimitIsAnswered413AndNothingStalls() throws Exception {
        Map<String, String> env = env("p5.", "kato-p5", Files.createTempDirectory("kato-p5"));
        env.put("KATO_MAX_RECORD_BYTES", Integer.toString(1024 * 1024));
        try (KatoStreamsApp app = app(env);
             KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), ServiceConfig.fromEnvironment(env).topics())) {
            client.send("cjk", null, new CreateSession("s-cjk", "cjk", "{}", null, null));
            String big = "日".repeat(100_000);
            for (String next : List.of("x", "y")) {
                assertEquals(200, client.send("cjk", "s-cjk", observe(big)).getStatus());
                assertEquals(200, client.send("cjk", "s-cjk", observe(next)).getStatus());
                assertEquals(200, client.send("cjk", "s-cjk", new Learn()).getStatus());
            }
            assertEquals(200, client.send("cjk", "s-cjk", observe(big)).getStatus());
            assertEquals(200, client.send("cjk", "s-cjk", observe("x")).getStatus());
            io.katostreams.schemas.avro.Reply predictions = client.send("cjk", "s-cjk", new GetPredictions());
            assertEquals(413, predictions.getStatus(), predictions.getBodyJson());
            assertTrue(predictions.getBodyJson().contains("KATO_MAX_RECORD_BYTES"), predictions.getBodyJson());
            // the task goes on: the same node and session still answer
            assertEquals(200, client.send("cjk", "s-cjk", new io.katostreams.schemas.avro.ClearStm()).getStatus());
            assertEquals(200, client.send("cjk", "s-cjk", observe("p")).getStatus());
            assertEquals(200, client.send("cjk", "s-cjk", observe("q")).getStatus());
            JsonNode after = Driver.body(client.send("cjk", "s-cjk", new GetPredictions()));
            assertEquals(0, after.get("count").intValue(), "nothing learned matches [p] [q]");
        }
    }

    /**
     * Session expiry runs on stream time, the largest record timestamp seen. With the default
     * KATO_INPUT_TIMESTAMPS=broker the input topics take the broker's append time, so a producer
     * whose clock runs ten minutes ahead cannot expire the sessions of its partition; with
     * "producer" (event time, for replays) it does.
     */
    @Test
    void aProducerClockAheadDoesNotExpireSessionsUnlessProducerTimestampsAreChosen() throws Exception {
        for (String mode : List.of("broker", "producer")) {
            Map<String, String> env = env("p6" + mode + ".", "kato-p6-" + mode, Files.createTempDirectory("kato-p6"));
            env.put("KATO_INPUT_TIMESTAMPS", mode);
            try (KatoStreamsApp app = app(env);
                 KafkaTestClient client = new KafkaTestClient(kafka.bootstrapServers(), ServiceConfig.fromEnvironment(env).topics())) {
                assertEquals(200, client.send("clock", null, new CreateSession("s-victim", "clock", "{}", 60L, null)).getStatus());
                assertEquals(200, client.send("clock", "s-victim", observe("a")).getStatus());
                long ahead = System.currentTimeMillis() + 10 * 60_000L;
                client.producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        ServiceConfig.fromEnvironment(env).topics().observations(), null, ahead,
                        "clock".getBytes(StandardCharsets.UTF_8),
                        "{\"session_id\":\"s-skewed\",\"strings\":[\"z\"]}".getBytes(StandardCharsets.UTF_8))).get();
                // Wait until the skewed record has been processed (its session is published) before
                // sending the command: commands and observations are different topics, and a task
                // picks the buffered record with the lowest timestamp first, so a command buffered
                // together with the skewed record would be processed before it.
                client.readUntil(client.topics.sessions(), "read_uncommitted", all -> all.stream()
                        .anyMatch(rec -> "s-skewed".equals(new String(rec.key(), StandardCharsets.UTF_8))));
                io.katostreams.schemas.avro.Reply r = client.send("clock", "s-victim", new io.katostreams.schemas.avro.GetStm());
                assertEquals(mode.equals("broker") ? 200 : 404, r.getStatus(), mode + ": " + r.getBodyJson());
            }
        }
    }

    /** Two sessions per node, so that patterns of one node are learned by both (frequencies add up). */
    private static String node(int i) {
        return "node-" + (i % 4);
    }

    private static String symbol(int i, int k) {
        return "s" + ((k * 7 + i % 4) % 11);
    }

    /** ROLLING with max_pattern_length 4 learns at every observation from the 4th on, for 2 sessions. */
    private static long expectedLearns(int perSession) {
        return 2L * (perSession - 3);
    }

    private static TotalsDoc totalsOf(Map<String, KnowledgeRecord> knowledge, String node) {
        KnowledgeRecord r = knowledge.get(ProcessorId.of(node, "kato") + "/totals");
        return r == null ? null : (TotalsDoc) r.getItem();
    }
}
