package io.katostreams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.Learner;
import io.katostreams.engine.PredictionQuery;
import io.katostreams.engine.PredictionResult;
import io.katostreams.engine.Predictor;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;
import io.katostreams.schemas.avro.ClearAll;
import io.katostreams.schemas.avro.ClearStm;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.DeleteSession;
import io.katostreams.schemas.avro.ExtendSession;
import io.katostreams.schemas.avro.GetCognitionData;
import io.katostreams.schemas.avro.GetPattern;
import io.katostreams.schemas.avro.GetPerceptData;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.GetSession;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionExists;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.UpdateConfig;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The topology driven through its topics with TopologyTestDriver. */
class KatoTopologyTest {

    private final Driver d = new Driver();
    private int sessions;

    @AfterEach
    void close() {
        d.close();
    }

    private String create(String node, String configJson) {
        String id = String.format("session-%032x-%d", ++sessions, d.now);
        Reply r = d.send(node, null, new CreateSession(id, node, "{}", null, configJson));
        assertEquals(200, r.getStatus(), r.getBodyJson());
        return id;
    }

    private static Observe observe(String... strings) {
        return new Observe(new Observation(List.of(strings), List.of(), Map.of(), "{}", null));
    }

    @Test
    void createReadExtendDeleteASession() {
        Reply created = d.send("alice", null, new CreateSession("session-a-1", "alice", "{\"client\":\"demo\"}", null,
                "{\"max_pattern_length\":3,\"stm_mode\":\"ROLLING\"}"));
        JsonNode b = Driver.body(created);
        assertEquals("session-a-1", b.get("session_id").textValue());
        assertEquals("2025-01-01T12:00:00Z", b.get("created_at").textValue());
        assertEquals("2025-01-01T13:00:00Z", b.get("expires_at").textValue());
        assertEquals(3600, b.get("ttl_seconds").intValue());
        assertEquals("demo", b.get("metadata").get("client").textValue());
        assertEquals(3, b.get("session_config").get("max_pattern_length").intValue());
        assertEquals("ROLLING", b.get("session_config").get("stm_mode").textValue());

        d.now += 1000;
        JsonNode info = Driver.body(d.send("alice", "session-a-1", new GetSession()));
        assertEquals(3599, info.get("ttl_seconds").intValue(), "the reference's 3599 quirk");
        assertEquals("2025-01-01T13:00:01Z", info.get("expires_at").textValue());

        JsonNode exists = Driver.body(d.send("alice", "session-a-1", new SessionExists()));
        assertTrue(exists.get("exists").booleanValue());
        JsonNode extended = Driver.body(d.send("alice", "session-a-1", new ExtendSession(60L)));
        assertEquals("extended", extended.get("status").textValue());
        assertEquals(60, extended.get("ttl_seconds").intValue());

        assertEquals(200, d.send("alice", "session-a-1", new DeleteSession()).getStatus());
        Reply again = d.send("alice", "session-a-1", new DeleteSession());
        assertEquals(404, again.getStatus());
        assertEquals("SESSION_NOT_FOUND", Driver.body(again).get("error").get("code").textValue());
        Reply info404 = d.send("alice", "session-a-1", new GetSession());
        assertEquals(404, info404.getStatus());
        assertEquals("Session session-a-1 not found or expired", Driver.body(info404).get("detail").textValue());
        assertFalse(Driver.body(d.send("alice", "session-a-1", new SessionExists())).get("exists").booleanValue());
    }

    @Test
    void anInvalidCreationConfigIsDiscardedWhole() {
        JsonNode b = Driver.body(d.send("alice", null, new CreateSession("s-bad", "alice", "{}", 0L,
                "{\"max_pattern_length\":3,\"persistence\":0}")));
        assertEquals(0, b.get("session_config").size());
    }

