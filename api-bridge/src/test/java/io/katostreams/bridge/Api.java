package io.katostreams.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A small HTTP client for the bridge, remembering every response's status (to check that no E4 ever occurred). */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    final String base;
    /**
     * Headers every Api created from now on sends (name, value, …): the auth-on runs of the contract
     * tests put the admin key here, so that bridges a test starts itself are called with it too.
     */
    static volatile String[] defaultHeaders = new String[0];
    private final String[] always = defaultHeaders;
    /** "METHOD path -> status" of every 5xx response seen. */
    final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();

    Api(int port) {
        this("http://127.0.0.1:" + port);
    }

    /** @param base e.g. {@code http://localhost:8000} */
    Api(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** One response. */
    record Res(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Res get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Res post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    Res delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    /**
     * @param body    null for no body
     * @param headers name, value, name, value, …
     */
    Res send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < always.length; i += 2) {
            b.header(always[i], always[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 500 && r.statusCode() != 503) {
                serverErrors.add(method + " " + path + " -> " + r.statusCode() + " " + r.body());
            }
            return new Res(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- shortcuts ------------------------------------------------------------------------------

    /** Creates a session for {@code node} and returns its id (asserting 200). */
    String createSession(String node) {
        return createSessionWith("{\"node_id\":" + quote(node) + "}");
    }

    /** Creates a session from a whole request body and returns its id (asserting 200). */
    String createSessionWith(String bodyJson) {
        Res r = post("/sessions", bodyJson);
        if (r.status() != 200) {
            throw new AssertionError("create session: " + r);
        }
        return r.json().get("session_id").asText();
    }

    Res observe(String sessionId, String... strings) {
        StringBuilder b = new StringBuilder("{\"strings\":[");
        for (int i = 0; i < strings.length; i++) {
            b.append(i == 0 ? "" : ",").append(quote(strings[i]));
        }
        return post("/sessions/" + sessionId + "/observe", b.append("]}").toString());
    }

    /** The session's STM as lists of symbols. */
    List<List<String>> stm(String sessionId) {
        Res r = get("/sessions/" + sessionId + "/stm");
        if (r.status() != 200) {
            throw new AssertionError("stm: " + r);
        }
        return JSON.convertValue(r.json().get("stm"),
                JSON.getTypeFactory().constructCollectionType(List.class,
                        JSON.getTypeFactory().constructCollectionType(List.class, String.class)));
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
