package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.bridge.Api.Res;
import io.katostreams.embedded.FreePorts;
import io.katostreams.embedded.RedisServerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rate limits: 429 with Retry-After in KATO's error shape, recovery once the bucket refills, buckets
 * shared by two bridges through Redis, and the per-instance fallback (stated in /health) when Redis
 * cannot be reached. No timed asserts: recovery is waited for, never timed.
 */
class RateLimitTest {
    static final String KEY = "rl-writer-" + java.util.UUID.randomUUID();
    static final String ADMIN = "rl-admin-" + java.util.UUID.randomUUID();

    private static KatoStack stack;
    private static RedisServerProcess redis;

    @BeforeAll
    static void start() throws Exception {
        redis = new RedisServerProcess().start();
        stack = KatoStack.start("ratelimit", env(Map.of("KATO_RATE_LIMIT_OBSERVE", "3",
                "KATO_RATE_LIMIT_WINDOW_MS", "3000")));
    }

    static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("KATO_TICK_INTERVAL_MS", "0");
        env.put("KATO_AUTH", "api_key");
        env.put("KATO_API_KEYS", "rl-app:writer:rl-*:" + ApiKeys.sha256Hex(KEY) + ";rl-ops:admin:*:"
                + ApiKeys.sha256Hex(ADMIN));
        env.putAll(extra);
        return env;
    }

    @AfterAll
    static void stop() {
        stack.close();
        redis.close();
    }

    private static Res observe(Api api, String session) {
        return api.post("/sessions/" + session + "/observe", "{\"strings\":[\"x\"]}", "X-API-Key", KEY);
    }

    @Test
    void aBurstIsAnswered429AndTheBucketRecovers() {
        Api api = stack.api;
        String session = api.post("/sessions", "{\"node_id\":\"rl-1\"}", "X-API-Key", KEY).json().get("session_id").asText();
        Res throttled = null;
        for (int i = 0; i < 50 && throttled == null; i++) {
            Res r = observe(api, session);
            if (r.status() == 429) {
                throttled = r;
            } else {
                assertEquals(200, r.status(), r.toString());
            }
        }
        assertNotNull(throttled, "no 429 within 50 observes at 3 per 3 s");
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertTrue(retryAfter >= 1, throttled.headers().toString());
        String detail = throttled.json().get("detail").asText();
        assertTrue(detail.startsWith("Too Many Requests: the observe limit of 3"), detail);
        assertNotNull(throttled.header("X-Trace-ID"));
        // other route classes have buckets of their own
        assertEquals(200, api.get("/sessions/" + session + "/stm", "X-API-Key", KEY).status());
        // recovery: the bucket refills (1 token per second here); wait until an observe passes
        AtomicReference<Res> last = new AtomicReference<>();
        Await.until(Duration.ofSeconds(60), "an observe accepted again", () -> {
            last.set(observe(api, session));
            return last.get().status() == 200;
        });
        String prom = api.get("/prometheus", "X-API-Key", ADMIN).body();
        assertTrue(prom.lines().anyMatch(l -> l.startsWith("kato_bridge_throttled_total{class=\"observe\"} ")
                && !l.endsWith(" 0")), prom);
    }

    @Test
    void twoBridgesShareTheirBucketsThroughRedis() {
        // a long window: the bucket does not refill noticeably during the test
        Map<String, String> shared = Map.of("REDIS_URL", redis.url(), "KATO_RATE_LIMIT_OBSERVE", "3",
                "KATO_RATE_LIMIT_WINDOW_MS", "3600000");
        try (KatoBridge a = stack.startBridge(shared); KatoBridge b = stack.startBridge(shared)) {
            Api apiA = new Api(a.port());
            Api apiB = new Api(b.port());
            Await.until(Duration.ofSeconds(30), "bridge a shares its buckets", () -> health(apiA).contains("\"backend\":\"redis\""));
            Await.until(Duration.ofSeconds(30), "bridge b shares its buckets", () -> health(apiB).contains("\"backend\":\"redis\""));
            String session = apiA.post("/sessions", "{\"node_id\":\"rl-2\"}", "X-API-Key", KEY).json().get("session_id").asText();
            for (int i = 0; i < 3; i++) {
                Res r = observe(i % 2 == 0 ? apiA : apiB, session);
                assertEquals(200, r.status(), "observe " + i + ": " + r);
            }
            // the fourth, on either bridge, finds the shared bucket empty
            assertEquals(429, observe(apiB, session).status());
            assertEquals(429, observe(apiA, session).status());
        }
    }

    @Test
    void withoutRedisTheLimitsHoldPerInstanceAndHealthSaysSo() {
        int closed = FreePorts.pick(1)[0];
        Map<String, String> env = Map.of("REDIS_URL", "redis://127.0.0.1:" + closed, "KATO_RATE_LIMIT_OBSERVE", "2",
                "KATO_RATE_LIMIT_WINDOW_MS", "3600000", "KATO_PROBE_TIMEOUT_MS", "300");
        try (KatoBridge lone = stack.startBridge(env)) {
            Api api = new Api(lone.port());
            String h = health(api);
            assertTrue(h.contains("\"backend\":\"local\""), h);
            assertTrue(h.contains("Rate limits are per bridge instance: Redis is unreachable"), h);
            assertFalse(h.contains(KEY), h);
            String session = api.post("/sessions", "{\"node_id\":\"rl-3\"}", "X-API-Key", KEY).json().get("session_id").asText();
            assertEquals(200, observe(api, session).status());
            assertEquals(200, observe(api, session).status());
            assertEquals(429, observe(api, session).status());
        }
    }

    private static String health(Api api) {
        return api.get("/health").body();
    }
}
