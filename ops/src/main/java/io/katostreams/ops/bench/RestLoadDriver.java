package io.katostreams.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.embedded.ThreadCpu;
import io.katostreams.ops.KatoStandalone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load driver for the REST bridge: observe and predictions latency (median, p99) and requests per
 * second with 1 and 32 concurrent clients, against a node with 1,000 and 10,000 learned patterns.
 *
 * <pre>
 * # against a running product (./ops/kato up) or any bridge
 * java -cp ... io.katostreams.ops.bench.RestLoadDriver --url http://localhost:8000
 * # or self-contained: the standalone runtime (broker, Redis, MongoDB stand-in, topology, Connect
 * # sinks, bridge) started in this JVM on free ports and a temporary data directory
 * java -cp ... io.katostreams.ops.bench.RestLoadDriver [--env KATO_COMMIT_INTERVAL_MS=100,...]
 * options: --patterns 1000,10000  --clients 1,32  --seconds 10  --warmup 10
 * </pre>
 *
 * Patterns are learned through {@code observe-sequence} with {@code learn_at_end} (one call per
 * pattern, 32 calls in parallel): pattern i is {@code [a<i%100>] [b<i%1000>] [c<i>]}. Each
 * measured client has its own session on the pattern node, so all clients hit one node, i.e. one
 * partition and one stream thread (the single-writer worst case). Observe phase: each client
 * observes {@code [a<r>]}, {@code [b<r>]}, … and clears its STM every 10 observations (the clear is
 * not timed and not counted). Predictions phase: the STM is {@code [a<r>] [b<r'>]}, then only
 * {@code GET predictions}. Before the first timed phase, both phases run untimed for
 * {@code --warmup} seconds with 32 clients (JIT of the bridge, the topology and the broker); each
 * phase also has 3 untimed seconds of its own. In the self-contained mode it also prints the CPU
 * time per request of each group of threads.
 */
public final class RestLoadDriver {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int[] patternCounts = ints(opts.getOrDefault("patterns", "1000,10000"));
        int[] clientCounts = ints(opts.getOrDefault("clients", "1,32"));
        long seconds = Long.parseLong(opts.getOrDefault("seconds", "10"));
        long warmup = Long.parseLong(opts.getOrDefault("warmup", "10"));
        boolean firstRound = true;
        KatoStandalone standalone = null;
        Api api;
        if (opts.containsKey("url")) {
            api = new Api(opts.get("url"));
        } else {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.putAll(KatoStandalone.privateInstance(Files.createTempDirectory("kato-load")));
            env.put("KATO_METRICS_PORT", "-1");
            for (String kv : opts.getOrDefault("env", "").split(",")) {
                if (!kv.isBlank()) env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
            standalone = KatoStandalone.start(env);
            api = new Api("http://127.0.0.1:" + standalone.restPort());
        }
        try {
            System.out.printf("%n| patterns | clients | operation | requests/s | median ms | p99 ms | mean Kafka round trip ms |%n");
            System.out.printf("|---:|---:|---|---:|---:|---:|---:|%n");
            for (int patterns : patternCounts) {
                String node = "load-" + patterns + "-" + System.currentTimeMillis();
                long t0 = System.nanoTime();
                learn(api, node, patterns);
                System.err.printf("learned %d patterns in %.1f s%n", patterns, (System.nanoTime() - t0) / 1e9);
                if (firstRound) { // JIT and connection warm-up of the whole path before anything is timed
                    measure(api, node, 32, warmup, false);
                    measure(api, node, 32, warmup, true);
                    firstRound = false;
                }
                for (int clients : clientCounts) {
                    report(patterns, clients, "observe", measure(api, node, clients, seconds, false));
                    report(patterns, clients, "predictions", measure(api, node, clients, seconds, true));
                }
            }
        } finally {
            if (standalone != null) {
                System.out.printf("%nCPU per request (µs, Java threads of this JVM; JIT and GC not included):%n");
                CPU_LINES.forEach(line -> System.out.println("- " + line));
                standalone.close();
            }
            if (!api.serverErrors.isEmpty()) {
                System.err.println("server errors: " + api.serverErrors);
            }
            System.exit(0); // the embedded servers' threads
        }
    }

    /** A minimal JSON-over-HTTP client; 5xx answers other than 503 are collected as server errors. */
    private static final class Api {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String base;
        final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();

        Api(String base) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }

        record Res(int status, String body) {
            JsonNode json() {
                try {
                    return JSON.readTree(body);
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON (" + status + "): " + body, e);
                }
            }
        }

        Res get(String path) {
            return send("GET", path, null);
        }

        Res post(String path, String body) {
            return send("POST", path, body);
        }

        Res delete(String path) {
            return send("DELETE", path, null);
        }

        Res send(String method, String path, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", "application/json");
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 500 && r.statusCode() != 503) {
                    serverErrors.add(method + " " + path + " -> " + r.statusCode() + " " + r.body());
                }
                return new Res(r.statusCode(), r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        String createSession(String node) {
            Res r = post("/sessions", "{\"node_id\":\"" + node + "\"}");
            if (r.status() != 200) throw new IllegalStateException("create session: " + r);
            return r.json().get("session_id").asText();
        }

        Res observe(String sessionId, String symbol) {
            return post("/sessions/" + sessionId + "/observe", "{\"strings\":[\"" + symbol + "\"]}");
        }
    }

    /** Learns {@code count} patterns on {@code node} with 32 parallel clients. */
    private static void learn(Api api, String node, int count) throws Exception {
        int parallel = 32;
        List<String> sessions = new ArrayList<>();
        for (int c = 0; c < parallel; c++) {
            sessions.add(api.createSession(node));
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < parallel; c++) {
            String session = sessions.get(c);
            done.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    String body = "{\"observations\":[{\"strings\":[\"a" + (i % 100) + "\"]},{\"strings\":[\"b" + (i % 1000)
                            + "\"]},{\"strings\":[\"c" + i + "\"]}],\"learn_at_end\":true}";
                    Api.Res r = api.post("/sessions/" + session + "/observe-sequence", body);
                    if (r.status() != 200) {
                        throw new IllegalStateException("learning failed: " + r);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        for (String s : sessions) {
            api.delete("/sessions/" + s);
        }
    }

    /**
     * Latencies in µs of every timed request of all clients, the elapsed time, and the bridge's mean
     * command round trip (send to reply, i.e. Kafka + topology) over the run.
     */
    private record Result(long[] micros, double seconds, double roundTripMs, Map<String, Long> cpuNanos) {
    }

    /** The bridge's round-trip summary from /prometheus: {sum seconds, count}. */
    private static double[] roundTrips(Api api) {
        double[] v = new double[2];
        for (String line : api.get("/prometheus").body().split("\n")) {
            if (line.startsWith("kato_bridge_reply_round_trip_seconds_sum ")) {
                v[0] = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            } else if (line.startsWith("kato_bridge_reply_round_trip_seconds_count ")) {
                v[1] = Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        return v;
    }

    private static Result measure(Api api, String node, int clients, long seconds, boolean predictions) throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String s = api.createSession(node);
            if (predictions) {
                int r = ThreadLocalRandom.current().nextInt(1000);
                api.observe(s, "a" + (r % 100));
                api.observe(s, "b" + ((r * 7) % 1000));
            }
            sessions.add(s);
        }
        // a warm-up (JIT, connections), then the timed run
        run(api, sessions, 3, predictions);
        double[] before = roundTrips(api);
        Map<String, Long> cpuBefore = ThreadCpu.byGroup();
        long start = System.nanoTime();
        List<long[]> perClient = run(api, sessions, seconds, predictions);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Long> cpu = ThreadCpu.since(cpuBefore);
        double[] after = roundTrips(api);
        double roundTripMs = after[1] == before[1] ? 0 : (after[0] - before[0]) / (after[1] - before[1]) * 1000;
        for (String s : sessions) {
            api.delete("/sessions/" + s);
        }
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return new Result(all, elapsed, roundTripMs, cpu);
    }

    private static List<long[]> run(Api api, List<String> sessions, long seconds, boolean predictions) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(sessions.size());
        List<Future<long[]>> futures = new ArrayList<>();
        for (String s : sessions) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[1024];
                int n = 0;
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    long t = System.nanoTime();
                    Api.Res r = predictions ? api.get("/sessions/" + s + "/predictions")
                            : api.observe(s, (n % 2 == 0 ? "a" + rnd.nextInt(100) : "b" + rnd.nextInt(1000)));
                    long us = (System.nanoTime() - t) / 1000;
                    if (r.status() != 200) {
                        throw new IllegalStateException(r.toString());
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = us;
                    if (!predictions && n % 10 == 0) {
                        api.post("/sessions/" + s + "/clear-stm", null);
                    }
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        List<long[]> out = new ArrayList<>();
        for (Future<long[]> f : futures) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    private static void report(int patterns, int clients, String op, Result r) {
        long[] l = r.micros();
        double median = l.length == 0 ? 0 : l[l.length / 2] / 1000.0;
        double p99 = l.length == 0 ? 0 : l[Math.min(l.length - 1, (int) Math.ceil(l.length * 0.99) - 1)] / 1000.0;
        System.out.printf("| %,d | %d | %s | %.0f | %.1f | %.1f | %.1f |%n", patterns, clients, op, l.length / r.seconds(),
                median, p99, r.roundTripMs());
        if (l.length > 0) {
            CPU_LINES.add(String.format("%,d patterns, %d clients, %s: %s", patterns, clients, op, cpuPerRequest(r.cpuNanos(), l.length)));
        }
    }

    /**
     * CPU µs per timed request by thread role, largest first. Meaningful in the self-contained mode
     * only (everything runs in this JVM); against --url it shows the driver's own threads.
     */
    private static final List<String> CPU_LINES = new ArrayList<>();

    private static String cpuPerRequest(Map<String, Long> nanos, int requests) {
        long total = nanos.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder(String.format("total %.0f µs", total / 1000.0 / requests));
        nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() > 0)
                .forEach(e -> sb.append(String.format("; %s %.0f", e.getKey(), e.getValue() / 1000.0 / requests)));
        return sb.toString();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
