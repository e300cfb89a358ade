package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.security.BackendAccessException;
import io.katostreams.schemas.security.KafkaClientEnv;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.ForgetNode;
import io.katostreams.schemas.avro.ImportNode;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.KatoSerdes;
import io.katostreams.topology.DeploymentSettings;
import io.katostreams.topology.NodeExport;
import io.katostreams.topology.ServiceConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./ops/kato <command>}: {@code up} runs the standalone product; the other commands talk to a
 * running one (REST on KATO_PORT, Kafka on KAFKA_BOOTSTRAP_SERVERS or localhost:KATO_KAFKA_PORT).
 */
public final class KatoCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KatoCli() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String cmd = args.length == 0 ? "help" : args[0];
        if (cmd.equals("tail") || cmd.equals("produce")) {
            // before the first logger exists: stdout carries only the records (logback.xml)
            System.setProperty("kato.log.target", "System.err");
        }
        int code;
        try {
            code = switch (cmd) {
                case "up" -> up(env);
                case "status" -> status(env);
                case "train" -> train(env, args);
                case "export" -> export(env, args);
                case "import" -> importNode(env, args);
                case "forget" -> forget(env, args);
                case "verify" -> verify(env, args);
                case "produce" -> TopicTools.produce(bootstrap(env), ServiceConfig.fromEnvironment(env).topicPrefix(), args,
                        System.in, System.err);
                case "tail" -> TopicTools.tail(bootstrap(env), ServiceConfig.fromEnvironment(env).topicPrefix(), args, System.out, System.err);
                default -> {
                    System.err.println("usage: kato up | status | train FILE [--node NODE] | export NODE FILE | "
                            + "import FILE [NODE] | forget NODE [--yes] | verify NODE | produce [--node NODE] [--session SESSION] [TOPIC] | "
                            + "tail TOPIC [--from-beginning] [--max N]");
                    yield 2;
                }
            };
        } catch (IllegalStateException | IllegalArgumentException | BackendAccessException e) {
            // one line: which setting or backend, what failed (never a secret)
            System.err.println("kato " + cmd + ": " + e.getMessage());
            code = 1;
        }
        if (java.util.Set.of("train", "export", "import", "forget", "verify").contains(cmd)) {
            CliAudit.record(env, bootstrap(env), cmd, auditedNode(cmd, args), args, code);
        }
        System.exit(code);
    }

    /** The node an ops command works on, for its audit record (null when it names none). */
    static String auditedNode(String cmd, String[] args) {
        if (cmd.equals("train")) {
            for (int i = 1; i + 1 < args.length; i++) {
                if (args[i].equals("--node")) return args[i + 1];
            }
            return null;
        }
        if (cmd.equals("import")) return args.length > 2 ? args[2] : null;
        return args.length > 1 ? args[1] : null;
    }

    private static int up(Map<String, String> env) throws Exception {
        KatoStandalone kato = KatoStandalone.start(env);
        kato.print(System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kato: stopping…");
            kato.close();
            System.out.println("kato: stopped");
            stopped.countDown();
        }, "kato-stop"));
        stopped.await();
        return 0;
    }

    private static int status(Map<String, String> env) throws Exception {
        String base = "http://localhost:" + env.getOrDefault("KATO_PORT", "8000");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        for (String path : List.of("/health", "/status")) {
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
                String key = env.get("KATO_API_KEY");
                if (key != null && !key.isBlank()) {
                    req.header("X-API-Key", key.trim()); // /status needs an admin key when KATO_AUTH is on
                }
                HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(path + " " + r.statusCode());
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(r.body())));
            } catch (java.io.IOException e) {
                System.err.println("kato status: nothing answers at " + base + " (" + e.getMessage() + ")");
                return 1;
            }
        }
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(env),
                // default.api.timeout.ms may not be below request.timeout.ms
                org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            TopicDiskUsage.print(TopicDiskUsage.bytesPerTopic(admin), System.out);
        } catch (Exception e) {
            System.err.println("kato status: disk use per topic unavailable from " + bootstrap(env) + " (" + e + ")");
        }
        return 0;
    }

    private static String bootstrap(Map<String, String> env) {
        String b = env.get(DeploymentSettings.BOOTSTRAP_SERVERS.envVar());
        return b == null || b.isBlank() ? "localhost:" + env.getOrDefault("KATO_KAFKA_PORT", "9092") : b;
    }

    /**
     * Bootstrap servers plus the Kafka client security properties of the environment
     * ({@link KafkaClientEnv}: the CLI authenticates as the principal of KAFKA_SASL_* / KAFKA_SSL_*),
     * checked once: a refused credential ends the command with one line.
     */
    static Map<String, String> kafkaClient(Map<String, String> env, String command) {
        Map<String, String> client = new HashMap<>(KafkaClientEnv.properties(env));
        client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(env));
        KafkaClientEnv.verify(client, "kato " + command, Duration.ofSeconds(15));
        return client;
    }

    /**
     * Bulk learning: each line of FILE is a sequence of events — a JSON array of arrays of strings, or
     * {@code {"node_id": …, "sequence": [[…], …]}} — observed and learned as one pattern through Kafka.
     */
    private static int train(Map<String, String> env, String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: kato train FILE [--node NODE]");
        Path file = Path.of(args[1]);
        String defaultNode = args.length >= 4 && args[2].equals("--node") ? args[3] : "default_node";
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        Map<String, String> sessions = new HashMap<>();
        long start = System.nanoTime();
        int learned = 0, empty = 0, failed = 0;
        List<CompletableFuture<Reply>> window = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (KafkaCommands kafka = new KafkaCommands(kafkaClient(env, "train"), service.topicPrefix())) {
            for (int i = 0; i < lines.size(); i++) {
                JsonNode line;
                try {
                    line = JSON.readTree(lines.get(i));
                } catch (Exception e) {
                    failed++;
                    errors.add("line " + (i + 1) + ": not JSON");
                    continue;
                }
                JsonNode seq = line.isArray() ? line : line.path("sequence");
                String node = line.isObject() && line.hasNonNull("node_id") ? line.get("node_id").asText() : defaultNode;
                if (!seq.isArray() || seq.isEmpty()) {
                    failed++;
                    errors.add("line " + (i + 1) + ": expected an array of events or {\"sequence\": [...]}");
                    continue;
                }
                String session = sessions.get(node);
                if (session == null) {
                    session = "session-" + UUID.randomUUID().toString().replace("-", "") + "-" + System.currentTimeMillis();
                    Reply r = kafka.call(node, null, new CreateSession(session, node, "{}", null,
                            "{\"process_predictions\": false}"));
                    if (r.getStatus() != 200) throw new IllegalStateException("cannot open a training session: " + r.getBodyJson());
                    sessions.put(node, session);
                }
                List<Observation> events = new ArrayList<>();
                for (JsonNode e : seq) {
                    List<String> strings = new ArrayList<>();
                    e.forEach(s -> strings.add(s.asText()));
                    events.add(new Observation(strings, List.of(), Map.of(), "{}", null));
                }
                window.add(kafka.send(node, session, new ObserveSequence(events, false, true, false)));
                if (window.size() >= 256) {
                    int[] counts = awaitWindow(window, errors);
                    learned += counts[0];
                    empty += counts[1];
                    failed += counts[2];
                    progress(i + 1, lines.size(), start);
                }
            }
            int[] counts = awaitWindow(window, errors);
            learned += counts[0];
            empty += counts[1];
            failed += counts[2];
            progress(lines.size(), lines.size(), start);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.println();
        System.out.printf("trained %d sequences from %s in %.1f s (%.0f/s): %d learned, %d too short (< 2 symbols), %d failed%n",
                lines.size(), file, seconds, lines.size() / Math.max(seconds, 1e-9), learned, empty, failed);
        errors.stream().limit(10).forEach(e -> System.out.println("  " + e));
        return failed == 0 ? 0 : 1;
    }

    /** Awaits the replies of a window of sequences: {learned, too short, failed}. */
    private static int[] awaitWindow(List<CompletableFuture<Reply>> window, List<String> errors) throws Exception {
        int[] counts = new int[3];
        for (CompletableFuture<Reply> f : window) {
            Reply r = f.get(120, TimeUnit.SECONDS);
            if (r.getStatus() != 200) {
                counts[2]++;
                errors.add(r.getBodyJson());
            } else if (JSON.readTree(r.getBodyJson()).path("final_learned_pattern").asText("").isEmpty()) {
                counts[1]++;
            } else {
                counts[0]++;
            }
        }
        window.clear();
        return counts;
    }

    private static void progress(int done, int total, long start) {
        int width = 40;
        int filled = (int) ((long) width * done / Math.max(total, 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("\r[%s%s] %d/%d  %.0f/s", "#".repeat(filled), " ".repeat(width - filled), done, total,
                done / Math.max(seconds, 1e-9));
    }

    /** Writes a node's knowledge as a portable JSON-lines file, read from the compacted kato.knowledge topic. */
    private static int export(Map<String, String> env, String[] args) throws Exception {
        if (args.length < 3) throw new IllegalArgumentException("usage: kato export NODE FILE");
        String node = args[1];
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        String pid = ProcessorId.of(node, service.serviceName());
        Map<String, KnowledgeRecord> latest = latestKnowledge(env, service, pid);
        List<String> lines = NodeExport.lines(node, pid, latest.values());
        Files.write(Path.of(args[2]), lines, StandardCharsets.UTF_8);
        long patterns = lines.stream().filter(l -> l.startsWith("{\"pattern\"")).count();
        System.out.printf("exported node %s (%s): %d patterns, %d lines to %s%n", node, pid, patterns, lines.size(), args[2]);
        return 0;
    }

    /** The latest record of every kato.knowledge key of a node (tombstoned keys removed), read to the end. */
    private static Map<String, KnowledgeRecord> latestKnowledge(Map<String, String> env, ServiceConfig service, String pid) {
        Map<String, KnowledgeRecord> latest = new LinkedHashMap<>();
        Map<String, Object> cfg = new HashMap<>(kafkaClient(env, "export/verify"));
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(service.topics().knowledge())) {
                parts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            String prefix = pid + "/";
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (!key.startsWith(prefix)) continue;
                    if (r.value() == null) latest.remove(key);
                    else latest.put(key, KatoSerdes.knowledge().decode(r.value()));
                }
            }
        }
        return latest;
    }

    /** Compares the node's knowledge on kato.knowledge with MongoDB (and Qdrant when QDRANT_URL is set). */
    private static int verify(Map<String, String> env, String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: kato verify NODE");
        String node = args[1];
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        String pid = ProcessorId.of(node, service.serviceName());
        KnowledgeVerifier.Summary topic = KnowledgeVerifier.fromTopic(latestKnowledge(env, service, pid).values());
        String mongoUrl = env.getOrDefault("MONGO_URL", "");
        if (mongoUrl.isBlank()) mongoUrl = "mongodb://127.0.0.1:" + env.getOrDefault("KATO_MONGO_PORT", "27017");
        KnowledgeVerifier.Summary mongo = KnowledgeVerifier.fromMongo(mongoUrl, pid);
        System.out.printf("node %s (%s)%n  topic:   %d patterns, %d symbols, totals %s, %d vectors%n  MongoDB: %d patterns, "
                        + "%d symbols, totals %s%n", node, pid, topic.patterns(), topic.symbols(), topic.totals(),
                topic.vectors(), mongo.patterns(), mongo.symbols(), mongo.totals());
        List<String> gaps = new ArrayList<>(topic.differences(mongo, "MongoDB", false));
        String qdrant = env.getOrDefault("QDRANT_URL", "");
        if (!qdrant.isBlank()) {
            long points = KnowledgeVerifier.qdrantPoints(qdrant, pid);
            System.out.printf("  Qdrant:  %d vectors%n", points);
            if (points != topic.vectors()) gaps.add("vectors: topic " + topic.vectors() + ", Qdrant " + points);
        } else if (topic.vectors() > 0) {
            System.out.println("  Qdrant:  not configured (QDRANT_URL unset); " + topic.vectors() + " vectors are only in kato.knowledge");
        }
        if (gaps.isEmpty()) {
            System.out.println("in sync");
            return 0;
        }
        gaps.forEach(g -> System.out.println("GAP " + g));
        return 1;
    }

    /** Replaces a node's knowledge with an export file (the header's node unless NODE is given). */
    private static int importNode(Map<String, String> env, String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: kato import FILE [NODE]");
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        JsonNode header = JSON.readTree(lines.get(0));
        if (!NodeExport.FORMAT.equals(header.path("format").asText())) {
            throw new IllegalArgumentException(args[1] + " is not a KATO node export (first line has no format "
                    + NodeExport.FORMAT + ")");
        }
        String node = args.length >= 3 ? args[2] : header.path("node_id").asText();
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        int chunks = 0;
        try (KafkaCommands kafka = new KafkaCommands(kafkaClient(env, "import"), service.topicPrefix())) {
            for (String chunk : NodeExport.chunks(lines, 500, true)) {
                Reply r = kafka.call(node, null, new ImportNode(chunk));
                if (r.getStatus() != 200) throw new IllegalStateException("import failed: " + r.getBodyJson());
                chunks++;
            }
        }
        System.out.printf("imported %d lines into node %s in %d chunks%n", lines.size() - 1, node, chunks);
        return 0;
    }

    private static int forget(Map<String, String> env, String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: kato forget NODE [--yes]");
        String node = args[1];
        boolean yes = args.length >= 3 && args[2].equals("--yes");
        if (!yes) {
            System.out.print("Delete ALL knowledge of node '" + node + "'? This cannot be undone. Type the node id to confirm: ");
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (!node.equals(answer == null ? null : answer.strip())) {
                System.out.println("not confirmed; nothing deleted");
                return 1;
            }
        }
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        try (KafkaCommands kafka = new KafkaCommands(kafkaClient(env, "forget"), service.topicPrefix())) {
            Reply r = kafka.call(node, null, new ForgetNode());
            System.out.println(r.getStatus() == 200 ? "forgot node " + node : "failed: " + r.getBodyJson());
            return r.getStatus() == 200 ? 0 : 1;
        }
    }
}
