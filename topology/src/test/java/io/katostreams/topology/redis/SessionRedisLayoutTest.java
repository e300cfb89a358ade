package io.katostreams.topology.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.katostreams.schemas.avro.SessionConfig;
import io.katostreams.schemas.avro.SessionState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Redis form of one session, without any server. */
class SessionRedisLayoutTest {

    private static final String ID = "session-4f9c2d7e8a1b4c3d9e0f1a2b3c4d5e6f-1735732800123";

    @Test
    void keysFollowTheFoundingDocuments() {
        assertEquals("session:" + ID, SessionRedisLayout.hashKey(ID));
        assertEquals("session:" + ID + ":stm", SessionRedisLayout.stmKey(ID));
        assertEquals("session:" + ID + ":emotives", SessionRedisLayout.emotivesKey(ID));
        assertArrayEquals(new String[] {"session:" + ID, "session:" + ID + ":stm", "session:" + ID + ":emotives"},
                SessionRedisLayout.keys(ID));
    }

    @Test
    void hashHoldsTheScalarFieldsConfigAndMetadata() {
        SessionConfig config = SessionConfig.newBuilder()
                .setMaxPatternLength(3L)
                .setStmMode("ROLLING")
                .setRecallThreshold(0.5)
                .setSortSymbols(false)
                .setVersion(2)
                .setUpdatedAt(Instant.parse("2025-01-01T12:00:00.123Z"))
                .build();
        SessionState s = state(config);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("node_id", "alice");
        expected.put("created_at", "2025-01-01T12:00:00.123000+00:00");
        expected.put("expires_at", "2025-01-01T13:00:05+00:00");
        expected.put("last_accessed", "2025-01-01T12:00:05.100000+00:00");
        expected.put("ttl_seconds", "3600");
        expected.put("time", "2");
        expected.put("access_count", "4");
        // The set settings only, in the order sessions report them (spec 02 §5.4).
        expected.put("config", "{\"max_pattern_length\":3,\"recall_threshold\":0.5,\"stm_mode\":\"ROLLING\","
                + "\"sort_symbols\":false}");
        expected.put("metadata", "{\"client\":\"demo\",\"n\":1}");
        assertEquals(expected, SessionRedisLayout.hash(s));
    }

    @Test
    void configWithNothingSetIsAnEmptyObject() {
        SessionConfig none = SessionConfig.newBuilder().setUpdatedAt(Instant.EPOCH).build();
        assertEquals("{}", SessionRedisLayout.configJson(none));
    }

    @Test
    void stmAndEmotivesAreJsonArrays() {
        SessionState s = state(SessionConfig.newBuilder().setUpdatedAt(Instant.EPOCH).build());
        assertEquals("[[\"a\",\"b\"],[\"c\"]]", SessionRedisLayout.stmJson(s));
        // Floats print like Python's repr (1.0, not 1), keys in the order received.
        assertEquals("[{\"joy\":0.75,\"fear\":1.0},{\"joy\":-0.25}]", SessionRedisLayout.emotivesJson(s));

        SessionState empty = state(SessionConfig.newBuilder().setUpdatedAt(Instant.EPOCH).build());
        empty.setStm(List.of());
        empty.setEmotivesAccumulator(List.of());
        assertEquals("[]", SessionRedisLayout.stmJson(empty));
        assertEquals("[]", SessionRedisLayout.emotivesJson(empty));
    }

    private static SessionState state(SessionConfig config) {
        Map<String, Double> first = new LinkedHashMap<>();
        first.put("joy", 0.75);
        first.put("fear", 1.0);
        return SessionState.newBuilder()
                .setSessionId(ID)
                .setNodeId("alice")
                .setCreatedAt(Instant.parse("2025-01-01T12:00:00.123Z"))
                .setLastAccessed(Instant.parse("2025-01-01T12:00:05.100Z"))
                .setExpiresAt(Instant.parse("2025-01-01T13:00:05Z"))
                .setTtlSeconds(3600)
                .setStm(List.of(List.of("a", "b"), List.of("c")))
                .setEmotivesAccumulator(List.of(first, Map.of("joy", -0.25)))
                .setTime(2)
                .setMetadataJson("{\"client\":\"demo\",\"n\":1}")
                .setAccessCount(4)
                .setSessionConfig(config)
                .build();
    }
}
