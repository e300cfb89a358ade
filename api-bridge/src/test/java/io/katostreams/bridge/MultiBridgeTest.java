package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two bridge instances on one topology, as behind a load balancer, while the topology publishes
 * session states only when it commits. The commit interval here is a minute, so nothing reaches
 * kato.sessions through the stores' flushes during a test: what the second bridge knows comes only
 * from the immediate publication of new sessions and from asking the topology.
 */
class MultiBridgeTest {

    private static KatoStack stack;
    private static KatoBridge second;
    private static Api a;
    private static Api b;

    @BeforeAll
    static void start() {
        stack = KatoStack.start("multi", Map.of("KATO_TICK_INTERVAL_MS", "0"), Map.of("KATO_COMMIT_INTERVAL_MS", "60000"));
        second = stack.startBridge(Map.of("KATO_TICK_INTERVAL_MS", "0"));
        a = stack.api;
        b = new Api(second.port());
    }

    @AfterAll
    static void stop() {
        assertTrue(a.serverErrors.isEmpty() && b.serverErrors.isEmpty(), "E4 responses: " + a.serverErrors + b.serverErrors);
        second.close();
        stack.close();
    }

    @Test
    void aSessionCreatedThroughOneBridgeIsServedByTheOtherAtOnce() {
        String s = a.createSession("multi-node");
        a.observe(s, "x");
        Api.Res stm = b.get("/sessions/" + s + "/stm");
        assertEquals(200, stm.status(), stm.toString());
        assertEquals(List.of(List.of("x")), a.stm(s));
    }

    @Test
    void aSessionWhoseExpiryTheOtherBridgeSlidIsLiveOnBoth() {
        String s = a.createSessionWith("{\"node_id\":\"multi-node\",\"ttl_seconds\":1}");
        long firstExpiry = expiresAt(b, s);
        assertEquals(200, b.get("/sessions/" + s + "/stm").status()); // b knows it: expires in 1 s
        Api.Res extended = a.post("/sessions/" + s + "/extend?ttl_seconds=3600", null);
        assertEquals(200, extended.status(), extended.toString());
        passes(firstExpiry);
        // b's copy says expired (the new expiry is not on kato.sessions before the next commit), so
        // b asks the topology, which knows better
        Api.Res stm = b.get("/sessions/" + s + "/stm");
        assertEquals(200, stm.status(), stm.toString());
        assertEquals(200, a.get("/sessions/" + s + "/stm").status());
    }

    @Test
    void aSessionThatReallyExpiredIsNotFoundOnEither() {
        String s = a.createSessionWith("{\"node_id\":\"multi-node\",\"ttl_seconds\":1}");
        passes(expiresAt(a, s));
        Api.Res onB = b.get("/sessions/" + s + "/stm");
        assertEquals(404, onB.status(), onB.toString());
        assertEquals("SESSION_NOT_FOUND", onB.json().get("error").get("code").textValue());
        assertEquals(404, a.get("/sessions/" + s + "/stm").status());
    }

    private static long expiresAt(Api api, String sessionId) {
        Api.Res r = api.get("/sessions/" + sessionId);
        assertEquals(200, r.status(), r.toString());
        return java.time.Instant.parse(r.json().get("expires_at").asText()).toEpochMilli();
    }

    /** Waits (bounded) until the wall clock, which the bridges' expiry checks use, is past {@code expiresAtMs}. */
    private static void passes(long expiresAtMs) {
        Await.until(java.time.Duration.ofSeconds(10), "the wall clock past " + expiresAtMs,
                () -> System.currentTimeMillis() > expiresAtMs + 50);
    }
}
