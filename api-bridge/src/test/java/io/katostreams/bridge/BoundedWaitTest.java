package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No request waits for ever: with the topology stopped, a KATO operation is answered 503 (E1)
 * within the reply timeout, the bridge's own endpoints keep answering, and once the topology is back
 * the same session works again.
 */
class BoundedWaitTest {

    private static KatoStack stack;

    @BeforeAll
    static void start() {
        stack = KatoStack.start("bounded", Map.of("KATO_REPLY_TIMEOUT_MS", "1500", "KATO_TICK_INTERVAL_MS", "0"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void beforeTheTopicsExistKatoCallsAre503() throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", KatoStack.broker().bootstrapServers(),
                "KATO_TOPIC_PREFIX", "not-created-yet.", "KATO_HOST", "127.0.0.1", "KATO_PORT", "0",
                "KATO_DIRECTORY_CATCH_UP_MS", "200");
        try (KatoBridge early = new KatoBridge(BridgeConfig.fromEnvironment(env)).start()) {
            Api api = new Api(early.port());
            assertTrue(!early.awaitReady(Duration.ofMillis(300)));
            com.fasterxml.jackson.databind.JsonNode health = api.get("/health").json();
            assertEquals(200, api.get("/health").status());
            assertEquals("degraded", health.get("status").asText());
            assertTrue(!health.get("kafka").get("topics_ready").asBoolean());
            Api.Res create = api.post("/sessions", "{\"node_id\":\"n\"}");
            assertEquals(503, create.status(), create.toString());
            assertTrue(create.json().get("detail").asText().startsWith("KATO is not ready"), create.toString());
            assertEquals(422, api.post("/sessions", "{}").status()); // validation needs no Kafka
            assertEquals(404, api.get("/sessions/s/stm").status());
        }
    }

    @Test
    void topologyDownMeans503AndBackMeansWorking() {
        Api api = stack.api;
        String id = api.createSession("bounded");
        assertEquals(200, api.observe(id, "before").status());

        stack.stopTopology();
        Api.Res r = api.observe(id, "while-down");
        assertEquals(503, r.status(), r.toString());
        assertTrue(r.json().get("detail").asText().startsWith("KATO did not answer within 1500 ms"), r.toString());
        assertNotNull(r.header("X-Trace-ID"));
        assertEquals(200, api.get("/health").status());
        com.fasterxml.jackson.databind.JsonNode health = api.get("/health").json();
        assertEquals("degraded", health.get("status").asText(), health.toString());
        assertTrue(health.get("issues").toString().contains("KATO topology did not answer"), health.toString());
        assertEquals(200, api.get("/sessions/count").status()); // answered from the session directory
        assertEquals(404, api.get("/sessions/session-unknown/stm").status()); // the guard needs no topology

        stack.restartTopology();
        Api.Res back = Await.value(Duration.ofSeconds(90), "the restarted topology to answer",
                () -> api.observe(id, "after"), x -> x.status() == 200);
        assertEquals(200, back.status());
        List<List<String>> stm = api.stm(id);
        // The command sent while the topology was down is still in kato.commands and is applied on
        // restart (its 503 said "may still be applied"); so may retries that timed out.
        assertEquals(List.of("before"), stm.get(0));
        assertEquals(List.of("after"), stm.get(stm.size() - 1));
        assertTrue(stm.contains(List.of("while-down")), stm.toString());
    }
}
