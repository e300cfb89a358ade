package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.katostreams.bridge.Api.Res;
import io.katostreams.bridge.RouteTable.Access;
import io.katostreams.bridge.RouteTable.Rule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorization matrix of docs/security.md, exhaustively: every route of {@link RouteTable} ×
 * (no key, a bad key, a key of another node, reader, writer, admin) against a bridge with
 * {@code KATO_AUTH=api_key}. Sessions and nodes touched are fresh for each call, so a call that is
 * (wrongly) let through shows in its status instead of disturbing other calls.
 */
class SecurityMatrixTest {

    static final String ADMIN = "k-admin-" + java.util.UUID.randomUUID();
    static final String WRITER = "k-writer-" + java.util.UUID.randomUUID();
    static final String READER = "k-reader-" + java.util.UUID.randomUUID();
    static final String OTHER = "k-other-" + java.util.UUID.randomUUID();
    static final String BAD = "k-bad-" + java.util.UUID.randomUUID();

    enum Caller {
        NO_KEY(null), BAD_KEY(BAD), OTHER_NODE(OTHER), READER_KEY(READER), WRITER_KEY(WRITER), ADMIN_KEY(ADMIN);

        final String key;

        Caller(String key) {
            this.key = key;
        }
    }

    private static KatoStack stack;
    private static Api api;
    private static final AtomicInteger NODES = new AtomicInteger();

    @BeforeAll
    static void start() {
        Map<String, String> env = new HashMap<>();
        env.put("KATO_TICK_INTERVAL_MS", "0");
        env.put("KATO_V1_ROUTES", "true");
        env.put("KATO_AUTH", "api_key");
        env.put("KATO_API_KEYS", String.join(";",
                "ops:admin:*:" + ApiKeys.sha256Hex(ADMIN),
                "app-a:writer:mx-a-*:" + ApiKeys.sha256Hex(WRITER),
                "dash-a:reader:mx-a-*:" + ApiKeys.sha256Hex(READER),
                "app-b:writer:mx-b-*:" + ApiKeys.sha256Hex(OTHER)));
        for (String c : new String[] {"OBSERVE", "PREDICT", "LEARN", "ADMIN"}) {
            env.put("KATO_RATE_LIMIT_" + c, "100000000");
        }
        stack = KatoStack.start("matrix", env);
        api = stack.api;
    }

