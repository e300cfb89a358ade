package io.katostreams.topology;

import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.DeleteSession;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement (a record is processed by the task that owns its node, whatever partition it arrived on)
 * and session ownership (a user-chosen session id belongs to the first node that uses it). The test
 * driver delivers every record on partition 0 of its topic; with 4 partitions, a node that partition
 * 0 does not own is misplaced there.
 */
class PlacementAndClaimsTest {
    static final int PARTITIONS = 4;
    private final Driver d = new Driver(ServiceConfig.defaults(), PARTITIONS);

    @AfterEach
    void close() {
        d.close();
    }

    /** The first node id {@code prefix<i>} owned by {@code partition} (murmur2 of its canonical id, as the Java producer). */
    static String nodeOn(int partition, String prefix) {
        for (int i = 0; ; i++) {
            String canonical = io.katostreams.schemas.ProcessorId.sanitizeNode(prefix + i);
            if (NodePlacement.partitionOf(canonical, PARTITIONS) == partition) return prefix + i;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private double metric(String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : d.driver.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("stream-kato-metrics")) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> out = new ArrayList<>();
        while (!d.deadLetters.isEmpty()) out.add(KatoSerdes.deadLetters().decode(d.deadLetters.readValue()));
        return out;
    }

    private List<Routed.Input> moved() {
        List<Routed.Input> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : d.routing.readRecordsToList()) {
            byte kind = Routed.kind(r.value());
            if (kind == Routed.COMMAND || kind == Routed.OBSERVATION) out.add(Routed.decodeInput(r.value()));
        }
        return out;
    }

    private int stmLength(String node, String session) {
        Reply r = d.send(node, session, new GetStm());
        assertEquals(200, r.getStatus(), r.getBodyJson());
        return Driver.body(r).get("length").intValue();
    }

    /**
     * An observation that arrived on a partition that does not own its node (librdkafka's CRC32, an
     * explicit partition) is moved unchanged to the owner's partition through kato.routing, counted, and
     * processed there once; one owned by the partition it arrived on is processed in place.
     */
    @Test
    void aMisplacedObservationIsMovedToItsNodesPartitionAndProcessedThere() {
        String away = nodeOn(3, "away-");
        String home = nodeOn(0, "home-");
        byte[] json = utf8("{\"session_id\":\"sensor-7\",\"strings\":[\"a\"]}");
        d.observations.pipeInput(utf8(away), json, d.now);
        List<Routed.Input> moved = moved();
        assertEquals(1, moved.size());
        Routed.Input in = moved.get(0);
        assertEquals("kato.observations", in.topic());
        assertEquals(0, in.partition(), "the origin travels with it");
        assertEquals(away, new String(in.key(), StandardCharsets.UTF_8), "key (here a raw node id) and value unchanged");
        assertEquals(new String(json, StandardCharsets.UTF_8), new String(in.value(), StandardCharsets.UTF_8));
        assertEquals(1.0, metric("misplaced-records-total"));
        assertTrue(deadLetters().isEmpty(), "never dead-lettered for its placement");
        assertEquals(1, stmLength(away, "sensor-7"), "processed by the owner, once");
        // GetStm above was a command of the same node: moved too
        assertEquals(2.0, metric("misplaced-records-total"));
        assertEquals("kato.commands", moved().get(0).topic());

        d.observations.pipeInput(utf8(home), utf8("{\"session_id\":\"sensor-8\",\"strings\":[\"b\"]}"), d.now);
        List<Routed.Input> m2 = moved();
        assertTrue(m2.isEmpty(), "owned where it arrived: processed in place " + m2.stream().map(x -> x.topic() + "/" + new String(x.value(), StandardCharsets.UTF_8)).toList());
        assertEquals(1, stmLength(home, "sensor-8"));
        assertEquals(2.0, metric("misplaced-records-total"));
    }

    /** A null key with node_id in the body, and a command on the wrong partition, reach their node too. */
    @Test
    void aNullKeyedObservationAndAMisplacedCommandReachTheirNode() {
        String away = nodeOn(2, "nk-");
        d.observations.pipeInput(null, utf8("{\"node_id\":\"" + away + "\",\"session_id\":\"nk-s\",\"strings\":[\"a\"]}"), d.now);
        d.observations.pipeInput(null, utf8("{\"node_id\":\"" + away + "\",\"session_id\":\"nk-s\",\"strings\":[\"b\"]}"), d.now);
        assertEquals(2, moved().size());
        assertTrue(deadLetters().isEmpty());
        Reply created = d.send(away, "cmd-s", new CreateSession("cmd-s", away, "{}", null, null));
        assertEquals(200, created.getStatus(), created.getBodyJson());
        assertEquals(2, stmLength(away, "nk-s"));
        // the same events, in the order they were sent
        assertEquals("[[\"a\"],[\"b\"]]", Driver.body(d.send(away, "nk-s", new GetStm())).get("stm").toString());
        assertEquals(0, stmLength(away, "cmd-s"));
    }

