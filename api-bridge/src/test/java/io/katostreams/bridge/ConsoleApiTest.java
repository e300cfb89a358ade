package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's files and its read-only JSON under /console/api (docs/console.md): what the
 * topology learned appears in the node listing, pages are exact, bad paging parameters are 422 in
 * KATO's E2 shape, nothing outside the console's own files is served.
 */
class ConsoleApiTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KatoStack stack;
    private static Api api;

    @BeforeAll
    static void start() {
        stack = KatoStack.shared();
        api = stack.api;
    }

    @AfterAll
    static void noInternalErrors() {
        assertTrue(api.serverErrors.isEmpty(), "E4 responses: " + api.serverErrors);
    }

    @Test
    void servesTheConsoleFilesOnly() {
        Api.Res page = api.get("/console");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.body().contains("/console/static/app.js"));
        assertTrue(page.header("Content-Security-Policy").contains("default-src 'self'"));

        Api.Res js = api.get("/console/static/app.js");
        assertEquals(200, js.status());
        assertTrue(js.header("Content-Type").startsWith("text/javascript"), js.header("Content-Type"));
        assertEquals(200, api.get("/console/static/console.css").status());

        assertEquals(404, api.get("/console/static/missing.js").status());
        assertEquals(404, api.get("/console/static/index.html").status()); // only .js/.css/.svg by this route
        assertEquals(404, api.get("/console/static/KatoBridge.class").status());
        assertEquals("Not Found", api.get("/console/static/missing.js").json().get("detail").asText());
    }

    @Test
    void listsNodesPatternsSymbolsAndSessionsByPages() {
        String node = "console-api-node";
        String s = api.createSession(node);
        // 7 patterns: [p_i q_i] learned once each, and [p_0 q_0] twice more (frequency 3)
        List<String> obs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            obs.add("{\"strings\":[\"p" + i + "\",\"q" + i + "\"]}");
        }
        obs.add("{\"strings\":[\"p0\",\"q0\"]}");
        obs.add("{\"strings\":[\"p0\",\"q0\"]}");
        Api.Res trained = api.post("/sessions/" + s + "/observe-sequence",
                "{\"observations\":[" + String.join(",", obs) + "],\"learn_after_each\":true}");
        assertEquals(200, trained.status(), trained.toString());

        JsonNode nodes = Await.value(WAIT, "the node with 7 patterns, 14 symbols and its totals",
                () -> api.get("/console/api/nodes?q=API-NODE").json(),
                n -> n.get("total").asInt() == 1 && n.get("nodes").get(0).get("patterns").asInt() == 7
                        && n.get("nodes").get(0).get("symbols").asInt() == 14
                        && n.get("nodes").get(0).get("totals").get("total_pattern_frequencies").asInt() == 9);
        JsonNode n = nodes.get("nodes").get(0);
        assertEquals(node, n.get("node_id").asText());
        assertEquals("console_api_node_kato", n.get("processor_id").asText()); // spec 02 §2 sanitising
        assertNotNull(n.get("last_activity").textValue());
        assertEquals(0, api.get("/console/api/nodes?q=no-such-node-anywhere").json().get("total").asInt());

        // by frequency: [p0 q0] first (3), then the others
        JsonNode first = api.get("/console/api/patterns?node_id=" + node + "&limit=3").json();
        assertEquals(7, first.get("total").asInt());
        assertEquals(3, first.get("patterns").size());
        assertEquals(3, first.get("patterns").get(0).get("frequency").asInt());
        assertEquals("[[\"p0\",\"q0\"]]", first.get("patterns").get(0).get("pattern_data").toString());
        assertTrue(first.get("patterns").get(0).get("name").asText().startsWith("PTRN|"));
        JsonNode last = api.get("/console/api/patterns?node_id=" + node + "&limit=3&offset=6").json();
        assertEquals(1, last.get("patterns").size());
        assertEquals(0, api.get("/console/api/patterns?node_id=" + node + "&offset=7").json().get("patterns").size());

        // by name: ascending, the pages concatenate to the whole sorted list
        List<String> names = new ArrayList<>();
        for (int off = 0; off < 7; off += 2) {
            api.get("/console/api/patterns?node_id=" + node + "&sort=name&limit=2&offset=" + off).json()
                    .get("patterns").forEach(p -> names.add(p.get("name").asText()));
        }
        assertEquals(7, names.size());
        assertEquals(names.stream().sorted().toList(), names);

        // where a symbol is used
        JsonNode withQ3 = api.get("/console/api/patterns?node_id=" + node + "&symbol=q3").json();
        assertEquals(1, withQ3.get("total").asInt());
        assertEquals("[[\"p3\",\"q3\"]]", withQ3.get("patterns").get(0).get("pattern_data").toString());

        JsonNode symbols = api.get("/console/api/symbols?node_id=" + node + "&limit=2").json();
        assertEquals(14, symbols.get("total").asInt());
        assertEquals("p0", symbols.get("symbols").get(0).get("name").asText()); // frequency 3, then by name
        assertEquals(3, symbols.get("symbols").get(0).get("frequency").asInt());
        assertEquals("q0", symbols.get("symbols").get(1).get("name").asText());

        JsonNode sessions = api.get("/console/api/sessions?node_id=" + node).json();
        assertEquals(1, sessions.get("total").asInt());
        assertEquals(s, sessions.get("sessions").get(0).get("session_id").asText());
        assertEquals(node, sessions.get("sessions").get(0).get("node_id").asText());

        // an unknown node has nothing (and is not created by asking)
        assertEquals(0, api.get("/console/api/patterns?node_id=nobody-here").json().get("total").asInt());
    }

    @Test
    void badPagingParametersAre422NamingTheParameter() {
        for (Map.Entry<String, String> bad : Map.of(
                "/console/api/patterns?node_id=x&limit=0", "limit",
                "/console/api/patterns?node_id=x&limit=501", "limit",
                "/console/api/nodes?offset=-1", "offset",
                "/console/api/nodes?limit=ten", "limit",
                "/console/api/symbols?node_id=x&sort=size", "sort",
                "/console/api/patterns", "node_id").entrySet()) {
            Api.Res r = api.get(bad.getKey());
            assertEquals(422, r.status(), bad.getKey() + " → " + r);
            JsonNode d = r.json().get("detail").get(0);
            assertEquals("[\"query\",\"" + bad.getValue() + "\"]", d.get("loc").toString(), r.toString());
            assertTrue(d.get("msg").asText().startsWith(bad.getValue()), r.toString());
        }
    }

    @Test
    void canBeTurnedOff() {
        try (KatoBridge off = stack.startBridge(Map.of("KATO_CONSOLE_ENABLED", "false"))) {
            Api other = new Api(off.port());
            assertEquals(404, other.get("/console").status());
            assertEquals(404, other.get("/console/api/nodes").status());
            assertEquals(200, other.get("/health").status());
        }
    }
}
