package io.katostreams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.OriginHeader;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.ForgetNode;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands published straight to Kafka (without the kato-origin header of the REST bridge or the ops
 * CLI, which audit their own commands) are audited by the topology on kato.audit: mutating ones only,
 * once, at their node's owner, deterministically (time = record timestamp, ids from the record's origin).
 */
class KafkaCommandAuditTest {

    private static List<JsonNode> audit(Driver d) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : d.audit.readRecordsToList()) {
            JsonNode j = Driver.JSON.readTree(r.value());
            assertEquals(j.get("node_id").textValue(), new String(r.key(), StandardCharsets.UTF_8), "keyed by the node");
            out.add(j);
        }
        return out;
    }

    private static Headers origin(byte[] value) {
        RecordHeaders h = new RecordHeaders();
        h.add(OriginHeader.NAME, value);
        return h;
    }

    @Test
    void aRawForgetNodeAndCreateSessionYieldOneAuditRecordEachWithTheFields() throws Exception {
        try (Driver d = new Driver()) {
            Reply created = d.send("alice", null, new CreateSession("session-raw-1", "alice", "{}", null, null));
            List<JsonNode> a = audit(d);
            assertEquals(1, a.size(), a.toString());
            JsonNode r = a.get(0);
            assertEquals(Instant.ofEpochMilli(d.now).toString(), r.get("time").textValue(), "the record's timestamp");
            assertTrue(r.get("bridge_id").isNull());
            assertEquals("kafka", r.get("key_id").textValue());
            assertTrue(r.get("role").isNull());
            assertEquals("alice", r.get("node_id").textValue());
            assertEquals("KAFKA", r.get("method").textValue());
            assertEquals("kafka CreateSession", r.get("route").textValue());
            assertEquals("session-raw-1", r.get("session_id").textValue());
            assertEquals(created.getStatus(), r.get("status").intValue());
            assertEquals("ok", r.get("outcome").textValue());
            assertEquals("kafka-kato.commands-0-0", r.get("trace_id").textValue());
            assertEquals("kafka:kato.commands/0@0", r.get("client").textValue());
            assertEquals("kato.commands/0@0", r.get("path").textValue());

            Reply forgot = d.send("alice", null, new ForgetNode());
            assertEquals(200, forgot.getStatus());
            a = audit(d);
            assertEquals(1, a.size(), a.toString());
            assertEquals("kafka ForgetNode", a.get(0).get("route").textValue());
            assertEquals(200, a.get(0).get("status").intValue());
            assertTrue(a.get(0).get("session_id").isNull());
            assertEquals("kafka:kato.commands/0@1", a.get(0).get("client").textValue());
        }
    }

    @Test
    void aFailedRawCommandIsAuditedWithItsStatus() throws Exception {
        try (Driver d = new Driver()) {
            Reply r = d.send("alice", "no-such-session", new io.katostreams.schemas.avro.ClearStm());
            assertEquals(404, r.getStatus());
            List<JsonNode> a = audit(d);
            assertEquals(1, a.size());
            assertEquals(404, a.get(0).get("status").intValue());
            assertEquals("error", a.get(0).get("outcome").textValue());
        }
    }

    @Test
    void commandsMarkedByTheBridgeOrTheCliAreNotAudited() throws Exception {
        try (Driver d = new Driver()) {
            assertEquals(200, d.send("alice", null, new CreateSession("session-b-1", "alice", "{}", null, null),
                    origin(OriginHeader.bridge("bridge-1"))).getStatus());
            assertEquals(200, d.send("alice", null, new ForgetNode(), origin(OriginHeader.cli())).getStatus());
            assertTrue(audit(d).isEmpty());
        }
    }

    @Test
    void ticksReadsAndObservationsAreNotAudited() throws Exception {
        try (Driver d = new Driver()) {
            Command tick = Command.newBuilder().setCorrelationId("tick").setReplyTo(null).setNodeId("").setSessionId(null)
                    .setOp(new CountSessions()).build();
            d.commands.pipeInput(new byte[0], KatoSerdes.commands().encode(tick), d.now);
            d.send("alice", null, new CountSessions());
            String s = "session-r-1";
            d.send("alice", null, new CreateSession(s, "alice", "{}", null, null), origin(OriginHeader.cli()));
            assertEquals(200, d.send("alice", s, new GetStm()).getStatus());
            d.observations.pipeInput("alice".getBytes(StandardCharsets.UTF_8),
                    ("{\"session_id\":\"" + s + "\",\"strings\":[\"a\"]}").getBytes(StandardCharsets.UTF_8), d.now);
            assertEquals(1, Driver.body(d.send("alice", s, new GetStm(), origin(OriginHeader.cli()))).get("length").intValue(),
                    "the observation was applied");
            assertTrue(audit(d).isEmpty());
        }
    }

    @Test
    void aMisplacedRawCommandIsAuditedOnceAtTheOwnerWithItsOrigin() throws Exception {
        int partitions = PlacementAndClaimsTest.PARTITIONS;
        try (Driver d = new Driver(ServiceConfig.defaults(), partitions)) {
            String away = PlacementAndClaimsTest.nodeOn(3, "away-");
            assertFalse(away.equals(ProcessorId.sanitizeNode(away)), "a raw spelling");
            // a user-chosen session id: moved, then held for its claim, then processed at the owner
            Reply created = d.send(away, null, new CreateSession("mine-1", away, "{}", null, null));
            assertEquals(200, created.getStatus(), created.getBodyJson());
            assertEquals(200, d.send(away, null, new ForgetNode()).getStatus());
            assertFalse(d.routing.isEmpty(), "the records were moved through kato.routing");
            List<JsonNode> a = audit(d);
            assertEquals(2, a.size(), a.toString());
            assertEquals("kafka CreateSession", a.get(0).get("route").textValue());
            assertEquals("kafka:kato.commands/0@0", a.get(0).get("client").textValue(), "the origin, not the routing copy");
            assertEquals(away, a.get(0).get("node_id").textValue(), "the node id as the command names it");
            assertEquals(200, a.get(0).get("status").intValue());
            assertEquals("kafka ForgetNode", a.get(1).get("route").textValue());
            assertEquals("kafka:kato.commands/0@1", a.get(1).get("client").textValue());

            // the bridge's mark survives the move: not audited at the owner either
            d.send(away, null, new ForgetNode(), origin(OriginHeader.bridge("bridge-1")));
            assertTrue(audit(d).isEmpty());
        }
    }

    @Test
    void theAuditIsAFunctionOfTheInputAndCanBeTurnedOff() throws Exception {
        byte[][] first = new byte[2][];
        for (int run = 0; run < 2; run++) {
            try (Driver d = new Driver()) {
                d.send("alice", null, new CreateSession("session-d-1", "alice", "{}", null, null));
                first[run] = d.audit.readValue();
            }
        }
        assertArrayEquals(first[0], first[1], "no wall clock, no randomness");

        try (Driver d = new Driver(ServiceConfig.fromEnvironment(Map.of("KATO_AUDIT_KAFKA_COMMANDS", "false")))) {
            assertEquals(200, d.send("alice", null, new ForgetNode()).getStatus());
            assertTrue(d.audit.isEmpty());
        }
    }
}