    @Test
    void observeLearnPredictThroughCommandsAndPublishPredictions() {
        String s = create("alice", null);
        JsonNode o1 = Driver.body(d.send("alice", s, observe("x")));
        assertEquals("okay", o1.get("status").textValue());
        assertEquals("alice", o1.get("processor_id").textValue());
        assertEquals(1, o1.get("time").intValue());
        assertTrue(o1.get("unique_id").textValue().matches("obs-[0-9a-f]{32}"));
        d.send("alice", s, observe("y"));
        d.send("alice", s, observe("z"));
        JsonNode learned = Driver.body(d.send("alice", s, new Learn()));
        assertEquals("PTRN|f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a", learned.get("pattern_name").textValue());
        assertEquals("Learned pattern PTRN|f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a from 0 events",
                learned.get("message").textValue());
        d.predictionSets(); // the sets published while training
        d.send("alice", s, observe("x"));
        d.send("alice", s, observe("y"));
        List<PredictionSet> published = d.predictionSets();
        assertEquals(1, published.size(), "one set: the STM had 2 symbols only after the second observe");
        PredictionSet set = published.get(0);
        assertEquals(s, set.getSessionId());
        assertEquals(5, set.getTime(), "the session's counter: x, y, z, x, y");

        JsonNode got = Driver.body(d.send("alice", s, new GetPredictions()));
        assertEquals(1, got.get("count").intValue());
        JsonNode p = got.get("predictions").get(0);
        assertEquals(3.6666666666666665, p.get("potential").doubleValue());
        assertEquals("f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a", p.get("name").textValue());
        assertEquals(0.8, got.get("future_potentials").get(0).get("total_weighted_frequency").doubleValue());
        // decision D1: the published set equals what GET returns for the same STM
        assertEquals(set.getPredictions().get(0).getPotential(), p.get("potential").doubleValue());

        // and both equal the engine run directly
        InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();
        Session direct = Session.restore("x", "alice", 0, 0, Long.MAX_VALUE, 3600,
                List.of(List.of("x"), List.of("y"), List.of("z")), List.of(), List.of(), 0, Map.of(), 0,
                SessionConfig.EMPTY, 1, 0, Map.of());
        Learner.learn(direct, kb, 5, 0);
        PredictionResult engine = new Predictor().predict(List.of(List.of("x"), List.of("y")), kb,
                PredictionQuery.of(0.1, 100, true));
        assertEquals(PredictionCodec.predictions(engine), set.getPredictions());

        JsonNode stm = Driver.body(d.send("alice", s, new GetStm()));
        assertEquals(2, stm.get("length").intValue());
        assertEquals("[[\"x\"],[\"y\"]]", stm.get("stm").toString());
    }

    @Test
    void learnOnAnEmptyStmIsA400AndUnknownSessionsA404() {
        String s = create("alice", null);
        Reply r = d.send("alice", s, new Learn());
        assertEquals(400, r.getStatus());
        assertEquals("Cannot learn from empty STM", Driver.body(r).get("detail").textValue());
        Reply unknown = d.send("alice", "session-nope", observe("a"));
        assertEquals(404, unknown.getStatus());
        assertEquals("Session session-nope not found or expired",
                Driver.body(unknown).get("error").get("message").textValue());
    }

    @Test
    void configUpdatesAreValidatedAndApplied() {
        String s = create("alice", null);
        Reply bad = d.send("alice", s, new UpdateConfig("{\"recall_threshold\": 2, \"persistence\": 0}"));
        assertEquals(422, bad.getStatus());
        assertEquals(2, Driver.body(bad).get("detail").size());
        Reply ok = d.send("alice", s, new UpdateConfig("{\"max_pattern_length\": 2}"));
        assertEquals(200, ok.getStatus());
        assertEquals("Configuration updated", Driver.body(ok).get("message").textValue());
        d.send("alice", s, observe("a"));
        JsonNode auto = Driver.body(d.send("alice", s, observe("b")));
        assertEquals("PTRN|76d7efca2e96cb5eeddf4e06ac96a0f424630135", auto.get("auto_learned_pattern").textValue());
    }

    @Test
    void aVectorLengthMismatchIsA400AndChangesNothing() {
        String s = create("alice", null);
        Reply r = d.send("alice", s, new Observe(new Observation(List.of("a"), List.of(List.of(1.0, 2.0, 3.0),
                List.of(1.0, 2.0)), Map.of(), "{}", null)));
        assertEquals(400, r.getStatus());
        assertEquals("Vector dimension mismatch: expected 3, got 2", Driver.body(r).get("detail").textValue());
        assertEquals(0, Driver.body(d.send("alice", s, new GetStm())).get("length").intValue());
    }

    @Test
    void observeSequenceReportsEveryItem() {
        String s = create("alice", null);
        List<Observation> items = List.of(new Observation(List.of("a"), List.of(), Map.of(), "{}", null),
                new Observation(List.of("b"), List.of(), Map.of(), "{}", "custom-2"),
                new Observation(List.of("c"), List.of(), Map.of(), "{}", null));
        JsonNode b = Driver.body(d.send("alice", s, new ObserveSequence(items, false, true, false)));
        assertEquals("completed", b.get("status").textValue());
        assertEquals(3, b.get("observations_processed").intValue());
        assertEquals("custom-2", b.get("results").get(1).get("unique_id").textValue());
        assertTrue(b.get("results").get(0).get("unique_id").textValue().matches("seq-obs-[0-9a-f]{32}"));
        assertEquals("PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9", b.get("final_learned_pattern").textValue());
        assertFalse(b.get("isolated").booleanValue());
    }

