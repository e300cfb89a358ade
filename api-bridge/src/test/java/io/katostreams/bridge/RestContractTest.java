package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.bridge.Api.Res;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spec 01 end to end: HTTP → bridge → Kafka → topology → Kafka → bridge → HTTP, on the real
 * topology and an embedded broker. Every endpoint, every error shape, the quirks.
 */
class RestContractTest {

    static KatoStack stack;
    static Api api;
    private static final AtomicInteger NODES = new AtomicInteger();

    @BeforeAll
    static void start() {
        stack = KatoStack.shared();
        api = stack.api;
    }

    @AfterAll
    static void noInternalErrors() {
        assertTrue(api.serverErrors.isEmpty(), "E4 responses: " + api.serverErrors);
    }

    /** A node no other test uses, so its knowledge starts empty. */
    private static String freshNode(String name) {
        return "contract-" + name + "-" + NODES.incrementAndGet();
    }

    private static JsonNode json(String text) {
        try {
            return Api.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts an E2 body whose first entry has this type and loc. */
    private static void assertE2(Res r, String type, Object... loc) {
        assertEquals(422, r.status(), r.toString());
        JsonNode detail = r.json().get("detail");
        assertTrue(detail.isArray() && !detail.isEmpty(), r.toString());
        JsonNode first = detail.get(0);
        assertEquals(type, first.get("type").asText(), r.toString());
        assertEquals(Api.JSON.valueToTree(List.of(loc)), first.get("loc"), r.toString());
        assertTrue(first.has("msg") && first.has("input"), r.toString());
    }

    private static void assertE3(Res r, String sessionId) {
        assertEquals(404, r.status(), r.toString());
        assertEquals(json("{\"error\":{\"code\":\"SESSION_NOT_FOUND\",\"message\":\"Session " + sessionId
                + " not found or expired\",\"session_id\":\"" + sessionId + "\"}}"), r.json());
        assertNull(r.header("X-Session-ID"));
    }

    private static void assertE1(Res r, int status, String detail) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(detail, r.json().get("detail").asText());
    }

    // ---- transport (§0.2) -----------------------------------------------------------------------

    @Test
    void traceIdIsEchoedOrGenerated() {
        assertEquals("my-trace-1", api.get("/health", "X-Trace-ID", "my-trace-1").header("X-Trace-ID"));
        assertTrue(api.get("/health").header("X-Trace-ID").matches("kato-[0-9a-f]{32}"));
        assertTrue(api.get("/no/such/route").header("X-Trace-ID").matches("kato-[0-9a-f]{32}"));
        assertEquals("t-404", api.post("/sessions/nope/learn", null, "X-Trace-ID", "t-404").header("X-Trace-ID"));
        assertEquals("t-422", api.post("/sessions", "{", "X-Trace-ID", "t-422").header("X-Trace-ID"));
    }

    @Test
    void corsIsFullyOpen() {
        Res simple = api.get("/health", "Origin", "https://app.example");
        assertEquals("https://app.example", simple.header("Access-Control-Allow-Origin"));
        assertEquals("true", simple.header("Access-Control-Allow-Credentials"));

        Res preflight = api.send("OPTIONS", "/sessions/whatever/observe", null, "Origin", "https://x.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,x-trace-id");
        assertEquals(200, preflight.status(), preflight.toString());
        assertEquals("https://x.example", preflight.header("Access-Control-Allow-Origin"));
        assertEquals("true", preflight.header("Access-Control-Allow-Credentials"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
        assertEquals("content-type,x-trace-id", preflight.header("Access-Control-Allow-Headers"));
    }

    @Test
    void unknownRoutesAndWrongMethods() {
        assertEquals(json("{\"detail\":\"Not Found\"}"), api.get("/no/such/route").json());
        assertEquals(404, api.get("/no/such/route").status());
        // the pre-session direct routes are gone (v1 routes off by default)
        for (String path : List.of("/observe", "/learn", "/clear-stm", "/clear-all", "/observe-sequence")) {
            Res r = api.post(path, "{}");
            assertEquals(404, r.status(), path);
            assertEquals(json("{\"detail\":\"Not Found\"}"), r.json());
        }
        for (String path : List.of("/stm", "/predictions", "/v2/sessions", "/gene/x", "/ws")) {
            assertEquals(404, api.get(path).status(), path);
        }
        Res list = api.get("/sessions"); // no session list in v3
        assertEquals(405, list.status());
        assertEquals(json("{\"detail\":\"Method Not Allowed\"}"), list.json());
        assertEquals(405, api.send("PUT", "/health", "{}").status());
        assertEquals(405, api.post("/health", "{}").status());
    }

    @Test
    void sessionGuardQuirks() {
        assertE3(api.post("/sessions/count", "{}"), "count");
        assertE3(api.delete("/sessions/count"), "count");
        assertE3(api.get("/sessions/test/anything"), "test");
        assertE3(api.delete("/sessions/session-unknown"), "session-unknown");
        assertE3(api.get("/sessions/session-unknown/no-such-subroute"), "session-unknown");
        // the guard runs before the body is parsed or validated, and before method routing
        assertE3(api.post("/sessions/session-unknown/observe", "{not json"), "session-unknown");
        assertE3(api.post("/sessions/session-unknown/observe", "{\"strings\":[1]}"), "session-unknown");
        assertE3(api.post("/sessions/session-unknown/config", "[]"), "session-unknown");
        assertE3(api.post("/sessions/session-unknown/extend?ttl_seconds=abc", null), "session-unknown");
        assertE3(api.send("PUT", "/sessions/session-unknown/stm", null), "session-unknown");

        String id = api.createSession(freshNode("guard"));
        Res unknownSub = api.get("/sessions/" + id + "/no-such-subroute");
        assertEquals(404, unknownSub.status());
        assertEquals(json("{\"detail\":\"Not Found\"}"), unknownSub.json());
        assertEquals(id, unknownSub.header("X-Session-ID"));
        Res wrongMethod = api.send("PUT", "/sessions/" + id + "/stm", null);
        assertEquals(405, wrongMethod.status());
        assertEquals(json("{\"detail\":\"Method Not Allowed\"}"), wrongMethod.json());
        assertEquals(id, api.get("/sessions/" + id + "/stm").header("X-Session-ID"));
    }

    @Test
    void sessionHeaderIsEchoedOnOtherPaths() {
        assertEquals("anything", api.get("/health", "X-Session-ID", "anything").header("X-Session-ID"));
        assertEquals("from-cookie", api.get("/status", "Cookie", "session_id=from-cookie").header("X-Session-ID"));
        assertEquals("hdr", api.get("/status", "X-Session-ID", "hdr", "Cookie", "session_id=ck").header("X-Session-ID"));
        assertNull(api.get("/health").header("X-Session-ID"));
        String id = api.createSession(freshNode("echo"));
        Res info = api.get("/sessions/" + id, "X-Session-ID", id);
        assertEquals(200, info.status());
        assertEquals(id, info.header("X-Session-ID"));
    }

    // ---- health and status (§2) -----------------------------------------------------------------

    @Test
    void healthStatusAndBanner() {
        JsonNode h = api.get("/health").json();
        for (String f : List.of("status", "processor_status", "service_name", "uptime_seconds", "issues",
                "metrics_collected", "last_collection", "active_sessions", "timestamp")) {
            assertTrue(h.has(f), "health." + f);
        }
        assertTrue(List.of("healthy", "degraded", "unhealthy").contains(h.get("status").asText()));
        assertEquals("healthy", h.get("processor_status").asText());
        assertEquals("kato", h.get("service_name").asText());
        assertTrue(h.get("timestamp").asText().endsWith("+00:00"));
        assertTrue(h.get("kafka").get("reachable").asBoolean(), h.toString());
        assertTrue(h.get("kafka").get("topics_ready").asBoolean());
        assertFalse(h.get("redis").get("configured").asBoolean());
        assertFalse(h.get("issues").toString().contains("Kafka"), h.toString());

        JsonNode s = api.get("/status").json();
        assertEquals("healthy", s.get("status").asText());
        assertEquals("1.0.0", s.get("version").asText());
        assertEquals("kato", s.get("base_processor_id").asText());
        for (String f : List.of("total_sessions", "active_sessions", "expired_sessions", "backend", "redis_url")) {
            assertTrue(s.get("sessions").has(f), "sessions." + f);
        }
        for (String f : List.of("total_processors", "max_processors", "eviction_ttl_seconds", "processors")) {
            assertTrue(s.get("processors").has(f), "processors." + f);
        }
        assertTrue(s.get("kafka").get("reachable").asBoolean());

        JsonNode root = api.get("/").json();
        assertEquals("KATO API", root.get("service").asText());
        assertEquals("/docs", root.get("docs").asText());
        assertTrue(root.get("session_support").asBoolean());
    }

    // ---- sessions (§3) --------------------------------------------------------------------------

    @Test
    void createSessionAnswersTheSessionResponse() {
        String node = freshNode("create");
        Res r = api.post("/sessions", "{\"node_id\":\"" + node + "\",\"config\":{\"max_pattern_length\":3,"
                + "\"stm_mode\":\"ROLLING\"},\"metadata\":{\"client\":\"demo\"},\"ignored\":1}");
        assertEquals(200, r.status(), r.toString());
        JsonNode b = r.json();
        String id = b.get("session_id").asText();
        assertTrue(id.matches("session-[0-9a-f]{32}-\\d{13}"), id);
        assertEquals(node, b.get("node_id").asText());
        assertEquals(3600, b.get("ttl_seconds").asInt());
        assertEquals(json("{\"client\":\"demo\"}"), b.get("metadata"));
        assertEquals(json("{\"max_pattern_length\":3,\"stm_mode\":\"ROLLING\"}"), b.get("session_config"));
        Instant created = Instant.parse(b.get("created_at").asText());
        Instant expires = Instant.parse(b.get("expires_at").asText());
        assertEquals(Duration.ofSeconds(3600), Duration.between(created, expires));
        assertTrue(b.get("created_at").asText().endsWith("Z"));

        // one invalid config value discards the whole config ([QUIRK] at creation), still 200
        JsonNode bad = api.post("/sessions", "{\"node_id\":\"" + node + "\",\"config\":{\"max_pattern_length\":3,"
                + "\"recall_threshold\":7}}").json();
        assertEquals(json("{}"), bad.get("session_config"));
        // null metadata is stored as {}; ttl 0 and null mean the default
        JsonNode nulls = api.post("/sessions", "{\"node_id\":\"\",\"metadata\":null,\"ttl_seconds\":0,\"config\":null}").json();
        assertEquals(json("{}"), nulls.get("metadata"));
        assertEquals(3600, nulls.get("ttl_seconds").asInt());
        assertEquals("", nulls.get("node_id").asText());
    }

    @Test
    void createSessionValidation() {
        assertE2(api.post("/sessions", null), "missing", "body");
        Res invalid = api.post("/sessions", "{\"node_id\": ");
        assertE2(invalid, "json_invalid", "body", invalid.json().get("detail").get(0).get("loc").get(1).asInt());
        assertTrue(invalid.json().get("detail").get(0).has("ctx"));
        assertE2(api.post("/sessions", "[]"), "model_attributes_type", "body");
        assertE2(api.post("/sessions", "{}"), "missing", "body", "node_id");
        assertE2(api.post("/sessions", "{\"node_id\":null}"), "string_type", "body", "node_id");
        assertE2(api.post("/sessions", "{\"node_id\":5}"), "string_type", "body", "node_id");
        assertE2(api.post("/sessions", "{\"node_id\":\"a\",\"metadata\":[1]}"), "dict_type", "body", "metadata");
        assertE2(api.post("/sessions", "{\"node_id\":\"a\",\"config\":\"x\"}"), "dict_type", "body", "config");
        assertE2(api.post("/sessions", "{\"node_id\":\"a\",\"ttl_seconds\":-1}"), "greater_than_equal", "body", "ttl_seconds");
        assertE2(api.post("/sessions", "{\"node_id\":\"a\",\"ttl_seconds\":3.5}"), "int_from_float", "body", "ttl_seconds");
        assertE2(api.post("/sessions", "{\"node_id\":\"a\",\"ttl_seconds\":\"1e3\"}"), "int_parsing", "body", "ttl_seconds");
        // several problems are reported together
        Res many = api.post("/sessions", "{\"node_id\":1,\"metadata\":2,\"ttl_seconds\":\"x\"}");
        assertEquals(3, many.json().get("detail").size(), many.toString());
        // lenient integers (§0.3)
        for (String ttl : List.of("\"60\"", "\" 60 \"", "\"60.0\"", "60.0")) {
            Res ok = api.post("/sessions", "{\"node_id\":\"a\",\"ttl_seconds\":" + ttl + "}");
            assertEquals(200, ok.status(), ttl + " " + ok);
            assertEquals(60, ok.json().get("ttl_seconds").asInt());
        }
    }

    @Test
    void getSessionReports3599AndUnknownIsE1() {
        String id = api.createSession(freshNode("info"));
        Res r = api.get("/sessions/" + id);
        assertEquals(200, r.status());
        assertEquals(3599, r.json().get("ttl_seconds").asInt()); // [QUIRK]
        assertE1(api.get("/sessions/session-nope"), 404, "Session session-nope not found or expired");
    }

    @Test
    void existsDeleteAndCount() throws Exception {
        assertEquals(json("{\"exists\":false,\"expired\":false,\"session_id\":\"session-none\"}"),
                api.get("/sessions/session-none/exists").json());
        int before = api.get("/sessions/count").json().get("active_session_count").asInt();
        String node = freshNode("count");
        String a = api.createSession(node);
        String b = api.createSession(node);
        assertEquals(before + 2, api.get("/sessions/count").json().get("active_session_count").asInt());
        assertEquals(json("{\"exists\":true,\"expired\":false,\"session_id\":\"" + a + "\"}"),
                api.get("/sessions/" + a + "/exists").json());

        Res deleted = api.delete("/sessions/" + a);
        assertEquals(200, deleted.status());
        assertEquals(json("{\"status\":\"deleted\",\"session_id\":\"" + a + "\"}"), deleted.json());
        assertEquals(a, deleted.header("X-Session-ID"));
        assertE3(api.delete("/sessions/" + a), a);
        assertE3(api.get("/sessions/" + a + "/stm"), a);
        assertEquals(before + 1, api.get("/sessions/count").json().get("active_session_count").asInt());
        assertEquals(200, api.get("/sessions/" + b + "/stm").status());
    }

    @Test
    void anExpiredSessionIsReportedOnceAsExpiredAndIsGoneForTheGuard() {
        // This stack's bridge sends no ticks: the expired record stays until someone looks.
        JsonNode created = api.post("/sessions", "{\"node_id\":\"" + freshNode("expiry") + "\",\"ttl_seconds\":1}").json();
        String id = created.get("session_id").asText();
        long expiresAt = Instant.parse(created.get("expires_at").asText()).toEpochMilli();
        Await.until(Duration.ofSeconds(10), "the session's expiry to pass", () -> System.currentTimeMillis() > expiresAt + 5);
        assertEquals(json("{\"exists\":false,\"expired\":true,\"session_id\":\"" + id + "\"}"),
                api.get("/sessions/" + id + "/exists").json());
        assertEquals(json("{\"exists\":false,\"expired\":false,\"session_id\":\"" + id + "\"}"),
                api.get("/sessions/" + id + "/exists").json());
        assertE3(api.get("/sessions/" + id + "/stm"), id);

        JsonNode other = api.post("/sessions", "{\"node_id\":\"" + freshNode("expiry") + "\",\"ttl_seconds\":1}").json();
        String id2 = other.get("session_id").asText();
        long expires2 = Instant.parse(other.get("expires_at").asText()).toEpochMilli();
        Await.until(Duration.ofSeconds(10), "the session's expiry to pass", () -> System.currentTimeMillis() > expires2 + 5);
        assertE3(api.post("/sessions/" + id2 + "/observe", "{}"), id2);
        assertE1(api.get("/sessions/" + id2), 404, "Session " + id2 + " not found or expired");
    }

    @Test
    void extend() {
        String id = api.createSession(freshNode("extend"));
        assertEquals(json("{\"status\":\"extended\",\"session_id\":\"" + id + "\",\"ttl_seconds\":3600}"),
                api.post("/sessions/" + id + "/extend", null).json());
        assertEquals(60, api.post("/sessions/" + id + "/extend?ttl_seconds=60", null).json().get("ttl_seconds").asInt());
        // a JSON body is ignored ([QUIRK]): the default 3600 applies
        assertEquals(3600, api.post("/sessions/" + id + "/extend", "{\"ttl_seconds\":7200}").json().get("ttl_seconds").asInt());
        Res ext = api.post("/sessions/" + id + "/extend?ttl_seconds=120", null);
        JsonNode info = api.get("/sessions/" + id).json(); // sliding resets to the session's own TTL
        assertEquals(3599, info.get("ttl_seconds").asInt(), ext + " then " + info);

        assertE2(api.post("/sessions/" + id + "/extend?ttl_seconds=abc", null), "int_parsing", "query", "ttl_seconds");
        assertE2(api.post("/sessions/" + id + "/extend?ttl_seconds=1.5", null), "int_parsing", "query", "ttl_seconds");
        assertE2(api.post("/sessions/" + id + "/extend?ttl_seconds=0", null), "greater_than", "query", "ttl_seconds");
        assertE2(api.post("/sessions/" + id + "/extend?ttl_seconds=-5", null), "greater_than", "query", "ttl_seconds");
        assertEquals(200, api.get("/sessions/" + id + "/stm").status()); // still there
    }

    @Test
    void config() {
        String node = freshNode("config");
        String id = api.createSession(node);
        Res ok = api.post("/sessions/" + id + "/config", "{\"config\":{\"recall_threshold\":0.7,\"max_pattern_length\":4}}");
        assertEquals(json("{\"status\":\"okay\",\"message\":\"Configuration updated\",\"session_id\":\"" + id + "\"}"), ok.json());
        assertEquals(200, api.post("/sessions/" + id + "/config", "{\"use_token_matching\":false}").status());
        JsonNode cfg = api.get("/sessions/" + id).json().get("session_config");
        assertEquals(0.7, cfg.get("recall_threshold").asDouble());
        assertEquals(4, cfg.get("max_pattern_length").asInt());
        assertFalse(cfg.get("sort_symbols").asBoolean()); // auto-toggled with use_token_matching

        assertE2(api.post("/sessions/" + id + "/config", "[1]"), "dict_type", "body");
        assertE2(api.post("/sessions/" + id + "/config", null), "missing", "body");
        assertE2(api.post("/sessions/" + id + "/config", "{\"config\":5}"), "dict_type", "body", "config");
        Res range = api.post("/sessions/" + id + "/config", "{\"recall_threshold\":5}");
        assertEquals(422, range.status(), range.toString());
        JsonNode loc = range.json().get("detail").get(0).get("loc");
        assertEquals("recall_threshold", loc.get(loc.size() - 1).asText(), range.toString());
        assertEquals(0.7, api.get("/sessions/" + id).json().get("session_config").get("recall_threshold").asDouble());
    }

    // ---- observe, learn, predictions (§4) --------------------------------------------------------

    @Test
    void observeAnswersTheObservationResult() {
        String node = freshNode("observe");
        String id = api.createSession(node);
        Res r = api.post("/sessions/" + id + "/observe", "{\"strings\":[\"world\",\"hello\"],\"emotives\":{\"joy\":0.8},"
                + "\"unique_id\":\"ignored\"}");
        assertEquals(200, r.status(), r.toString());
        JsonNode b = r.json();
        assertEquals("okay", b.get("status").asText());
        assertEquals(id, b.get("session_id").asText());
        assertEquals(node, b.get("processor_id").asText()); // [QUIRK] the node id
        assertEquals(1, b.get("stm_length").asInt());
        assertEquals(1, b.get("time").asInt());
        assertTrue(b.get("unique_id").asText().matches("obs-[0-9a-f]{32}"), b.toString());
        assertTrue(b.get("auto_learned_pattern").isNull());
        assertEquals(id, r.header("X-Session-ID"));
        assertEquals(200, api.post("/sessions/" + id + "/observe", "{}").status()); // {} is valid
        // lenient numbers (§0.3)
        assertEquals(200, api.post("/sessions/" + id + "/observe", "{\"strings\":[\"a\"],\"emotives\":{\"joy\":\"0.5\"},"
                + "\"vectors\":[[\"1\",2,true]]}").status());
        assertEquals(List.of("hello", "world"), api.stm(id).get(0)); // sorted (sort_symbols)
    }

    @Test
    void observeValidation() {
        String id = api.createSession(freshNode("observe-bad"));
        assertE2(api.post("/sessions/" + id + "/observe", null), "missing", "body");
        Res bad = api.post("/sessions/" + id + "/observe", "{\"strings\":");
        assertEquals("json_invalid", bad.json().get("detail").get(0).get("type").asText());
        assertE2(api.post("/sessions/" + id + "/observe", "{\"strings\":[1]}"), "string_type", "body", "strings", 0);
        assertE2(api.post("/sessions/" + id + "/observe", "{\"strings\":null}"), "list_type", "body", "strings");
        assertE2(api.post("/sessions/" + id + "/observe", "{\"emotives\":{\"joy\":null}}"), "float_type", "body", "emotives", "joy");
        assertE2(api.post("/sessions/" + id + "/observe", "{\"emotives\":{\"joy\":\"lots\"}}"), "float_parsing", "body", "emotives", "joy");
        assertE2(api.post("/sessions/" + id + "/observe", "{\"metadata\":[]}"), "dict_type", "body", "metadata");
        assertE2(api.post("/sessions/" + id + "/observe", "[]"), "model_attributes_type", "body");
        Res mismatch = api.post("/sessions/" + id + "/observe", "{\"vectors\":[[1,2,3],[1,2]]}");
        assertEquals(400, mismatch.status(), mismatch.toString());
        assertTrue(mismatch.json().get("detail").asText().contains("3"), mismatch.toString());
        assertEquals(List.of(), api.stm(id)); // nothing was observed
    }

    @Test
    void observeSequenceExampleOfTheSpec() {
        String node = freshNode("sequence");
        String id = api.createSession(node);
        Res r = api.post("/sessions/" + id + "/observe-sequence", "{\"observations\":[{\"strings\":[\"a\"]},"
                + "{\"strings\":[\"b\"],\"unique_id\":\"custom-2\"},{\"strings\":[\"c\"]}],\"learn_at_end\":true}");
        assertEquals(200, r.status(), r.toString());
        JsonNode b = r.json();
        assertEquals("completed", b.get("status").asText());
        assertEquals(node, b.get("processor_id").asText());
        assertEquals(3, b.get("observations_processed").asInt());
        assertEquals(0, b.get("initial_stm_length").asInt());
        assertEquals(0, b.get("final_stm_length").asInt());
        assertEquals(json("[\"PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9\"]"), b.get("auto_learned_patterns"));
        assertEquals("PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9", b.get("final_learned_pattern").asText());
        assertFalse(b.get("isolated").asBoolean());
        JsonNode results = b.get("results");
        assertEquals(3, results.size());
        for (int i = 0; i < 3; i++) {
            JsonNode item = results.get(i);
            assertEquals("okay", item.get("status").asText());
            assertEquals(i, item.get("sequence_position").asInt());
            assertEquals(i + 1, item.get("stm_length").asInt());
            assertEquals(i + 1, item.get("time").asInt());
            assertTrue(item.get("auto_learned_pattern").isNull());
        }
        assertEquals("custom-2", results.get(1).get("unique_id").asText());
        assertTrue(results.get(0).get("unique_id").asText().matches("seq-obs-[0-9a-f]{32}"));
        assertTrue(results.get(2).get("unique_id").asText().matches("seq-obs-[0-9a-f]{32}"));

        // empty observations: nothing happens
        JsonNode empty = api.post("/sessions/" + id + "/observe-sequence", "{\"observations\":[],\"clear_stm_between\":\"yes\"}").json();
        assertEquals(0, empty.get("observations_processed").asInt());
        assertEquals(json("[]"), empty.get("results"));
        assertTrue(empty.get("final_learned_pattern").isNull());
        assertTrue(empty.get("isolated").asBoolean()); // "yes" is a boolean (§0.3)
    }

    @Test
    void observeSequenceValidation() {
        String id = api.createSession(freshNode("sequence-bad"));
        String path = "/sessions/" + id + "/observe-sequence";
        assertE2(api.post(path, "{}"), "missing", "body", "observations");
        assertE2(api.post(path, "{\"observations\":\"x\"}"), "list_type", "body", "observations");
        assertE2(api.post(path, "{\"observations\":[{\"strings\":[\"a\"]},{\"strings\":[2]}]}"), "string_type",
                "body", "observations", 1, "strings", 0);
        assertE2(api.post(path, "{\"observations\":[5]}"), "model_type", "body", "observations", 0);
        assertE2(api.post(path, "{\"observations\":[],\"learn_at_end\":\"maybe\"}"), "bool_parsing", "body", "learn_at_end");
        assertE2(api.post(path, "{\"observations\":[],\"learn_after_each\":2}"), "bool_parsing", "body", "learn_after_each");
        assertE2(api.post(path, "{\"observations\":[],\"clear_stm_between\":null}"), "bool_type", "body", "clear_stm_between");
        for (String yes : List.of("1", "\"on\"", "\"T\"", "true")) {
            assertEquals(200, api.post(path, "{\"observations\":[],\"learn_at_end\":" + yes + "}").status(), yes);
        }
        Res mismatch = api.post(path, "{\"observations\":[{\"strings\":[\"a\"]},{\"vectors\":[[1,2],[1,2,3]]}]}");
        assertEquals(400, mismatch.status(), mismatch.toString());
        assertTrue(mismatch.json().get("detail").asText().contains("observation_index"), mismatch.toString());
        assertEquals(List.of(), api.stm(id)); // the session is as before the failed batch
    }

    @Test
    void stmLearnAndClear() {
        String node = freshNode("learn");
        String id = api.createSession(node);
        assertE1(api.post("/sessions/" + id + "/learn", null), 400, "Cannot learn from empty STM");
        api.observe(id, "b", "a");
        api.observe(id, "c");
        assertEquals(json("{\"stm\":[[\"a\",\"b\"],[\"c\"]],\"session_id\":\"" + id + "\",\"length\":2}"),
                api.get("/sessions/" + id + "/stm").json());
        Res learned = api.post("/sessions/" + id + "/learn", "{\"ignored\":true}");
        assertEquals(200, learned.status(), learned.toString());
        String name = learned.json().get("pattern_name").asText();
        assertTrue(name.matches("PTRN\\|[0-9a-f]{40}"), name);
        assertEquals(json("{\"status\":\"learned\",\"pattern_name\":\"" + name + "\",\"session_id\":\"" + id
                + "\",\"processor_id\":null,\"message\":\"Learned pattern " + name + " from 0 events\"}"), learned.json());
        assertEquals(List.of(), api.stm(id));

        // fewer than 2 symbols: nothing stored, name "" and two spaces in the message ([QUIRK])
        api.observe(id, "solo");
        JsonNode single = api.post("/sessions/" + id + "/learn", null).json();
        assertEquals("", single.get("pattern_name").asText());
        assertEquals("Learned pattern  from 0 events", single.get("message").asText());

        api.observe(id, "x");
        assertEquals(json("{\"status\":\"cleared\",\"session_id\":\"" + id + "\"}"),
                api.post("/sessions/" + id + "/clear-stm", null).json());
        assertEquals(List.of(), api.stm(id));
        assertEquals(5, api.observe(id, "y").json().get("time").asInt()); // the counter is not reset

        assertEquals("okay", api.get("/pattern/" + name.replace("|", "%7C") + "?node_id=" + node).json()
                .get("pattern").get("status").asText());
        assertEquals(json("{\"status\":\"cleared\",\"session_id\":\"" + id + "\",\"scope\":\"all\"}"),
                api.post("/sessions/" + id + "/clear-all", null).json());
        assertEquals("error", api.get("/pattern/" + name.replace("|", "%7C") + "?node_id=" + node).json()
                .get("pattern").get("status").asText());
        assertEquals(1, api.observe(id, "z").json().get("time").asInt()); // clear-all resets the counter
    }

    @Test
    void predictionsExampleOfTheSpec() {
        String id = api.createSession(freshNode("predict"));
        api.observe(id, "x");
        api.observe(id, "y");
        api.observe(id, "z");
        assertEquals(200, api.post("/sessions/" + id + "/learn", null).status());
        assertEquals(json("{\"predictions\":[],\"future_potentials\":[],\"session_id\":\"" + id
                + "\",\"processor_id\":null,\"count\":0,\"time\":null,\"unique_id\":null}"),
                api.get("/sessions/" + id + "/predictions").json());
        api.observe(id, "x");
        api.observe(id, "y");
        Res r = api.get("/sessions/" + id + "/predictions?unique_id=ignored");
        assertEquals(200, r.status());
        JsonNode expected = json("{\"predictions\":[{\"type\":\"prototypical\",\"name\":\"f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a\","
                + "\"frequency\":1,\"emotives\":{},\"matches\":[\"x\",\"y\"],\"past\":[],\"present\":[[\"x\"],[\"y\"]],"
                + "\"missing\":[[],[]],\"extras\":[[],[]],\"potential\":3.6666666666666665,\"evidence\":0.6666666666666666,"
                + "\"similarity\":0.8,\"fragmentation\":0.0,\"snr\":1.0,\"entropy\":0.0,\"normalized_entropy\":0.6309297535714574,"
                + "\"global_normalized_entropy\":0.6666666666666666,\"confluence\":0.0,\"predictive_information\":0.8,"
                + "\"sequence\":[[\"x\"],[\"y\"],[\"z\"]],\"future\":[[\"z\"]],\"confidence\":1.0,\"itfdf_similarity\":1.0,"
                + "\"pattern_probability\":1.0,\"weighted_strength\":0.8}],"
                + "\"future_potentials\":[{\"future\":[[\"z\"]],\"aggregate_potential\":1.0,\"supporting_patterns\":1,"
                + "\"total_weighted_frequency\":0.8}],"
                + "\"session_id\":\"" + id + "\",\"processor_id\":null,\"count\":1,\"time\":null,\"unique_id\":null}");
        assertEquals(expected, r.json());
    }

    // ---- node-scoped utilities (§5) -------------------------------------------------------------

    @Test
    void patternPerceptAndCognition() throws Exception {
        String node = "pattern_" + NODES.incrementAndGet();
        String pid = node + "_kato";
        String id = api.createSession(node);
        String learn = "/sessions/" + id + "/learn";
        for (String joy : List.of("0.75", "0.25")) {
            api.post("/sessions/" + id + "/observe", "{\"strings\":[\"b\",\"a\"],\"emotives\":{\"joy\":" + joy + "},"
                    + "\"metadata\":{\"book\":\"Alice\",\"page\":2}}");
            api.observe(id, "c");
            assertEquals("PTRN|e9e43f2309079f2843665ab773996d99489306d6", api.post(learn, null).json().get("pattern_name").asText());
        }
        JsonNode expected = json("{\"pattern\":{\"status\":\"okay\",\"pattern\":{\"name\":\"PTRN|e9e43f2309079f2843665ab773996d99489306d6\","
                + "\"pattern_data\":[[\"a\",\"b\"],[\"c\"]],\"length\":3,\"frequency\":2,\"emotives\":[{\"joy\":0.75},{\"joy\":0.25}],"
                + "\"metadata\":{\"book\":[\"Alice\"],\"page\":[\"2\"]}}},\"node_id\":\"" + pid + "\"}");
        assertEquals(expected, api.get("/pattern/PTRN%7Ce9e43f2309079f2843665ab773996d99489306d6?node_id=" + node).json());
        assertEquals(expected, api.get("/pattern/e9e43f2309079f2843665ab773996d99489306d6", "x-node-id", node).json());
        assertEquals(json("{\"pattern\":{\"status\":\"error\",\"message\":\"Pattern PTRN|0000 not found\"},\"node_id\":\"" + pid + "\"}"),
                api.get("/pattern/PTRN%7C0000?node_id=" + node).json());
        // the raw '|' that curl sends unencoded is accepted, as the reference's server does
        String[] raw = rawRequest("GET /pattern/PTRN|e9e43f2309079f2843665ab773996d99489306d6?node_id=" + node + " HTTP/1.1");
        assertEquals("200", raw[0], raw[2]);
        assertEquals(expected, json(raw[2]));
        // another node does not see it; node selection by x-test-id / default
        assertEquals("error", api.get("/pattern/e9e43f2309079f2843665ab773996d99489306d6", "x-test-id", "abc").json()
                .get("pattern").get("status").asText());
        assertEquals("test_abc_kato", api.get("/pattern/p", "x-test-id", "abc").json().get("node_id").asText());
        assertEquals("test_abc_kato", api.get("/pattern/p", "x-test-id", "test_abc").json().get("node_id").asText());
        assertEquals("default_node_kato", api.get("/percept-data").json().get("node_id").asText());
        assertEquals(pid, api.get("/percept-data?node_id=" + node, "x-node-id", "other").json().get("node_id").asText());

        api.post("/sessions/" + id + "/observe", "{\"strings\":[\"q\",\"p\"],\"emotives\":{\"e\":1}}");
        JsonNode percept = api.get("/percept-data", "x-node-id", node).json().get("percept_data");
        assertEquals(json("[\"q\",\"p\"]"), percept.get("strings")); // as received, unsorted
        assertEquals(json("[\"Node-" + node + "-PatternProcessor-unknown-process\"]"), percept.get("path"));
        JsonNode cognition = api.get("/cognition-data?node_id=" + node).json();
        assertEquals(pid, cognition.get("node_id").asText());
        for (String f : List.of("predictions", "emotives", "symbols", "command", "metadata", "path", "strings",
                "vectors", "short_term_memory")) {
            assertTrue(cognition.get("cognition_data").has(f), "cognition_data." + f);
        }
        assertEquals(json("[[\"p\",\"q\"]]"), cognition.get("cognition_data").get("short_term_memory"));
        assertEquals(json("{}"), api.get("/percept-data?node_id=" + freshNode("never")).json().get("percept_data"));
    }

    // ---- operational extras (§6) ----------------------------------------------------------------

    @Test
    void operationalExtras() {
        api.get("/health");
        JsonNode m = api.get("/metrics").json();
        for (String f : List.of("timestamp", "sessions", "performance", "resources", "databases", "processor_manager", "rates")) {
            assertTrue(m.has(f), "metrics." + f);
        }
        assertTrue(m.get("timestamp").isNumber());
        for (String f : List.of("total_created", "total_deleted", "active", "operations_total")) {
            assertTrue(m.get("sessions").has(f));
        }
        for (String db : List.of("mongodb", "qdrant", "redis")) {
            assertTrue(m.get("databases").get(db).has("avg_response_time"));
        }
        Await.until(Duration.ofSeconds(10), "a metrics sample", () -> api.get("/metrics/kato_requests_total?minutes=600").status() == 200);
        JsonNode one = api.get("/metrics/kato_requests_total?minutes=600").json();
        for (String f : List.of("metric_name", "time_range_minutes", "timestamp", "statistics", "data_points")) {
            assertTrue(one.has(f), "metric." + f);
        }
        assertE1(api.get("/metrics/no_such_metric"), 404, "No data available for metric 'no_such_metric' in the last 10 minutes");
        JsonNode stats = api.get("/stats?minutes=5").json();
        assertEquals(5, stats.get("time_range_minutes").asInt());
        for (String f : List.of("timestamp", "processor_manager", "current_status", "time_series", "summary")) {
            assertTrue(stats.has(f), "stats." + f);
        }
        assertEquals(20, stats.get("time_series").size());
        assertE2(api.get("/stats?minutes=abc"), "int_parsing", "query", "minutes");
        JsonNode conc = api.get("/concurrency").json();
        for (String f : List.of("status", "current", "peak", "limits", "configuration", "recommendations", "timestamp")) {
            assertTrue(conc.has(f), "concurrency." + f);
        }
        assertEquals(100, conc.get("limits").get("per_worker").asInt());
        assertEquals("disabled", api.get("/cache/stats").json().get("cache_performance").get("status").asText());
        assertEquals("disabled", api.post("/cache/invalidate?session_id=x", null).json().get("status").asText());
        assertFalse(api.get("/distributed-stm/stats").json().get("distributed_stm_enabled").asBoolean());
        JsonNode pools = api.get("/connection-pools").json();
        for (String f : List.of("status", "health", "pool_statistics", "connection_optimization", "performance_improvements", "timestamp")) {
            assertTrue(pools.has(f), "connection-pools." + f);
        }
        Res prom = api.get("/prometheus");
        assertEquals(200, prom.status());
        assertTrue(prom.header("Content-Type").startsWith("text/plain"));
        assertTrue(prom.body().contains("# TYPE kato_bridge_requests_total counter"));
        assertTrue(prom.body().contains("kato_bridge_requests_total{status=\"200\"}"));
    }

    @Test
    void apiDocuments() {
        JsonNode doc = api.get("/openapi.json").json();
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        for (String p : List.of("/sessions", "/sessions/{session_id}/observe", "/sessions/{session_id}/predictions",
                "/pattern/{pattern_id}", "/health", "/metrics")) {
            assertTrue(doc.get("paths").has(p), p);
        }
        for (String page : List.of("/docs", "/redoc")) {
            Res html = api.get(page);
            assertEquals(200, html.status());
            assertTrue(html.header("Content-Type").startsWith("text/html"));
            assertTrue(html.body().contains("/openapi.json"));
        }
    }

    @Test
    void sessionEventsWebSocket() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket.Builder builder = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
        for (int i = 0; i < Api.defaultHeaders.length; i += 2) {
            builder.header(Api.defaultHeaders[i], Api.defaultHeaders[i + 1]);
        }
        java.net.http.WebSocket ws = builder
                .buildAsync(java.net.URI.create(api.base.replace("http", "ws") + "/ws/events"), new java.net.http.WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            JsonNode snapshot = json(poll(messages));
            assertEquals("state.snapshot", snapshot.get("event_type").asText());
            assertTrue(snapshot.get("data").has("active_sessions"));
            String node = freshNode("ws");
            String id = api.createSession(node);
            JsonNode created = json(poll(messages));
            assertEquals("session.created", created.get("event_type").asText());
            assertEquals(id, created.get("data").get("session_id").asText());
            assertEquals(node, created.get("data").get("node_id").asText());
            api.delete("/sessions/" + id);
            JsonNode destroyed = json(poll(messages));
            assertEquals("session.destroyed", destroyed.get("event_type").asText());
            assertEquals("explicit_delete", destroyed.get("data").get("reason").asText());
            ws.sendText("ping", true).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("pong", poll(messages));
            // an open websocket is not an HTTP request in flight
            awaitOnlyThisRequestInFlight();
        } finally {
            ws.abort();
        }
    }

    /** Lone surrogates cannot be stored (they would become "?" and collide): 422 where they sit. */
    @Test
    void loneSurrogatesAreRefused() {
        assertE2(api.post("/sessions", "{\"node_id\":\"x\\ud800\"}"), "string_unicode", "body", "node_id");
        String id = api.createSession(freshNode("surrogate"));
        assertE2(api.post("/sessions/" + id + "/observe", "{\"strings\":[\"a\",\"\\udfff\"]}"), "string_unicode", "body", "strings", 1);
        assertEquals(0, api.get("/sessions/" + id + "/stm").json().get("length").intValue(), "nothing observed");
    }

    /**
     * Requests that Jetty refuses before routing (malformed URI, URI too long) are answered in the
     * E1 shape with a trace id, not with an HTML page.
     */
    @Test
    void requestsRefusedBeforeRoutingAreAnsweredInJson() throws Exception {
        for (String line : List.of("GET /sessions/%FF HTTP/1.1", "GET /sessions/a%00b HTTP/1.1",
                "GET /sessions/" + "x".repeat(20_000) + " HTTP/1.1")) {
            String[] r = rawRequest(line);
            assertTrue(r[0].startsWith("4"), r[0] + " " + r[2]);
            assertTrue(r[1].toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), r[1]);
            assertTrue(r[1].contains("X-Trace-ID: kato-"), r[1]);
            assertTrue(json(r[2]).get("detail").isTextual(), r[2]);
        }
    }

    /**
     * A client that asks for large replies and does not read them must not hold up anyone else
     * (the reply reader completes the waiting requests; their responses must not block it).
     */
    @Test
    void aClientThatDoesNotReadItsReplyDelaysNobodyElse() throws Exception {
        String node = freshNode("slow");
        String big = api.createSession(node);
        assertEquals(200, api.observe(big, "x".repeat(450_000)).status());
        String other = api.createSession(node);
        try (java.net.Socket slow = new java.net.Socket()) {
            slow.setReceiveBufferSize(1024);
            java.net.URI base = java.net.URI.create(api.base);
            slow.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
            for (int i = 0; i < 3; i++) { // pipelined: replies that cannot all be written
                slow.getOutputStream().write(("GET /sessions/" + big + "/stm HTTP/1.1\r\nHost: x" + rawDefaultHeaders() + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            slow.getOutputStream().flush();
            java.util.concurrent.CompletableFuture<Void> others = java.util.concurrent.CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 5; i++) {
                    assertEquals(200, api.observe(other, "o" + i).status());
                }
            });
            others.get(15, java.util.concurrent.TimeUnit.SECONDS); // Jetty would give up on a blocked write only after 30 s
            assertEquals(5, api.get("/sessions/" + other + "/stm").json().get("length").intValue());
        }
    }

    /** A body with broken chunked framing is the client's error: 400 in the E1 shape, not a 500. */
    @Test
    void aMalformedChunkedBodyIsA400() throws Exception {
        String[] r = rawRequest("POST /sessions HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json",
                "ZZ\r\n{}\r\n0\r\n\r\n");
        assertEquals("400", r[0], r[1] + "\n" + r[2]);
        assertTrue(json(r[2]).get("detail").asText().startsWith("could not read the request body"), r[2]);
    }

    /** {@link Api#defaultHeaders} as header lines, each preceded by CRLF (the auth-on run's key). */
    static String rawDefaultHeaders() {
        StringBuilder b = new StringBuilder();
        String[] h = Api.defaultHeaders;
        for (int i = 0; i < h.length; i += 2) {
            b.append("\r\n").append(h[i]).append(": ").append(h[i + 1]);
        }
        return b.toString();
    }

    private static String[] rawRequest(String requestLine) throws java.io.IOException {
        return rawRequest(requestLine, "");
    }

    /**
     * {status, header block, body} of one request sent byte for byte (java.net.URI refuses some
     * paths); {@code requestHead} is the request line plus any headers, {@code body} follows the
     * blank line.
     */
    private static String[] rawRequest(String requestHead, String body) throws java.io.IOException {
        java.net.URI base = java.net.URI.create(api.base);
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((requestHead + "\r\nHost: " + base.getHost() + rawDefaultHeaders()
                    + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int headersEnd = response.indexOf("\r\n\r\n");
            String head = response.substring(0, headersEnd);
            String content = response.substring(headersEnd + 4);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; ; ) {
                    int eol = content.indexOf("\r\n", i);
                    int size = Integer.parseInt(content.substring(i, eol).trim(), 16);
                    if (size == 0) break;
                    sb.append(content, eol + 2, eol + 2 + size);
                    i = eol + 2 + size + 2;
                }
                content = sb.toString();
            }
            return new String[] {head.split(" ")[1], head, content};
        }
    }

