package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone runtime run as a user runs it: {@code kato up} in its own JVM on a fresh data
 * directory and real ports, driven through REST; stopped with SIGTERM and started again; the
 * {@code export}/{@code import} commands; a changed SERVICE_NAME refused.
 */
class StandaloneRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Map<String, String> env() {
        Map<String, String> env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_METRICS_PORT", "0");
        return env;
    }

    private JsonNode call(Map<String, String> env, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + env.get("KATO_PORT") + path))
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200, method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    private String session(Map<String, String> env, String node) throws Exception {
        return call(env, "POST", "/sessions", "{\"node_id\":\"" + node + "\"}").get("session_id").textValue();
    }

    private JsonNode predictAfter(Map<String, String> env, String node, String... symbols) throws Exception {
        String s = session(env, node);
        for (String x : symbols) call(env, "POST", "/sessions/" + s + "/observe", "{\"strings\":[\"" + x + "\"]}");
        return call(env, "GET", "/sessions/" + s + "/predictions", null);
    }

    /** {@code /ws/events}: the snapshot on connect, then a session's creation, then ping → pong. */
    private void assertWebSocketEvents(Map<String, String> env) throws Exception {
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + env.get("KATO_PORT") + "/ws/events"),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        try {
            assertEquals("state.snapshot", JSON.readTree(next(messages)).get("event_type").asText());
            String id = session(env, "ws-check");
            JsonNode created = JSON.readTree(next(messages));
            assertEquals("session.created", created.get("event_type").asText());
            assertEquals(id, created.get("data").get("session_id").asText());
            ws.sendText("ping", true).get(10, TimeUnit.SECONDS);
            assertEquals("pong", next(messages));
        } finally {
            ws.abort();
        }
    }

    private static String next(LinkedBlockingQueue<String> messages) throws InterruptedException {
        String m = messages.poll(30, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no WebSocket message within 30 s");
        return m;
    }

    @Test
    void trainStopStartExportImportAndTheServiceNameGuard() throws Exception {
        Map<String, String> env = env();
        KatoProcess first = new KatoProcess(env, "up").awaitReady();
        // The shipped classpath mixes the bridge's Jetty with Kafka Connect's: both web servers
        // must work on it (a 12.0/12.1 mix once broke the WebSocket upgrade with a 500).
        assertWebSocketEvents(env);
        String connectLine = first.lines.stream().filter(l -> l.trim().startsWith("Connect ")).findFirst().orElseThrow();
        String connectUrl = connectLine.substring(connectLine.indexOf("http://"), connectLine.indexOf('/', connectLine.indexOf("http://") + 7) + 1);
        HttpResponse<String> connectors = http.send(HttpRequest.newBuilder(URI.create(connectUrl + "connectors")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, connectors.statusCode(), connectors.body());
        assertTrue(connectors.body().startsWith("["), connectors.body());
        String s = session(env, "alice");
        for (String x : List.of("w", "x", "y", "z")) call(env, "POST", "/sessions/" + s + "/observe", "{\"strings\":[\"" + x + "\"]}");
        assertEquals("PTRN|", call(env, "POST", "/sessions/" + s + "/learn", null).get("pattern_name").textValue().substring(0, 5));
        for (String x : List.of("a", "b", "c")) call(env, "POST", "/sessions/" + s + "/observe", "{\"strings\":[\"" + x + "\"]}");
        call(env, "POST", "/sessions/" + s + "/learn", null);
        first.stop();

        KatoProcess second = new KatoProcess(env, "up").awaitReady();
        try {
            // the topology's Prometheus endpoint counts what it processed
            String metricsLine = second.lines.stream().filter(l -> l.contains("Metrics ")).findFirst().orElseThrow();
            String metricsUrl = metricsLine.substring(metricsLine.indexOf("http://"), metricsLine.indexOf("/metrics") + 8);
            JsonNode trained = predictAfter(env, "alice", "w", "x");
            String prometheus = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(prometheus.contains("kafka_stream_kato_metrics_commands_total"), prometheus.lines().limit(20).toList().toString());
            assertTrue(prometheus.contains("kato_redis_mirror_reachable 1"), "the mirror reports Redis reachable");
            assertEquals(1, trained.get("count").intValue(), "what was learned before the restart");
            assertEquals("[[\"y\"],[\"z\"]]", trained.get("predictions").get(0).get("future").toString());

            Map<String, String> cli = new HashMap<>(env);
            cli.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + env.get("KATO_KAFKA_PORT"));
            Path export = dir.resolve("alice.jsonl");
            KatoProcess exp = new KatoProcess(cli, "export", "alice", export.toString());
            assertEquals(0, exp.awaitExit(), String.join("\n", exp.lines));
            assertTrue(Files.readAllLines(export).get(0).contains("kato-node-export"));
            KatoProcess imp = new KatoProcess(cli, "import", export.toString(), "bob");
            assertEquals(0, imp.awaitExit(), String.join("\n", imp.lines));
            for (String[] stm : List.of(new String[]{"w", "x"}, new String[]{"a", "b"}, new String[]{"x", "b"})) {
                JsonNode fromAlice = predictAfter(env, "alice", stm);
                JsonNode fromBob = predictAfter(env, "bob", stm);
                assertEquals(fromAlice.get("predictions"), fromBob.get("predictions"), "identical predictions for " + List.of(stm));
                assertEquals(fromAlice.get("future_potentials"), fromBob.get("future_potentials"));
            }

            // bulk training through Kafka: JSON lines of sequences (bare, or with their node)
            Path training = dir.resolve("train.jsonl");
            Files.writeString(training, "[[\"p\"],[\"q\"],[\"r\"]]\n[[\"p\"],[\"q\"],[\"r\"]]\n"
                    + "{\"node_id\":\"carol\",\"sequence\":[[\"p\"],[\"q\"],[\"s\"]]}\n[[\"z\"]]\nnot json\n");
            KatoProcess train = new KatoProcess(cli, "train", training.toString(), "--node", "carol");
            assertEquals(1, train.awaitExit(), "one line failed: " + String.join("\n", train.lines));
            assertTrue(train.lines.stream().anyMatch(l -> l.contains("trained 5 sequences") && l.contains("3 learned")
                    && l.contains("1 too short") && l.contains("1 failed")), String.join("\n", train.lines));
            JsonNode carol = predictAfter(env, "carol", "p", "q");
            assertEquals(2, carol.get("count").intValue());
            assertEquals(2, carol.get("predictions").get(0).get("frequency").intValue(), "[p][q][r] learned twice");

            // the MongoDB copy (written by the Connect sink) catches up: verify reports it in sync ...
            long deadline = System.currentTimeMillis() + 60_000;
            KatoProcess verify;
            do {
                verify = new KatoProcess(cli, "verify", "alice");
            } while (verify.awaitExit() != 0 && System.currentTimeMillis() < deadline);
            assertEquals(0, verify.process.exitValue(), String.join("\n", verify.lines));
            assertTrue(verify.lines.stream().anyMatch(l -> l.contains("in sync")), String.join("\n", verify.lines));
            // ... and a document lost from the copy is reported
            try (com.mongodb.client.MongoClient m = com.mongodb.client.MongoClients.create(
                    "mongodb://127.0.0.1:" + env.get("KATO_MONGO_PORT"))) {
                m.getDatabase("alice_kato").getCollection("patterns_kb").deleteOne(new org.bson.Document());
            }
            KatoProcess gap = new KatoProcess(cli, "verify", "alice");
            assertEquals(1, gap.awaitExit(), String.join("\n", gap.lines));
            assertTrue(gap.lines.stream().anyMatch(l -> l.startsWith("GAP patterns")), String.join("\n", gap.lines));
        } finally {
            second.stop();
        }

        Map<String, String> renamed = new HashMap<>(env);
        renamed.put("SERVICE_NAME", "renamed");
        KatoProcess refused = new KatoProcess(renamed, "up");
        assertEquals(1, refused.awaitExit());
        assertTrue(refused.lines.stream().anyMatch(l -> l.contains("unreachable") && l.contains("KATO_FORCE_SERVICE_NAME")),
                String.join("\n", refused.lines));
    }
}
