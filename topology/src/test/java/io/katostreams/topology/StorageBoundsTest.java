package io.katostreams.topology;

import io.katostreams.schemas.DiskGuardHeader;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16 in the topology: which prediction sets are published, growth limits, the disk guard as an input. */
class StorageBoundsTest {

    private static Driver driver(String... env) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) m.put(env[i], env[i + 1]);
        return new Driver(ServiceConfig.fromEnvironment(m));
    }

    private static Observe observe(String... strings) {
        return new Observe(new Observation(List.of(strings), List.of(), Map.of(), "{}", null));
    }

    private static void publish(Driver d, String node, String session, String... strings) {
        ObservationRecord r = ObservationRecord.newBuilder().setNodeId(node).setSessionId(session)
                .setStrings(List.of(strings)).setVectors(List.of()).setEmotives(Map.of()).setMetadataJson("{}")
                .setUniqueId(null).build();
        d.observations.pipeInput(Driver.key(node), KatoSerdes.observations().encode(r), d.now);
    }

    private static String session(Driver d, String node) {
        Reply r = d.send(node, null, new CreateSession("session-" + "0".repeat(31) + "1-1", node, "{}", null, null));
        assertEquals(200, r.getStatus(), r.getBodyJson());
        return "session-" + "0".repeat(31) + "1-1";
    }

    /** Learns a, b, c (and a, b, d) so that observing a, b predicts. */
    private static void train(Driver d, String node, String s) {
        for (List<String> seq : List.of(List.of("a", "b", "c"), List.of("a", "b", "d"))) {
            for (String x : seq) d.send(node, s, observe(x));
            assertEquals(200, d.send(node, s, new Learn()).getStatus());
        }
    }

    private static List<DeadLetter> deadLetters(Driver d) {
        List<DeadLetter> out = new ArrayList<>();
        while (!d.deadLetters.isEmpty()) out.add(KatoSerdes.deadLetters().decode(d.deadLetters.readValue()));
        return out;
    }

    @Test
    void restObservationsPublishNoPredictionSetsByDefaultButTopicObservationsDo() {
        try (Driver d = driver()) {
            String s = session(d, "alice");
            train(d, "alice", s);
            d.send("alice", s, observe("a"));
            Reply r = d.send("alice", s, observe("b"));
            assertEquals(200, r.getStatus());
            assertTrue(d.predictionSets().isEmpty(), "no set for REST observations by default");
            // the REST contract is unchanged: GET …/predictions still answers from the same STM
            assertEquals(2, Driver.body(d.send("alice", s, new GetPredictions())).get("count").intValue());
            // an observe-sequence is REST too
            d.send("alice", s, new ObserveSequence(List.of(observe("a").getObservation(), observe("b").getObservation()),
                    false, false, false));
            assertTrue(d.predictionSets().isEmpty());

            publish(d, "alice", "stream-1", "a");
            publish(d, "alice", "stream-1", "b");
            List<PredictionSet> sets = d.predictionSets();
            assertEquals(1, sets.size(), "a Kafka observation gets its set");
            assertEquals("stream-1", sets.get(0).getSessionId());
            assertEquals(2, sets.get(0).getPredictions().size());
        }
    }

    @Test
    void restPredictionSetsArePublishedWhenTheServiceAsks() {
        try (Driver d = driver("KATO_PUBLISH_REST_PREDICTIONS", "true")) {
            String s = session(d, "alice");
            train(d, "alice", s);
            d.predictionSets();
            d.send("alice", s, observe("a"));
            d.send("alice", s, observe("b"));
            assertEquals(1, d.predictionSets().size());
        }
    }

    @Test
    void topicMaxPredictionsCapsTheSetButNotGetPredictions() {
        try (Driver d = driver("KATO_TOPIC_MAX_PREDICTIONS", "1")) {
            String s = session(d, "alice");
            train(d, "alice", s);
            publish(d, "alice", "stream-1", "a");
            publish(d, "alice", "stream-1", "b");
            PredictionSet set = d.predictionSets().get(0);
            assertEquals(1, set.getPredictions().size(), "capped on the topic");
            assertEquals(2, set.getFuturePotentials().size(), "future potentials of all predictions (c and d)");
            d.send("alice", s, observe("a"));
            d.send("alice", s, observe("b"));
            assertEquals(2, Driver.body(d.send("alice", s, new GetPredictions())).get("count").intValue(),
                    "the session's max_predictions still rules GET");
        }
    }

    @Test
    void anObservationWiderThanMaxEventSymbolsIsRefusedNamingTheSetting() {
        try (Driver d = driver("KATO_MAX_EVENT_SYMBOLS", "3")) {
            String s = session(d, "alice");
            assertEquals(200, d.send("alice", s, observe("a", "b", "c")).getStatus());
            Reply r = d.send("alice", s, observe("a", "b", "c", "d"));
            assertEquals(413, r.getStatus());
            assertTrue(Driver.body(r).get("detail").textValue().contains("KATO_MAX_EVENT_SYMBOLS (3)"), r.getBodyJson());
            Reply seq = d.send("alice", s, new ObserveSequence(List.of(observe("x").getObservation(),
                    observe("a", "b", "c", "d").getObservation()), false, false, false));
            assertEquals(413, seq.getStatus());
            assertTrue(seq.getBodyJson().contains("observation_index 1"), seq.getBodyJson());
            assertEquals(1, Driver.body(d.send("alice", s, new io.katostreams.schemas.avro.GetStm())).get("length").intValue(),
                    "nothing of the refused requests was applied");

            publish(d, "alice", "stream-1", "a", "b", "c", "d");
            List<DeadLetter> dls = deadLetters(d);
            assertEquals(1, dls.size());
            assertTrue(dls.get(0).getReason().contains("KATO_MAX_EVENT_SYMBOLS"), dls.get(0).getReason());
        }
    }

    @Test
    void aLearnCreatingMoreSymbolsThanAllowedIsRefusedAndNothingIsLearned() {
        try (Driver d = driver("KATO_MAX_NEW_SYMBOLS_PER_LEARN", "3")) {
            String s = session(d, "alice");
            d.send("alice", s, observe("a", "b"));
            d.send("alice", s, observe("c"));
            assertEquals(200, d.send("alice", s, new Learn()).getStatus(), "3 new symbols: allowed");
            d.send("alice", s, observe("a", "b", "c")); // known symbols do not count
            d.send("alice", s, observe("x", "y"));
            assertEquals(200, d.send("alice", s, new Learn()).getStatus(), "2 new symbols");
            d.send("alice", s, observe("p", "q"));
            d.send("alice", s, observe("r", "t"));
            Reply r = d.send("alice", s, new Learn());
            assertEquals(413, r.getStatus());
            assertTrue(r.getBodyJson().contains("4 new symbol records") && r.getBodyJson().contains(
                    "KATO_MAX_NEW_SYMBOLS_PER_LEARN (3)"), r.getBodyJson());
            d.knowledgeRecords();
            d.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            // an auto-learn from the topic is dead-lettered the same way
            d.send("alice", null, new CreateSession("auto", "alice", "{}", null, "{\"max_pattern_length\":2}"));
            publish(d, "alice", "auto", "m", "n");
            publish(d, "alice", "auto", "o", "u");
            List<DeadLetter> dls = deadLetters(d);
            assertEquals(1, dls.size());
            assertTrue(dls.get(0).getReason().contains("KATO_MAX_NEW_SYMBOLS_PER_LEARN"), dls.get(0).getReason());
        }
    }

    private static void tick(Driver d, String state) {
        Command c = Command.newBuilder().setCorrelationId("tick-" + state).setReplyTo(null).setNodeId("").setSessionId(null)
                .setOp(new CountSessions()).build();
        RecordHeaders h = new RecordHeaders();
        h.add(DiskGuardHeader.NAME, state.getBytes(StandardCharsets.UTF_8));
        d.commands.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(new byte[0], KatoSerdes.commands().encode(c), h,
                d.now));
    }

    @Test
    void theDiskGuardIsAnInputThatRefusesGrowthUntilLifted() {
        try (Driver d = driver()) {
            String s = session(d, "alice");
            train(d, "alice", s);
            d.send("alice", s, observe("a"));
            tick(d, DiskGuardHeader.REFUSE);

            Reply refused = d.send("alice", s, observe("b"));
            assertEquals(507, refused.getStatus());
            assertTrue(Driver.body(refused).get("detail").textValue().contains("KATO_DISK_GUARD_MAX_USED_PERCENT"));
            assertEquals(507, d.send("alice", s, new Learn()).getStatus());
            // reading still works, and what was acknowledged before is all there
            assertEquals(200, d.send("alice", s, new GetPredictions()).getStatus());
            assertEquals(1, Driver.body(d.send("alice", s, new io.katostreams.schemas.avro.GetStm())).get("length").intValue());

            publish(d, "alice", "stream-1", "a");
            List<DeadLetter> dls = deadLetters(d);
            assertEquals(1, dls.size());
            assertTrue(dls.get(0).getReason().startsWith("insufficient storage"), dls.get(0).getReason());
            assertNull(dls.get(0).getValue(), "a small dead letter: the value stays on kato.observations only");
            assertTrue(dls.get(0).getOffset() >= 0);

            tick(d, DiskGuardHeader.ACCEPT);
            assertEquals(200, d.send("alice", s, observe("b")).getStatus());
            assertEquals(200, d.send("alice", s, new Learn()).getStatus());
            publish(d, "alice", "stream-1", "a");
            assertTrue(deadLetters(d).isEmpty());
        }
    }
}