    private static String poll(java.util.concurrent.BlockingQueue<String> q) throws InterruptedException {
        String m = q.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertNotNull(m, "no websocket message within 10 s");
        return m;
    }

    // ---- more bridges on the same topology ------------------------------------------------------

    @Test
    void anyBridgeServesAnySessionAndV1RoutesAndBodyLimit() {
        try (KatoBridge second = stack.startBridge(Map.of("KATO_V1_ROUTES", "true", "KATO_MAX_BODY_BYTES", "4096",
                "KATO_TICK_INTERVAL_MS", "0"))) {
            Api other = new Api(second.port());
            String node = freshNode("v1");
            String id = api.createSession(node);
            api.observe(id, "from-first");
            // the second bridge has never seen this session: its directory catches up on the miss
            assertEquals(List.of(List.of("from-first")), other.stm(id));
            assertEquals(200, other.observe(id, "from-second").status());
            assertEquals(List.of(List.of("from-first"), List.of("from-second")), api.stm(id));

            // body limit: 413 (after the guard: an unknown session is still 404)
            String big = "{\"strings\":[\"" + "x".repeat(5000) + "\"]}";
            Res tooLarge = other.post("/sessions/" + id + "/observe", big);
            assertE1(tooLarge, 413, "Request body too large: the limit is 4096 bytes");
            assertNotNull(tooLarge.header("X-Trace-ID"));
            assertE3(other.post("/sessions/session-unknown/observe", big), "session-unknown");

            // v1 routes: the session named by X-Session-ID ...
            assertEquals(200, other.post("/observe", "{\"strings\":[\"v1\"]}", "X-Session-ID", id).status());
            assertEquals(3, api.stm(id).size());
            assertE3(other.get("/stm", "X-Session-ID", "session-unknown"), "session-unknown");
            // ... else the node's default session, created on first use and shared by every bridge
            String v1node = freshNode("v1-default");
            Res first = other.post("/observe", "{\"strings\":[\"d1\"]}", "x-node-id", v1node);
            assertEquals(200, first.status(), first.toString());
            String defaultSession = first.json().get("session_id").asText();
            assertEquals(KatoApi.defaultSessionId(v1node), defaultSession);
            assertEquals(200, other.post("/observe", "{\"strings\":[\"d2\"]}", "x-node-id", v1node).status());
            JsonNode stm = other.get("/stm", "x-node-id", v1node).json();
            assertEquals(json("[[\"d1\"],[\"d2\"]]"), stm.get("stm"));
            assertEquals(json("[[\"d1\"],[\"d2\"]]"), api.get("/sessions/" + defaultSession + "/stm").json().get("stm"));
            assertEquals("learned", other.post("/learn", null, "x-node-id", v1node).json().get("status").asText());
            assertEquals(200, other.get("/predictions", "x-node-id", v1node).status());
            assertEquals(200, other.post("/clear-stm", null, "x-node-id", v1node).status());
            assertE2(other.post("/observe", "{\"strings\":[7]}", "x-node-id", v1node), "string_type", "body", "strings", 0);
            assertTrue(other.serverErrors.isEmpty(), other.serverErrors.toString());
        }
    }