    /**
     * The hijack of the issue: node thief naming session own-s1 of node owner, held by another task
     * (another partition). The owner's task claimed own-s1 (the claim store has it) and holds the
     * session; the thief's task does not, asks the claim store, is refused: a dead letter naming the
     * owner rule, nothing created. A CreateSession command of the thief is answered 409.
     */
    @Test
    void aSessionOfANodeOnAnotherPartitionCannotBeTakenOver() {
        String owner = nodeOn(1, "owner-");
        String thief = nodeOn(2, "thief-");
        // the owner's task (elsewhere) claimed the id: its claim reached the claim store
        TestInputTopic<byte[], byte[]> claims = d.driver.createInputTopic("kato.session-claims", new ByteArraySerializer(),
                new ByteArraySerializer());
        claims.pipeInput(utf8("own-s1"), Routed.encode(new Routed.Claim(false, "own-s1", owner)), d.now);
        d.routing.readRecordsToList(); // the owner's grant (this driver's single task has no waiting owner record)
        d.observations.pipeInput(utf8(thief), utf8("{\"session_id\":\"own-s1\",\"strings\":[\"x\"]}"), d.now);
        List<DeadLetter> dls = deadLetters();
        assertEquals(1, dls.size());
        String reason = dls.get(0).getReason();
        assertTrue(reason.contains("session own-s1 belongs to node '" + owner + "', not '" + thief + "'"), reason);
        assertTrue(reason.contains("claimed by the first node that uses it"), reason);
        assertEquals("kato.observations", dls.get(0).getTopic(), "the dead letter names the original record");
        assertEquals(1.0, metric("session-claims-refused-total"));
        // nothing was created under the id for the thief
        assertEquals(404, d.send(thief, "own-s1", new GetStm()).getStatus());
        Reply create = d.send(thief, "own-s1", new CreateSession("own-s1", thief, "{}", null, null));
        assertEquals(409, create.getStatus(), create.getBodyJson());
        assertTrue(create.getBodyJson().contains("belongs to node '" + owner + "'"), create.getBodyJson());
        // the thief's next records (other sessions) are not held back by the refusal
        d.observations.pipeInput(utf8(thief), utf8("{\"session_id\":\"thief-own\",\"strings\":[\"y\"]}"), d.now);
        assertTrue(deadLetters().isEmpty());
        assertEquals(1, stmLength(thief, "thief-own"));
    }

    /**
     * Both nodes owned by this task: the session is held here, the thief's record is refused without
     * asking the claim store, with the same reason; commands of the thief naming it find no session.
     */
    @Test
    void aSessionOfANodeOfTheSameTaskCannotBeTakenOver() {
        String owner = nodeOn(0, "same-owner-");
        String thief = nodeOn(0, "same-thief-");
        d.observations.pipeInput(utf8(owner), utf8("{\"session_id\":\"own-s2\",\"strings\":[\"a\"]}"), d.now);
        d.observations.pipeInput(utf8(thief), utf8("{\"session_id\":\"own-s2\",\"strings\":[\"x\"]}"), d.now);
        List<DeadLetter> dls = deadLetters();
        assertEquals(1, dls.size());
        assertTrue(dls.get(0).getReason().contains("session own-s2 belongs to node '" + owner + "'")
                && dls.get(0).getReason().contains("claimed by the first node"), dls.get(0).getReason());
        assertEquals(404, d.send(thief, "own-s2", new GetStm()).getStatus(), "not the thief's session");
        assertEquals(1, stmLength(owner, "own-s2"), "the owner's session is untouched");
    }

    /** Deleting a session releases its id (a release to the claim store); then another node may claim it. */
    @Test
    void deletingASessionReleasesItsClaim() {
        String first = nodeOn(1, "first-");
        String second = nodeOn(3, "second-");
        d.observations.pipeInput(utf8(first), utf8("{\"session_id\":\"shared-id\",\"strings\":[\"a\"]}"), d.now);
        List<Routed.Claim> sent = claimsSent();
        assertEquals(List.of(new Routed.Claim(false, "shared-id", first)), sent);
        // a user-chosen session is reachable by commands too (e.g. REST through the session directory)
        assertEquals(200, d.send(first, "shared-id", new DeleteSession()).getStatus());
        assertEquals(List.of(new Routed.Claim(true, "shared-id", first)), claimsSent());
        d.observations.pipeInput(utf8(second), utf8("{\"session_id\":\"shared-id\",\"strings\":[\"b\"]}"), d.now);
        assertTrue(deadLetters().isEmpty(), "released: the second node claims it");
        assertEquals(1, stmLength(second, "shared-id"));
        assertEquals(404, d.send(first, "shared-id", new GetStm()).getStatus());
    }

