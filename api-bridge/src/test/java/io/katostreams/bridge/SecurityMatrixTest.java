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
            case AUTHENTICATED -> "ok";
            case PUBLIC -> "ok";
        };
    }

    /** A request for a route: the path with its variables filled in, and a valid body. */
    record Call(String method, String path, String body, String[] headers) {
    }

    private static Call call(Rule r, String node, String sessionId) {
        String path = r.pattern().replace("{session_id}", sessionId).replace("{pattern_id}", "PTRN%7Cnone")
                .replace("{metric_name}", "kato_cpu_usage_percent");
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
                "GET /pattern/{pattern_id}", "GET /ws/events", "POST /cache/invalidate")) {
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