    @AfterAll
    static void stop() {
        assertTrue(api.serverErrors.isEmpty(), "E4 responses: " + api.serverErrors);
        stack.close();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Rule r : RouteTable.RULES) {
            if (r.pattern().equals("/ws/events")) {
                continue; // a WebSocket upgrade: webSocketUpgradePassesTheSameDoor
            }
            for (Caller c : Caller.values()) {
                out.add(Arguments.of(r.method() + " " + r.pattern(), c));
            }
        }
        return out.stream();
    }

    /** What the matrix says a caller gets: ok, 401, 403 or hidden (the answer for a missing session). */
    static String expected(Access a, Caller c) {
        if (a == Access.PUBLIC) {
            return "ok";
        }
        if (c == Caller.NO_KEY || c == Caller.BAD_KEY) {
            return "401";
        }
        boolean other = c == Caller.OTHER_NODE;
        return switch (a) {
            case ADMIN, METRICS, V1_ADMIN -> c == Caller.ADMIN_KEY ? "ok" : "403";
            case SESSION_READ, SESSION_LOOKUP -> other ? "hidden" : "ok";
            case SESSION_WRITE -> other ? "hidden" : c == Caller.READER_KEY ? "403" : "ok";
            case SESSION_ADMIN -> other ? "hidden" : c == Caller.ADMIN_KEY ? "ok" : "403";
            case CREATE_SESSION, V1_WRITE -> other || c == Caller.READER_KEY ? "403" : "ok";
            case NODE_READ, V1_READ -> other ? "403" : "ok";
            case AUTHENTICATED, SCOPED_LIST -> "ok"; // SCOPED_LIST's filtering: consoleListsHoldOnlyNodesInScope
            case PUBLIC -> "ok";
        };
    }

    /** A request for a route: the path with its variables filled in, and a valid body. */
    record Call(String method, String path, String body, String[] headers) {
    }

    private static Call call(Rule r, String node, String sessionId) {
        String path = r.pattern().replace("{session_id}", sessionId).replace("{pattern_id}", "PTRN%7Cnone")
                .replace("{metric_name}", "kato_cpu_usage_percent").replace("{file}", "app.js");
        String body = null;
        String[] headers = new String[0];
        if (r.pattern().endsWith("/observe")) {
            body = "{\"strings\":[\"a\"]}";
        } else if (r.pattern().endsWith("/observe-sequence")) {
            body = "{\"observations\":[{\"strings\":[\"a\"]}]}";
        } else if (r.pattern().endsWith("/config")) {
            body = "{\"config\":{\"max_pattern_length\":3}}";
        } else if (r.pattern().equals("/sessions") && r.method().equals("POST")) {
            body = "{\"node_id\":" + Api.quote(node) + "}";
        } else if (r.pattern().endsWith("/extend")) {
            path += "?ttl_seconds=120";
        }
        if (r.access() == Access.NODE_READ) {
            path += "?node_id=" + node;
        }
        if (r.access() == Access.V1_READ || r.access() == Access.V1_WRITE || r.access() == Access.V1_ADMIN) {
            headers = new String[] {"x-node-id", node};
        }
        return new Call(r.method(), path, body, headers);
    }

    private static Res send(Call c, String key) {
        List<String> h = new ArrayList<>(List.of(c.headers()));
        if (key != null) {
            h.add("X-API-Key");
            h.add(key);
        }
        return api.send(c.method(), c.path(), c.body(), h.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void everyRouteForEveryCaller(String route, Caller caller) {
        Rule rule = RouteTable.RULES.stream().filter(r -> (r.method() + " " + r.pattern()).equals(route)).findFirst()
                .orElseThrow();
        String node = "mx-a-" + NODES.incrementAndGet();
        String sessionId = "session-none";
        if (rule.pattern().contains("{session_id}")) {
            Res created = api.post("/sessions", "{\"node_id\":\"" + node + "\"}", "X-API-Key", ADMIN);
            assertEquals(200, created.status(), created.toString());
            sessionId = created.json().get("session_id").asText();
        }
        Call c = call(rule, node, sessionId);
        Res r = send(c, caller.key);
        String expect = expected(rule.access(), caller);
        if (caller.key != null) {
            assertFalse(r.body().contains(caller.key), "the credential is echoed: " + r);
        }
        switch (expect) {
            case "401" -> {
                assertEquals(401, r.status(), r.toString());
                assertNotNull(r.header("WWW-Authenticate"), "WWW-Authenticate");
                assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm=\"kato\""), r.header("WWW-Authenticate"));
                assertTrue(r.json().get("detail").isTextual(), r.toString());
            }
            case "403" -> {
                assertEquals(403, r.status(), r.toString());
                assertTrue(r.json().get("detail").asText().startsWith("Forbidden"), r.toString());
            }
            case "hidden" -> {
                // exactly what the same request on a session that never existed gets
                String missing = "session-" + Http.hex32() + "-1";
                Res absent = send(call(rule, node, missing), ADMIN);
                assertEquals(absent.status(), r.status(), r + " vs missing " + absent);
                assertEquals(absent.body().replace(missing, sessionId), r.body());
                assertEquals(absent.header("X-Session-ID"), r.header("X-Session-ID"));
            }
            case "ok" -> {
                // the request reached the topology: its own answer for a fresh node and session
                if (rule.pattern().endsWith("/learn")) {
                    assertEquals(400, r.status(), r.toString());
                    assertEquals("Cannot learn from empty STM", r.json().get("detail").asText());
                } else if (rule.pattern().startsWith("/pattern/")) {
                    assertEquals(200, r.status(), r.toString());
                    assertEquals("Pattern PTRN|none not found", r.json().get("pattern").get("message").asText());
                } else {
                    assertEquals(200, r.status(), r.toString());
                }
            }
            default -> fail(expect);
        }
    }

    /** Every route the bridge serves is in the table (and so in the matrix above). */
    @Test
    void theTableCoversEveryRoute() {
        List<String> served = new ArrayList<>();
        for (Rule r : RouteTable.RULES) {
            served.add(r.method() + " " + r.pattern());
        }
        for (String route : List.of("GET /", "GET /health", "GET /status", "GET /metrics", "GET /prometheus",
                "POST /sessions", "GET /sessions/count", "DELETE /sessions/{session_id}",
                "POST /sessions/{session_id}/clear-all", "GET /percept-data", "GET /cognition-data",
                "GET /pattern/{pattern_id}", "GET /ws/events", "POST /cache/invalidate", "GET /console",
                "GET /console/static/{file}", "GET /console/api/nodes", "GET /console/api/sessions",
                "GET /console/api/patterns", "GET /console/api/symbols")) {
            assertTrue(served.contains(route), route);
        }
        // unknown routes need a credential; unknown sub-paths of a session need its node in scope
        assertEquals(Access.AUTHENTICATED, RouteTable.match("GET", "/nowhere").access());
        assertEquals(Access.SESSION_READ, RouteTable.match("PUT", "/sessions/x/observe").access());
        assertEquals(Access.PUBLIC, RouteTable.match("POST", "/health").access());
        Res r = api.get("/nowhere");
        assertEquals(401, r.status(), r.toString());
        Res notFound = api.get("/nowhere", "X-API-Key", READER);
        assertEquals(404, notFound.status(), notFound.toString());
    }

    /**
     * The console's lists of several nodes hold only the credential's nodes: a session and a learned
     * node of mx-a-… are listed to the mx-a-* keys and the admin, never to the mx-b-* key, and the
     * other way round; the patterns/symbols of a node out of scope are refused like /pattern (403).
     */
    @Test
    void consoleListsHoldOnlyNodesInScope() {
        String a = "mx-a-console-" + NODES.incrementAndGet();
        String b = "mx-b-console-" + NODES.incrementAndGet();
        String sa = api.post("/sessions", "{\"node_id\":\"" + a + "\"}", "X-API-Key", WRITER).json().get("session_id").asText();
        String sb = api.post("/sessions", "{\"node_id\":\"" + b + "\"}", "X-API-Key", OTHER).json().get("session_id").asText();
        for (String[] learn : new String[][] {{sa, WRITER}, {sb, OTHER}}) {
            Res r = api.post("/sessions/" + learn[0] + "/observe-sequence",
                    "{\"observations\":[{\"strings\":[\"x\"]},{\"strings\":[\"y\"]}],\"learn_at_end\":true}",
                    "X-API-Key", learn[1]);
            assertEquals(200, r.status(), r.toString());
        }
        // the admin sees both nodes once the catalog has read their knowledge
        Await.value(Duration.ofSeconds(30), "both nodes listed to the admin",
                () -> api.get("/console/api/nodes?q=-console-", "X-API-Key", ADMIN).body(),
                body -> body.contains("\"" + a + "\"") && body.contains("\"" + b + "\""));
        for (String key : new String[] {WRITER, READER}) {
            String nodes = api.get("/console/api/nodes?q=-console-", "X-API-Key", key).body();
            assertTrue(nodes.contains("\"" + a + "\""), nodes);
            assertFalse(nodes.contains(b), nodes);
            String sessions = api.get("/console/api/sessions?limit=500", "X-API-Key", key).body();
            assertTrue(sessions.contains(sa), sessions);
            assertFalse(sessions.contains(sb), sessions);
            assertFalse(sessions.contains("mx-b-"), sessions);
            assertEquals(403, api.get("/console/api/patterns?node_id=" + b, "X-API-Key", key).status());
            assertEquals(403, api.get("/console/api/symbols?node_id=" + b, "X-API-Key", key).status());
        }
        String nodes = api.get("/console/api/nodes?q=-console-", "X-API-Key", OTHER).body();
        assertTrue(nodes.contains("\"" + b + "\""), nodes);
        assertFalse(nodes.contains(a), nodes);
        String sessions = api.get("/console/api/sessions?node_id=" + a, "X-API-Key", OTHER).json().toString();
        assertEquals(0, api.get("/console/api/sessions?node_id=" + a, "X-API-Key", OTHER).json().get("total").asInt(), sessions);
        Res theirs = api.get("/console/api/patterns?node_id=" + a, "X-API-Key", OTHER);
        assertEquals(403, theirs.status(), theirs.toString());
        assertFalse(theirs.body().contains("PTRN"), theirs.toString());
        Res own = api.get("/console/api/patterns?node_id=" + a, "X-API-Key", READER);
        assertEquals(200, own.status(), own.toString());
        assertEquals(1, own.json().get("total").asInt(), own.toString());
        assertEquals(1, api.get("/console/api/sessions?node_id=" + a, "X-API-Key", ADMIN).json().get("total").asInt());
        assertEquals(401, api.get("/console/api/nodes").status());
        assertEquals(200, api.get("/console").status());
        assertEquals(200, api.get("/console/static/live.js").status());
    }

    /**
     * A browser cannot set a header on a WebSocket: the key may come as the subprotocol
     * kato.key.<base64url> after kato.v1, and the server echoes kato.v1 only (never the key).
     */
    @Test
    void webSocketKeyAsSubprotocol() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + stack.bridge.port() + "/ws/events");
        java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .subprotocols(Security.WS_PROTOCOL, keyProtocol(ADMIN))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        assertEquals(Security.WS_PROTOCOL, ws.getSubprotocol());
        assertTrue(first.get(20, TimeUnit.SECONDS).contains("state.snapshot"));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);

        assertEquals(401, subprotocolHandshake(http, uri, Security.WS_PROTOCOL, keyProtocol(BAD)));
        assertEquals(401, subprotocolHandshake(http, uri, Security.WS_PROTOCOL, "kato.key.not*base64"));
        assertEquals(403, subprotocolHandshake(http, uri, Security.WS_PROTOCOL, keyProtocol(WRITER)));
        // the key offered first (Javalin echoes the first protocol): still kato.v1 is echoed
        WebSocket keyFirst = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .subprotocols(keyProtocol(ADMIN), Security.WS_PROTOCOL)
                .buildAsync(uri, new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS);
        assertEquals(Security.WS_PROTOCOL, keyFirst.getSubprotocol());
        keyFirst.abort();
        // the key without kato.v1: refused 400, nothing echoed
        assertEquals(400, subprotocolHandshake(http, uri, keyProtocol(ADMIN)));
        assertEquals(400, subprotocolHandshake(http, uri, "chat", keyProtocol(ADMIN)));
        assertEquals(401, subprotocolHandshake(http, uri, Security.WS_PROTOCOL));
    }

    static String keyProtocol(String key) {
        return Security.WS_KEY_PREFIX + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int subprotocolHandshake(HttpClient http, URI uri, String first, String... more) throws Exception {
        try {
            WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).subprotocols(first, more)
                    .buildAsync(uri, new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                assertFalse(h.getResponse().headers().allValues("Sec-WebSocket-Protocol").toString().contains("kato.key"));
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void bearerWorksLikeXApiKey() {
        assertEquals(200, api.get("/status", "Authorization", "Bearer " + ADMIN).status());
        assertEquals(401, api.get("/status", "Authorization", "Bearer " + BAD).status());
        assertEquals(403, api.get("/status", "Authorization", "Bearer " + READER).status());
    }

    @Test
    void webSocketUpgradePassesTheSameDoor() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + stack.bridge.port() + "/ws/events");
        assertEquals(401, handshakeStatus(http, uri, null));
        assertEquals(401, handshakeStatus(http, uri, BAD));
        assertEquals(403, handshakeStatus(http, uri, READER));
        assertEquals(403, handshakeStatus(http, uri, WRITER));
        WebSocket ws = http.newWebSocketBuilder().header("X-API-Key", ADMIN).connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    private static int handshakeStatus(HttpClient http, URI uri, String key) throws Exception {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        try {
            WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS);
            ws.abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }
}
