package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.validation.ObservationJson;
import io.katostreams.schemas.validation.RecordValidationException;
import io.katostreams.schemas.validation.ValidationError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request validation without Kafka: every rule of the bodies the bridge parses itself. */
class RequestsTest {

    private static JsonNode body(String json) {
        return ObservationJson.readBody(json);
    }

    private static ValidationError only(Runnable r) {
        RecordValidationException e = assertThrows(RecordValidationException.class, r::run);
        assertEquals(1, e.errors().size(), e.errors().toString());
        return e.errors().get(0);
    }

    @Test
    void createSession() {
        CreateSession c = Requests.createSession(body("{\"node_id\":\"n\",\"metadata\":{\"a\":[1,2.5]},\"ttl_seconds\":\"60\","
                + "\"config\":{\"persistence\":7},\"other\":1}"), "session-x");
        assertEquals("session-x", c.getSessionId());
        assertEquals("n", c.getNodeId());
        assertEquals("{\"a\":[1,2.5]}", c.getMetadataJson());
        assertEquals(60L, c.getTtlSeconds());
        assertEquals("{\"persistence\":7}", c.getConfigJson());
        CreateSession minimal = Requests.createSession(body("{\"node_id\":\"\"}"), "s");
        assertEquals("{}", minimal.getMetadataJson());
        assertNull(minimal.getTtlSeconds());
        assertNull(minimal.getConfigJson());

        ValidationError negative = only(() -> Requests.createSession(body("{\"node_id\":\"n\",\"ttl_seconds\":-3}"), "s"));
        assertEquals("greater_than_equal", negative.type());
        assertEquals(List.of("body", "ttl_seconds"), negative.loc());
        assertEquals("{\"ge\":0}", negative.ctx().toString());
        assertEquals("less_than_equal", only(() -> Requests.createSession(
                body("{\"node_id\":\"n\",\"ttl_seconds\":99999999999999}"), "s")).type());
        assertEquals("missing", only(() -> Requests.createSession(body("{}"), "s")).type());
        assertEquals("model_attributes_type", only(() -> Requests.createSession(body("\"text\""), "s")).type());
    }

    @Test
    void extend() {
        assertEquals(3600L, Requests.extend(null).getTtlSeconds());
        assertEquals(60L, Requests.extend(" 60 ").getTtlSeconds());
        assertEquals(60L, Requests.extend("60.0").getTtlSeconds());
        ValidationError zero = only(() -> Requests.extend("0"));
        assertEquals("greater_than", zero.type());
        assertEquals(List.of("query", "ttl_seconds"), zero.loc());
        assertEquals("0", zero.input().asText());
        assertEquals("int_parsing", only(() -> Requests.extend("")).type());
        assertEquals("int_parsing", only(() -> Requests.extend("ten")).type());
    }

    @Test
    void updateConfigUsesTheConfigMemberWhenPresent() {
        assertEquals("{\"recall_threshold\":0.5}", Requests.updateConfig(body("{\"config\":{\"recall_threshold\":0.5},\"x\":1}")).getConfigJson());
        assertEquals("{\"recall_threshold\":0.5}", Requests.updateConfig(body("{\"recall_threshold\":0.5}")).getConfigJson());
        assertEquals(List.of("body"), only(() -> Requests.updateConfig(body("[]"))).loc());
        assertEquals(List.of("body", "config"), only(() -> Requests.updateConfig(body("{\"config\":null}"))).loc());
    }

    @Test
    void observeSequence() {
        ObserveSequence s = Requests.observeSequence(body("{\"observations\":[{\"strings\":[\"a\"],\"unique_id\":\"u\"},{}],"
                + "\"learn_after_each\":\"on\",\"learn_at_end\":0,\"clear_stm_between\":\"Y\"}"));
        assertEquals(2, s.getObservations().size());
        assertEquals("u", s.getObservations().get(0).getUniqueId());
        assertTrue(s.getLearnAfterEach());
        assertFalse(s.getLearnAtEnd());
        assertTrue(s.getClearStmBetween());

        RecordValidationException e = assertThrows(RecordValidationException.class, () -> Requests.observeSequence(
                body("{\"observations\":[{\"strings\":\"a\"},{\"emotives\":{\"j\":\"x\"}}],\"learn_at_end\":\"perhaps\"}")));
        assertEquals(List.of(List.of("body", "observations", 0, "strings"), List.of("body", "observations", 1, "emotives", "j"),
                List.of("body", "learn_at_end")), e.errors().stream().map(ValidationError::loc).toList());
        assertEquals("missing", only(() -> Requests.observeSequence(body("{\"learn_at_end\":true}"))).type());
    }