    /**
     * Odd but well-formed input never yields a 500 or an invalid JSON body, and the topology keeps
     * answering afterwards (no stream thread stuck on a poison record).
     */
    @Test
    void hostileInputsAreAnsweredCleanly() {
        String node = "odd/node.name -x|y?*" + NODES.incrementAndGet();
        String id = api.createSessionWith("{\"node_id\":" + Api.quote(node) + ",\"metadata\":{\"n\":NaN,\"big\":1e308,"
                + "\"deep\":[[[[[[[[[[1]]]]]]]]]],\"emoji\":\"\\ud83d\\ude00\",\"nul\":\"a\\u0000b\"}}");
        List<String> bodies = List.of(
                "{\"strings\":[\"\\u0000\",\"\\ud83d\\ude00\",\"\",\"" + "z".repeat(10_000) + "\"]}",
                "{\"strings\":[\"a\"],\"metadata\":{\"x\":NaN,\"y\":-Infinity,\"z\":123456789012345678901234567890}}",
                "{\"emotives\":{\"joy\":1e308,\"\":0}}",
                "{\"vectors\":[[1e-300,0,-0.0]]}",
                "{\"emotives\":{\"joy\":NaN}}",
                "{\"emotives\":{\"joy\":\"inf\"}}",
                "{\"vectors\":[[Infinity]]}",
                "{\"strings\":[\"a\"]} trailing",
                "[" .repeat(2000) + "]".repeat(2000),
                "{\"metadata\":" + "{\"a\":".repeat(900) + "1" + "}".repeat(900) + "}");
        for (String body : bodies) {
            Res r = api.post("/sessions/" + id + "/observe", body);
            assertTrue(r.status() == 200 || r.status() == 400 || r.status() == 422, body.substring(0, Math.min(80, body.length())) + " -> " + r);
            assertNotNull(r.json());
        }
        for (String path : List.of("/stm", "/predictions")) {
            Res r = api.get("/sessions/" + id + path);
            assertEquals(200, r.status(), path + " " + r);
        }
        assertEquals(200, api.post("/sessions/" + id + "/learn", null).status());
        assertEquals(200, api.get("/sessions/" + id).status());
        assertEquals(200, api.get("/percept-data?node_id=" + java.net.URLEncoder.encode(node, java.nio.charset.StandardCharsets.UTF_8)).status());
        assertEquals(200, api.get("/cognition-data?node_id=" + java.net.URLEncoder.encode(node, java.nio.charset.StandardCharsets.UTF_8)).status());
        assertE3(api.get("/sessions/%E2%9C%93%20x/stm"), "\u2713 x");
        assertEquals(200, api.observe(api.createSession(freshNode("after-odd")), "still-working").status());
    }