    @Test
    void learningPublishesKnowledgeAndClearAllTombstonesIt() {
        String s = create("alice", null);
        d.send("alice", s, observe("a", "b"));
        d.send("alice", s, new Learn());
        List<TestRecord<byte[], byte[]>> k = d.knowledgeRecords();
        List<String> keys = k.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("alice_kato/pattern/395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4", "alice_kato/symbol/a",
                "alice_kato/symbol/b", "alice_kato/totals"), keys);
        PatternDoc p = (PatternDoc) Driver.knowledge(k.get(0)).getItem();
        assertEquals(1, p.getFrequency());
        assertEquals("{}", p.getEmotivesJson());
        assertEquals(2, ((SymbolDoc) Driver.knowledge(k.get(1)).getItem()).getPatternMemberFrequency() + 1);
        assertEquals(1, ((TotalsDoc) Driver.knowledge(k.get(3)).getItem()).getTotalPatternFrequencies());

        JsonNode pattern = Driver.body(d.send("alice", null, new GetPattern("PTRN|395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4")));
        assertEquals("okay", pattern.get("pattern").get("status").textValue());
        assertEquals("alice_kato", pattern.get("node_id").textValue());
        assertEquals("{}", pattern.get("pattern").get("pattern").get("emotives").toString());

        d.send("alice", s, new ClearAll());
        List<TestRecord<byte[], byte[]>> cleared = d.knowledgeRecords();
        // published from the store's cache: the totals key, deleted and then written as zero within
        // the same command, appears once (zero), not as a tombstone followed by zero
        assertEquals(List.of("alice_kato/pattern/395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4", "alice_kato/symbol/a",
                "alice_kato/symbol/b"), cleared.stream().filter(r -> r.value() == null)
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
        assertEquals(5, cleared.size());
        assertEquals(0, ((TotalsDoc) Driver.knowledge(cleared.get(3)).getItem()).getTotalPatternFrequencies());
        KnowledgeRecord last = Driver.knowledge(cleared.get(cleared.size() - 1));
        assertTrue(last.getItem() instanceof NodeCleared);
        JsonNode missing = Driver.body(d.send("alice", null, new GetPattern("395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4")));
        assertEquals("error", missing.get("pattern").get("status").textValue());
        assertEquals("Pattern 395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4 not found",
                missing.get("pattern").get("message").textValue());
    }

    @Test
    void aKeyWrittenSeveralTimesBetweenTwoCommitsIsPublishedOnceWithItsLastValue() {
        String s = create("alice", null);
        d.sessionRecords(); // the session's creation, published at once
        Observation ab = new Observation(List.of("a", "b"), List.of(), Map.of(), "{}", null);
        // three learns of the same pattern in one command: pattern, symbols and totals written three times
        JsonNode b = Driver.body(d.send("alice", s, new ObserveSequence(List.of(ab, ab, ab), true, false, false)));
        assertEquals(3, b.get("auto_learned_patterns").size());
        List<TestRecord<byte[], byte[]>> k = d.knowledgeRecords();
        assertEquals(List.of("alice_kato/pattern/" + b.get("auto_learned_patterns").get(0).textValue().substring(5),
                        "alice_kato/symbol/a", "alice_kato/symbol/b", "alice_kato/totals"),
                k.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
        assertEquals(3, ((PatternDoc) Driver.knowledge(k.get(0)).getItem()).getFrequency());
        assertEquals(3, ((TotalsDoc) Driver.knowledge(k.get(3)).getItem()).getTotalPatternFrequencies());
        List<TestRecord<byte[], byte[]>> sessions = d.sessionRecords();
        assertEquals(1, sessions.size());
        assertEquals(0, Driver.session(sessions.get(0)).getStm().size());
    }

    @Test
    void nodesAreIsolatedAndAliasedNodeIdsShareKnowledge() {
        String a = create("alice", null);
        String b = create("bob", null);
        d.send("alice", a, observe("a", "b"));
        d.send("alice", a, new Learn());
        d.send("bob", b, observe("a", "b"));
        assertEquals(0, Driver.body(d.send("bob", b, new GetPredictions())).get("count").intValue());
        String x = create("project-x", null);
        d.send("project-x", x, observe("p", "q"));
        d.send("project-x", x, new Learn());
        String y = create("project_x", null);
        d.send("project_x", y, observe("p", "q"));
        assertEquals(1, Driver.body(d.send("project_x", y, new GetPredictions())).get("count").intValue());
    }

    @Test
    void sessionsExpireInStreamTimeAndAreTombstoned() {
        String s = "session-exp";
        d.send("alice", null, new CreateSession(s, "alice", "{}", 60L, null));
        d.sessionRecords();
        d.now += 61_000;
        create("bob", null); // advances stream time past the expiry; the punctuator runs
        List<TestRecord<byte[], byte[]>> records = d.sessionRecords();
        assertTrue(records.stream().anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(s)
                && r.value() == null), "a tombstone for the expired session");
        assertEquals(404, d.send("alice", s, new GetStm()).getStatus());
        assertEquals(1, Driver.body(d.send("bob", null, new CountSessions())).get("active_session_count").intValue());
    }