    /** An expired session's id is released by the expiry scan (stream time), and can be claimed again. */
    @Test
    void anExpiredSessionReleasesItsClaim() {
        String first = nodeOn(2, "exp-first-");
        String second = nodeOn(1, "exp-second-");
        d.observations.pipeInput(utf8(first), utf8("{\"session_id\":\"short-lived\",\"strings\":[\"a\"]}"), d.now);
        assertEquals(List.of(new Routed.Claim(false, "short-lived", first)), claimsSent());
        assertEquals(1, moved().size());
        d.now += (ServiceConfig.defaults().sessionTtlSeconds() + 60) * 1000;
        // a tick (any record) moves stream time past the expiry; the scan removes the session
        Command tick = Command.newBuilder().setCorrelationId("tick").setReplyTo(null).setNodeId("").setSessionId(null)
                .setOp(new io.katostreams.schemas.avro.CountSessions()).build();
        d.commands.pipeInput(new byte[0], KatoSerdes.commands().encode(tick), d.now);
        assertEquals(List.of(new Routed.Claim(true, "short-lived", first)), claimsSent());
        assertTrue(moved().isEmpty(), "a tick is about its partition: never moved");
        d.observations.pipeInput(utf8(second), utf8("{\"session_id\":\"short-lived\",\"strings\":[\"b\"]}"), d.now);
        assertTrue(deadLetters().isEmpty());
        assertEquals(1, stmLength(second, "short-lived"));
    }

    /**
     * A session found expired by the next record naming it (before any expiry scan) is removed, its
     * claim released, and the id claimed again — release before claim, so the claim store keeps the
     * new claim.
     */
    @Test
    void aSessionFoundExpiredIsReleasedBeforeItIsClaimedAgain() {
        String node = nodeOn(1, "again-");
        d.observations.pipeInput(utf8(node), utf8("{\"session_id\":\"again-s\",\"strings\":[\"a\"]}"), d.now);
        long expiry = ServiceConfig.defaults().sessionTtlSeconds() * 1000 + 1;
        d.now += expiry;
        d.observations.pipeInput(utf8(node), utf8("{\"session_id\":\"again-s\",\"strings\":[\"b\"]}"), d.now);
        assertEquals(List.of(new Routed.Claim(false, "again-s", node), new Routed.Claim(true, "again-s", node),
                new Routed.Claim(false, "again-s", node)), claimsSent());
        assertTrue(deadLetters().isEmpty());
        assertEquals("[[\"b\"]]", Driver.body(d.send(node, "again-s", new GetStm())).get("stm").toString(), "a new session");
        // and it is the node's again: another node is refused
        String other = nodeOn(2, "again-other-");
        d.observations.pipeInput(utf8(other), utf8("{\"session_id\":\"again-s\",\"strings\":[\"x\"]}"), d.now);
        assertEquals(1, deadLetters().size());
    }

    /** A claim whose first record is refused for another reason creates no session and is released at once. */
    @Test
    void aClaimThatCreatedNoSessionIsReleased() {
        String node = nodeOn(3, "bad-");
        d.observations.pipeInput(utf8(node), utf8("{\"session_id\":\"never\",\"vectors\":[[1,2],[1,2,3]]}"), d.now);
        assertEquals(1, deadLetters().size());
        assertEquals(List.of(new Routed.Claim(false, "never", node), new Routed.Claim(true, "never", node)), claimsSent());
    }

    /** Session ids of the REST API's minted form and the default session need no claim (unique by construction). */
    @Test
    void mintedAndDefaultSessionIdsAreNotClaimed() {
        String node = nodeOn(0, "minted-");
        String id = "session-" + "ab".repeat(16) + "-17";
        assertEquals(200, d.send(node, id, new CreateSession(id, node, "{}", null, null)).getStatus());
        d.observations.pipeInput(utf8(node), utf8("{\"session_id\":\"" + id + "\",\"strings\":[\"a\"]}"), d.now);
        d.observations.pipeInput(utf8(node), utf8("{\"strings\":[\"a\"]}"), d.now);
        assertTrue(claimsSent().isEmpty());
        assertTrue(deadLetters().isEmpty());
        assertEquals(200, d.send(node, id, new DeleteSession()).getStatus());
        assertTrue(claimsSent().isEmpty(), "nothing to release");
    }

    /** The same input on the same layout gives byte-identical outputs, the moves and claims included. */
    @Test
    void movesAndClaimsAreDeterministic() {
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Driver x = new Driver(ServiceConfig.defaults(), PARTITIONS)) {
                for (int i = 0; i < 12; i++) {
                    String node = "det-" + (i % 5);
                    x.observations.pipeInput(utf8(node), utf8("{\"session_id\":\"det-s" + (i % 3) + "\",\"strings\":[\"s" + i + "\"]}"), x.now);
                    x.now += 7;
                }
                List<String> out = new ArrayList<>();
                for (var t : List.of(x.routing, x.claims, x.deadLetters, x.predictions, x.sessions)) {
                    t.readRecordsToList().forEach(r -> out.add(java.util.HexFormat.of().formatHex(r.value() == null ? new byte[0] : r.value())));
                }
                runs.add(out);
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertNotEquals(0, runs.get(0).size());
    }

    private List<Routed.Claim> claimsSent() {
        List<Routed.Claim> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : d.claims.readRecordsToList()) out.add(Routed.decodeClaim(r.value()));
        return out;
    }

}