    @Test
    void requestsTooLargeForKafkaAre413() {
        String id = api.createSession(freshNode("large"));
        // within the body limit (10 MiB) but larger than the largest record kato.commands accepts
        // (KATO_MAX_RECORD_BYTES, 1 MiB in the test stack, + 64 KiB)
        Res huge = api.post("/sessions/" + id + "/observe", "{\"strings\":[\"" + "y".repeat(1_200_000) + "\"]}");
        assertEquals(413, huge.status(), huge.toString());
        assertTrue(huge.json().get("detail").asText().contains("max.message.bytes"), huge.toString());
        // an observe-sequence whose reply could not be published
        StringBuilder many = new StringBuilder("{\"observations\":[");
        for (int i = 0; i < 10000; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        Res seq = api.post("/sessions/" + id + "/observe-sequence", many.append("]}").toString());
        assertEquals(413, seq.status(), seq.toString());
        assertTrue(seq.json().get("detail").asText().contains("smaller batches"), seq.toString());
        assertEquals(List.of(), api.stm(id));
        assertEquals(200, api.observe(id, "fine").status());
    }

    @Test
    void everyRequestIsAccountedForInConcurrency() {
        for (int i = 0; i < 3; i++) {
            api.get("/sessions/session-unknown/stm"); // ended by the guard
            api.post("/sessions", "{"); // ended by validation
            api.get("/nowhere"); // no route
        }
        awaitOnlyThisRequestInFlight();
    }

    /**
     * Only the /concurrency request itself is in flight. Awaited: a request is counted out when its
     * log line is written, which may be just after its response reached the client.
     */
    private static void awaitOnlyThisRequestInFlight() {
        Await.value(Duration.ofSeconds(5), "no other request in flight",
                () -> api.get("/concurrency").json().get("current").get("concurrent_requests").asInt(), n -> n == 1);
    }

    @Test
    void ticksExpireIdleSessionsInTheBackground() {
        JsonNode created = api.post("/sessions", "{\"node_id\":\"" + freshNode("tick") + "\",\"ttl_seconds\":1}").json();
        String id = created.get("session_id").asText();
        assertTrue(api.get("/sessions/" + id + "/exists").json().get("exists").asBoolean());
        try (KatoBridge ticking = stack.startBridge(Map.of("KATO_TICK_INTERVAL_MS", "200"))) {
            // The topology removes the record once stream time passes the expiry and publishes a
            // tombstone; no request touches the session meanwhile.
            Await.until(Duration.ofSeconds(30), "the expired session's tombstone",
                    () -> !stack.bridge.knowsSession(id) && !ticking.knowsSession(id));
        }
        JsonNode gone = api.get("/sessions/" + id + "/exists").json();
        assertFalse(gone.get("exists").asBoolean());
        assertFalse(gone.get("expired").asBoolean(), gone.toString()); // removed by the ticks, not by this probe
    }

    @Test
    void redisReachabilityInHealth() {
        try (io.katostreams.embedded.RedisServerProcess redis = new io.katostreams.embedded.RedisServerProcess().start();
             KatoBridge withRedis = stack.startBridge(Map.of("REDIS_URL", redis.url(), "KATO_TICK_INTERVAL_MS", "0"))) {
            Api other = new Api(withRedis.port());
            JsonNode h = other.get("/health").json();
            assertTrue(h.get("redis").get("configured").asBoolean());
            assertTrue(h.get("redis").get("reachable").asBoolean(), h.toString());
            assertEquals(redis.url(), other.get("/status").json().get("sessions").get("redis_url").asText());
            redis.stop();
            JsonNode down = other.get("/health").json();
            assertFalse(down.get("redis").get("reachable").asBoolean());
            assertEquals("degraded", down.get("status").asText());
            assertTrue(down.get("issues").toString().contains("Redis unreachable"));
        }
    }
}