    @Test
    void aSlidExpiryIsHonouredByLaterScansAndCounts() {
        d.send("alice", null, new CreateSession("s-slid", "alice", "{}", 60L, null));
        d.send("alice", null, new CreateSession("s-idle", "alice", "{}", 60L, null));
        d.send("alice", null, new CreateSession("s-deleted", "alice", "{}", 60L, null));
        d.now += 2_000;
        assertEquals(3, Driver.body(d.send("alice", null, new CountSessions())).get("active_session_count").intValue());
        d.now += 48_000;
        d.send("alice", "s-slid", observe("x")); // expiry slides to now + 60 s
        d.send("alice", "s-deleted", new DeleteSession());
        d.sessionRecords();
        d.now += 20_000; // past the others' expiry, not past the slid one's; the punctuator runs
        d.send("alice", null, new CountSessions());
        List<String> tombstones = d.sessionRecords().stream().filter(r -> r.value() == null)
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("s-idle"), tombstones);
        assertEquals(1, Driver.body(d.send("alice", null, new CountSessions())).get("active_session_count").intValue());
        assertEquals(200, d.send("alice", "s-slid", new GetStm()).getStatus());
    }

    @Test
    void anExpiredSessionIsReportedByExists() {
        String s = "session-short";
        d.send("alice", null, new CreateSession(s, "alice", "{}", 60L, null));
        d.now += 60_001;
        JsonNode e = Driver.body(d.send("alice", s, new SessionExists()));
        assertFalse(e.get("exists").booleanValue());
        assertTrue(e.get("expired").booleanValue());
    }

    @Test
    void observationsPublishedAsJsonCreateTheirSessionAndPredict() {
        String s = create("alice", null);
        d.send("alice", s, observe("x"));
        d.send("alice", s, observe("y"));
        d.send("alice", s, new Learn());
        d.predictionSets();
        byte[] json1 = "{\"session_id\":\"stream-1\",\"strings\":[\"x\"]}".getBytes(StandardCharsets.UTF_8);
        byte[] json2 = "{\"session_id\":\"stream-1\",\"strings\":[\"y\"],\"emotives\":{\"joy\":\"0.5\"}}"
                .getBytes(StandardCharsets.UTF_8);
        d.observations.pipeInput("alice".getBytes(StandardCharsets.UTF_8), json1, d.now);
        d.observations.pipeInput("alice".getBytes(StandardCharsets.UTF_8), json2, d.now);
        List<PredictionSet> sets = d.predictionSets();
        assertEquals(1, sets.size());
        assertEquals("stream-1", sets.get(0).getSessionId());
        assertEquals(1, sets.get(0).getPredictions().size());
        assertTrue(d.deadLetters.isEmpty());
    }

    /**
     * A symbol sums every emotive name ever learned with it; learns that keep bringing new names
     * would grow its record past KATO_MAX_RECORD_BYTES (even with persistence 1 keeping the pattern
     * small). Refused with 413 before anything changes, instead of failing the task.
     */
    @Test
    void aLearnThatWouldOutgrowASymbolRecordIsRefused() {
        try (Driver x = new Driver(ServiceConfig.fromEnvironment(Map.of("KATO_MAX_RECORD_BYTES", "1048576")))) {
            x.send("emo", null, new CreateSession("s-emo", "emo", "{}", null, "{\"persistence\":1}"));
            Reply refused = null;
            int learned = 0;
            for (int round = 0; round < 30 && refused == null; round++) {
                Map<String, Double> emotives = new java.util.LinkedHashMap<>();
                for (int i = 0; i < 5_000; i++) emotives.put("e" + round + "_" + i, 1.5);
                assertEquals(200, x.send("emo", "s-emo", new Observe(new Observation(List.of("a"), List.of(), emotives, "{}", null))).getStatus());
                x.send("emo", "s-emo", observe("b"));
                Reply r = x.send("emo", "s-emo", new Learn());
                if (r.getStatus() == 200) learned++;
                else refused = r;
            }
            assertEquals(413, refused.getStatus(), refused.getBodyJson());
            assertTrue(Driver.body(refused).get("detail").textValue().contains("record of symbol"), refused.getBodyJson());
            assertTrue(learned >= 4, "several learns fit first: " + learned);
            String name = "PTRN|" + io.katostreams.engine.PatternName.of(List.of(List.of("a"), List.of("b")));
            assertEquals(learned, Driver.body(x.send("emo", null, new GetPattern(name))).get("pattern").get("pattern")
                    .get("frequency").intValue(), "the refused learn changed nothing");
            assertEquals(200, x.send("emo", "s-emo", observe("c")).getStatus(), "the task goes on");
        }
    }

    /**
     * An observation naming a session id of the REST form that this task does not hold (another
     * node's, on another partition; or expired) is dead-lettered, never created here: creating it
     * would put a second session under that id and let one node's producer take over another's
     * REST session. The node's own default session and ids of the producer's choosing are created.
     */
    @Test
    void observationsDoNotCreateSessionsUnderRestMintedIds() {
        byte[] key = "mallory".getBytes(StandardCharsets.UTF_8);
        String foreign = "session-0123456789abcdef0123456789abcdef-1735732800000";
        d.observations.pipeInput(key, ("{\"session_id\":\"" + foreign + "\",\"strings\":[\"intruder\"]}")
                .getBytes(StandardCharsets.UTF_8), d.now);
        DeadLetter dl = KatoSerdes.deadLetters().decode(d.deadLetters.readValue());
        assertTrue(dl.getReason().startsWith("session_id: session " + foreign + " not found"), dl.getReason());
        assertEquals(404, d.send("mallory", foreign, new GetStm()).getStatus(), "no session was created");
        // the node's default session (no session_id, or its id given explicitly) and own ids still work
        d.observations.pipeInput(key, "{\"strings\":[\"a\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        String defaultSession = "session-" + CommandHandler.hex32("default:mallory") + "-0";
        d.observations.pipeInput(key, ("{\"session_id\":\"" + defaultSession + "\",\"strings\":[\"b\"]}")
                .getBytes(StandardCharsets.UTF_8), d.now);
        d.observations.pipeInput(key, "{\"session_id\":\"sensor-7\",\"strings\":[\"c\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        assertTrue(d.deadLetters.isEmpty());
        assertEquals(2, Driver.body(d.send("mallory", defaultSession, new GetStm())).get("length").intValue());
        assertEquals(1, Driver.body(d.send("mallory", "sensor-7", new GetStm())).get("length").intValue());
    }

    /**
     * The raw and the canonical spelling of a node id are one node (spec 02 §2.3): a session created
     * for "project-x" takes observations keyed by "project_x", and both spellings share one default
     * session.
     */
    @Test
    void bothSpellingsOfANodeIdReachItsSessions() {
        String s = create("project-x", null);
        byte[] canonical = "project_x".getBytes(StandardCharsets.UTF_8);
        d.observations.pipeInput(canonical, ("{\"session_id\":\"" + s + "\",\"strings\":[\"a\"]}").getBytes(StandardCharsets.UTF_8), d.now);
        assertTrue(d.deadLetters.isEmpty(), "keyed by the canonical id, as docs/topology.md says");
        assertEquals(1, Driver.body(d.send("project-x", s, new GetStm())).get("length").intValue());
        d.observations.pipeInput(canonical, "{\"strings\":[\"p\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        d.observations.pipeInput(canonical, "{\"node_id\":\"project-x\",\"strings\":[\"q\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        String defaultSession = "session-" + CommandHandler.hex32("default:project_x") + "-0";
        assertEquals(2, Driver.body(d.send("project_x", defaultSession, new GetStm())).get("length").intValue());
    }

    /** A record too large to copy whole into a dead letter is cut to fit, so the dead letter can be written. */
    @Test
    void aDeadLetterOfAnOversizedRecordFitsTheRecordLimit() {
        for (String format : List.of("avro", "json")) {
            try (Driver x = new Driver(ServiceConfig.fromEnvironment(Map.of("KATO_MAX_RECORD_BYTES", "1048576",
                    "KATO_OUTPUT_FORMAT", format)))) {
                byte[] garbage = new byte[1_100_000]; // the input topic takes up to the limit + 64 KiB
                java.util.Arrays.fill(garbage, (byte) 'z');
                x.observations.pipeInput("big".getBytes(StandardCharsets.UTF_8), garbage, x.now);
                x.observations.pipeInput("big".getBytes(StandardCharsets.UTF_8), null, x.now);
                byte[] first = x.deadLetters.readValue();
                assertTrue(first.length <= 1_048_576, format + ": " + first.length + " bytes");
                String reason = format.equals("json") ? Driver.JSON.readTree(first).get("reason").asText()
                        : KatoSerdes.deadLetters().decode(first).getReason();
                assertTrue(reason.contains("truncated to fit KATO_MAX_RECORD_BYTES") && reason.contains("value 1100000 → "), reason);
                String tombstone = format.equals("json") ? Driver.JSON.readTree(x.deadLetters.readValue()).get("reason").asText()
                        : KatoSerdes.deadLetters().decode(x.deadLetters.readValue()).getReason();
                assertTrue(tombstone.startsWith("value: missing (a tombstone)"), tombstone);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void badInputGoesToDeadLettersAndProcessingContinues() {
        byte[] key = "alice".getBytes(StandardCharsets.UTF_8);
        d.observations.pipeInput(key, "{\"strings\": [1]}".getBytes(StandardCharsets.UTF_8), d.now);
        d.observations.pipeInput(key, "not json".getBytes(StandardCharsets.UTF_8), d.now);
        d.observations.pipeInput(null, "{\"strings\": [\"a\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        d.observations.pipeInput(key, "{\"vectors\": [[1,2],[1,2,3]]}".getBytes(StandardCharsets.UTF_8), d.now);
        d.commands.pipeInput(key, new byte[]{1, 2, 3}, d.now);
        List<DeadLetter> dls = new ArrayList<>();
        while (!d.deadLetters.isEmpty()) dls.add(KatoSerdes.deadLetters().decode(d.deadLetters.readValue()));
        assertEquals(5, dls.size());
        assertTrue(dls.get(0).getReason().contains("strings[0]"), dls.get(0).getReason());
        assertTrue(dls.get(2).getReason().contains("node_id"), "no key and no node_id: " + dls.get(2).getReason());
        assertTrue(dls.get(3).getReason().contains("Vector dimension mismatch"), dls.get(3).getReason());
        assertTrue(dls.get(4).getReason().startsWith("value: not a Command"), dls.get(4).getReason());
        assertArrayEquals(new byte[]{1, 2, 3}, dls.get(4).getValue().array());
        assertEquals("kato.commands", dls.get(4).getTopic());
        // the stream thread is alive: a valid command is still answered
        assertEquals(200, d.send("alice", null, new CreateSession("s-after", "alice", "{}", null, null)).getStatus());
    }

    /**
     * A pattern's metadata unions every value ever learned with it. A learn that would push its
     * record past KATO_MAX_RECORD_BYTES is refused (413; dead letter from kato.observations) and
     * changes nothing, instead of failing the producer and, after every restart, the task.
     */
    @Test
    void aLearnThatWouldOutgrowARecordIsRefusedAndChangesNothing() {
        try (Driver x = new Driver(ServiceConfig.fromEnvironment(Map.of("KATO_MAX_RECORD_BYTES", "1048576")))) {
            x.send("meta", null, new CreateSession("s-meta", "meta", "{}", null, null));
            String value = "v".repeat(100_000);
            int learned = 0;
            Reply refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                x.send("meta", "s-meta", new Observe(new Observation(List.of("a"), List.of(), Map.of(), "{\"k\":\"" + value + i + "\"}", null)));
                x.send("meta", "s-meta", observe("b"));
                Reply r = x.send("meta", "s-meta", new Learn());
                if (r.getStatus() == 200) learned++;
                else refused = r;
            }
            assertEquals(413, refused.getStatus(), refused.getBodyJson());
            assertTrue(Driver.body(refused).get("detail").textValue().contains("nothing was learned"), refused.getBodyJson());
            assertTrue(learned >= 5 && learned <= 9, "about 9 values of 100 KB fit in 1 MiB less 64 KiB: " + learned);
            String name = "PTRN|" + io.katostreams.engine.PatternName.of(List.of(List.of("a"), List.of("b")));
            JsonNode pattern = Driver.body(x.send("meta", null, new GetPattern(name))).get("pattern").get("pattern");
            assertEquals(learned, pattern.get("frequency").intValue(), "the refused learn changed nothing");
            assertEquals(learned, pattern.get("metadata").get("k").size());
            assertEquals(2, Driver.body(x.send("meta", "s-meta", new GetStm())).get("length").intValue(), "STM kept");
            // without new metadata values the pattern no longer grows: it is learned again
            x.send("meta", "s-meta", new ClearStm());
            x.send("meta", "s-meta", observe("a"));
            x.send("meta", "s-meta", observe("b"));
            assertEquals(200, x.send("meta", "s-meta", new Learn()).getStatus());
            // the same refusal for an auto-learn from kato.observations: a dead letter, the task goes on
            assertEquals(200, x.send("meta", "s-meta", new UpdateConfig("{\"max_pattern_length\":2}")).getStatus());
            byte[] key = "meta".getBytes(StandardCharsets.UTF_8);
            x.observations.pipeInput(key, ("{\"session_id\":\"s-meta\",\"strings\":[\"a\"],\"metadata\":{\"k\":\"" + value
                    + "x\"}}").getBytes(StandardCharsets.UTF_8), x.now);
            x.observations.pipeInput(key, "{\"session_id\":\"s-meta\",\"strings\":[\"b\"]}".getBytes(StandardCharsets.UTF_8), x.now);
            DeadLetter dl = KatoSerdes.deadLetters().decode(x.deadLetters.readValue());
            assertTrue(dl.getReason().contains("KATO_MAX_RECORD_BYTES"), dl.getReason());
            assertTrue(x.deadLetters.isEmpty());
            assertEquals(200, x.send("meta", "s-meta", observe("c")).getStatus());
        }
    }

    @Test
    void aRecordKeyedByTheRawAliasedNodeIdIsProcessedAsItsNodes() {
        byte[] raw = "project-x".getBytes(StandardCharsets.UTF_8);
        d.observations.pipeInput(raw, "{\"session_id\":\"s1\",\"strings\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8), d.now);
        // one partition: it arrived where its node is owned, so it is processed in place, once
        for (TestRecord<byte[], byte[]> r : d.routing.readRecordsToList()) {
            assertEquals(Routed.CLAIM_RESULT, Routed.kind(r.value()), "not moved, only its session id claimed");
        }
        List<TestRecord<byte[], byte[]>> sessions = d.sessionRecords();
        assertEquals(1, sessions.size(), "processed once");
        assertEquals("s1", new String(sessions.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("project-x", Driver.session(sessions.get(0)).getNodeId(), "the raw node id travels in the value");
        assertEquals(1, Driver.session(sessions.get(0)).getStm().size());
        assertTrue(d.deadLetters.isEmpty());
    }

    @Test
    void nodeSnapshotsShowTheLastObservation() {
        String s = create("alice", null);
        d.send("alice", s, new Observe(new Observation(List.of("b", "a"), List.of(), Map.of("joy", 0.5), "{\"k\":1}", null)));
        JsonNode percept = Driver.body(d.send("alice", null, new GetPerceptData()));
        assertEquals("[\"b\",\"a\"]", percept.get("percept_data").get("strings").toString());
        assertEquals("Node-alice-PatternProcessor-unknown-process", percept.get("percept_data").get("path").get(0).textValue());
        JsonNode cognition = Driver.body(d.send("alice", null, new GetCognitionData()));
        assertEquals("[\"a\",\"b\"]", cognition.get("cognition_data").get("symbols").toString());
        assertEquals(0.5, cognition.get("cognition_data").get("emotives").get("joy").doubleValue());
    }

    @Test
    void theSameInputTwiceGivesByteIdenticalOutputs() {
        List<List<byte[]>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Driver x = new Driver()) {
                x.send("alice", null, new CreateSession("s-det", "alice", "{}", null, "{\"max_pattern_length\":3}"));
                for (String sym : List.of("a", "b", "c", "a", "b", "d", "a", "b")) {
                    x.send("alice", "s-det", new Observe(new Observation(List.of(sym), List.of(List.of(0.5, 1.0)),
                            Map.of("joy", 0.25), "{\"n\":1.5}", null)));
                    x.now += 17;
                }
                x.send("alice", "s-det", new GetPredictions());
                List<byte[]> out = new ArrayList<>();
                for (var t : List.of(x.predictions, x.sessions, x.knowledge, x.replies)) {
                    t.readRecordsToList().forEach(r -> out.add(r.value() == null ? new byte[0] : r.value()));
                }
                runs.add(out);
            }
        }
        assertEquals(runs.get(0).size(), runs.get(1).size());
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertTrue(Arrays.equals(runs.get(0).get(i), runs.get(1).get(i)), "output record " + i + " differs");
        }
    }

    @Test
    void anExportedNodeImportedIntoAnotherNodePredictsTheSame() {
        String s = create("alice", null);
        for (List<String> seq : List.of(List.of("a", "b", "c"), List.of("a", "b", "d"), List.of("a", "b", "c"))) {
            for (String x : seq) d.send("alice", s, new Observe(new Observation(List.of(x), List.of(List.of(1.0, 2.0)),
                    Map.of("joy", 0.5), "{\"src\":\"t\"}", null)));
            d.send("alice", s, new Learn());
        }
        Map<String, KnowledgeRecord> latest = new java.util.LinkedHashMap<>();
        for (TestRecord<byte[], byte[]> r : d.knowledgeRecords()) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) latest.remove(key);
            else latest.put(key, Driver.knowledge(r));
        }
        List<String> lines = NodeExport.lines("alice", "alice_kato", latest.values());
        assertTrue(lines.get(0).contains("kato-node-export"));
        for (String chunk : NodeExport.chunks(lines, 2, true)) {
            Reply r = d.send("bob", null, new io.katostreams.schemas.avro.ImportNode(chunk));
            assertEquals(200, r.getStatus(), r.getBodyJson());
        }
        String b = create("bob", null);
        for (String x : List.of("a", "b")) {
            d.send("alice", s, observe(x));
            d.send("bob", b, observe(x));
        }
        JsonNode fromAlice = Driver.body(d.send("alice", s, new GetPredictions()));
        JsonNode fromBob = Driver.body(d.send("bob", b, new GetPredictions()));
        assertEquals(2, fromAlice.get("count").intValue());
        assertEquals(fromAlice.get("predictions"), fromBob.get("predictions"));
        assertEquals(fromAlice.get("future_potentials"), fromBob.get("future_potentials"));
        JsonNode pattern = Driver.body(d.send("bob", null, new GetPattern(fromAlice.get("predictions").get(0).get("name").textValue())));
        assertEquals("okay", pattern.get("pattern").get("status").textValue());
        assertEquals("[\"t\"]", pattern.get("pattern").get("pattern").get("metadata").get("src").toString());
    }

    @Test
    void observationsOnTheTopicFollowTheSessionsConfiguration() {
        d.send("bench-0", null, new CreateSession("bench-0-1", "bench-0", "{}", null,
                "{\"max_pattern_length\":5,\"process_predictions\":false}"));
        d.predictionSets();
        for (int i = 0; i < 12; i++) {
            io.katostreams.schemas.avro.ObservationRecord r = io.katostreams.schemas.avro.ObservationRecord.newBuilder()
                    .setNodeId("bench-0").setSessionId("bench-0-1").setStrings(List.of("s" + i)).setVectors(List.of())
                    .setEmotives(Map.of()).setMetadataJson("{}").setUniqueId(null).build();
            d.observations.pipeInput(Driver.key("bench-0"), KatoSerdes.observations().encode(r), d.now);
        }
        assertTrue(d.predictionSets().isEmpty(), "process_predictions is off for this session");
        List<TestRecord<byte[], byte[]>> states = d.sessionRecords();
        io.katostreams.schemas.avro.SessionState last = Driver.session(states.get(states.size() - 1));
        assertEquals(12, last.getTime());
        assertEquals(2, last.getStm().size(), "auto-learned at 5 and 10");
    }

    @Test
    void forgetNodeDeletesOnlyThatNodesKnowledge() {
        String a = create("alice", null);
        String b = create("bob", null);
        for (String sess : List.of(a, b)) {
            String node = sess.equals(a) ? "alice" : "bob";
            d.send(node, sess, observe("x", "y"));
            d.send(node, sess, new Learn());
        }
        d.knowledgeRecords();
        JsonNode forgot = Driver.body(d.send("alice", null, new io.katostreams.schemas.avro.ForgetNode()));
        assertEquals("forgotten", forgot.get("status").textValue());
        assertEquals("alice_kato", forgot.get("node_id").textValue());
        List<TestRecord<byte[], byte[]>> k = d.knowledgeRecords();
        assertTrue(k.stream().allMatch(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("alice_kato/")));
        assertTrue(k.stream().anyMatch(r -> r.value() == null), "tombstones for alice's items");
        d.send("alice", a, observe("x", "y"));
        d.send("bob", b, observe("x", "y"));
        assertEquals(0, Driver.body(d.send("alice", a, new GetPredictions())).get("count").intValue());
        assertEquals(1, Driver.body(d.send("bob", b, new GetPredictions())).get("count").intValue());
    }

    @Test
    void clearStmKeepsTheCounter() {
        String s = create("alice", null);
        d.send("alice", s, observe("a"));
        d.send("alice", s, new io.katostreams.schemas.avro.ClearStm());
        assertEquals(0, Driver.body(d.send("alice", s, new GetStm())).get("length").intValue());
        assertEquals(2, Driver.body(d.send("alice", s, observe("b"))).get("time").intValue());
    }

    /** The growth guard counts strings by their UTF-8 size, the size they take in a record. */
    @Test
    void utf8LengthIsTheEncodedSize() {
        for (String x : List.of("", "plain", "é", "日本語", "😀", "a😀é日", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
            assertEquals(x.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, CommandHandler.utf8Length(x), x);
        }
        assertEquals(3, CommandHandler.utf8Length("\ud800"), "a lone surrogate: an upper bound");
    }
}