    @Test
    void pathSegmentsAreDecoded() {
        assertEquals(List.of("sessions", "a b", "observe"), KatoApi.segments("/sessions/a%20b/observe"));
        assertEquals(List.of("sessions", "x+y"), KatoApi.segments("/sessions/x+y/"));
        assertEquals(List.of("sessions", ""), KatoApi.segments("/sessions//"));
        assertEquals(List.of("pattern", "PTRN|1"), KatoApi.segments("/pattern/PTRN%7C1"));
    }

    @Test
    void defaultSessionIdIsDerivedFromTheNode() {
        String id = KatoApi.defaultSessionId("alice");
        assertTrue(id.matches("session-[0-9a-f]{32}-0"), id);
        assertEquals(id, KatoApi.defaultSessionId("alice"));
        assertFalse(id.equals(KatoApi.defaultSessionId("bob")));
    }

    @Test
    void settingsHaveDefaultsAndRules() {
        BridgeConfig c = BridgeConfig.fromEnvironment(Map.of());
        assertEquals(8000, c.port());
        assertEquals("kato.", c.topicPrefix());
        assertEquals("kato.commands", c.commandsTopic());
        assertEquals(10_000, c.replyTimeout().toMillis());
        assertEquals(10L * 1024 * 1024, c.maxBodyBytes());
        assertFalse(c.v1Routes());
        assertNull(c.redisUrl());
        assertTrue(c.bridgeId().startsWith("bridge-"));
        BridgeConfig custom = BridgeConfig.fromEnvironment(Map.of("KATO_PORT", "9000", "KATO_V1_ROUTES", "yes",
                "KATO_BRIDGE_ID", "b1", "KATO_REPLY_TIMEOUT_MS", " 2500 "));
        assertEquals(9000, custom.port());
        assertTrue(custom.v1Routes());
        assertEquals("b1", custom.bridgeId());
        assertEquals(2500, custom.replyTimeout().toMillis());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> BridgeConfig.fromEnvironment(Map.of("KATO_PORT", "70000")));
        assertTrue(bad.getMessage().contains("KATO_PORT") && bad.getMessage().contains("0 … 65535"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromEnvironment(Map.of("KATO_V1_ROUTES", "maybe")));
        for (BridgeSetting<?> s : BridgeSettings.ALL) {
            assertFalse(s.doc().isBlank(), s.envVar());
        }
    }

    @Test
    void isoTimestampsOfOperationalEndpoints() {
        assertEquals("2025-01-01T12:00:00+00:00", Http.isoOffset(java.time.Instant.parse("2025-01-01T12:00:00Z")));
        assertEquals("2025-01-01T12:00:00.123456+00:00", Http.isoOffset(java.time.Instant.parse("2025-01-01T12:00:00.123456Z")));
        assertEquals("2025-01-01T12:00:00.100000+00:00", Http.isoOffset(java.time.Instant.parse("2025-01-01T12:00:00.1Z")));
    }

    @Test
    void redisProbe() {
        try (io.katostreams.embedded.RedisServerProcess redis = new io.katostreams.embedded.RedisServerProcess().start()) {
            RedisProbe probe = new RedisProbe(redis.url(), java.time.Duration.ofSeconds(2));
            assertTrue(probe.ping().reachable());
            redis.stop();
            RedisProbe.Result down = probe.ping();
            assertFalse(down.reachable());
            assertTrue(down.error() != null && !down.error().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> new RedisProbe("http://x", java.time.Duration.ofSeconds(1)));
    }
}
