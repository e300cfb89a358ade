package io.katostreams.ops;

import io.katostreams.bridge.BridgeConfig;
import io.katostreams.bridge.KatoBridge;
import io.katostreams.schemas.security.KafkaClientEnv;
import io.katostreams.schemas.security.Redact;
import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.embedded.MongoStandIn;
import io.katostreams.embedded.RedisServerProcess;
import io.katostreams.topology.DeploymentSettings;
import io.katostreams.topology.KatoStreamsApp;
import io.katostreams.topology.ServiceConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KATO on Kafka in one JVM (issue: "One command to run it"): an embedded KRaft broker, Redis, the
 * MongoDB stand-in, the topology, the Redis mirror, the REST bridge and a Connect worker with the
 * knowledge sinks. A service given by URL in the environment is used instead of being started.
 */
public final class KatoStandalone implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> where = new LinkedHashMap<>();
    private KatoBridge bridge;
    private io.katostreams.bridge.DiskGuard diskGuard;
    /** Stands in for the data directory's filesystem in tests; null: the real one. */
    private final io.katostreams.bridge.DiskGuard.Space diskSpace;

    private KatoStandalone(io.katostreams.bridge.DiskGuard.Space diskSpace) {
        this.diskSpace = diskSpace;
    }

    /**
     * Settings for a private instance beside any other on this machine: data in {@code dataDir},
     * REST, Kafka, Redis and MongoDB on free ports (tests and benchmarks start it in-process or as
     * a child JVM).
     */
    public static Map<String, String> privateInstance(java.nio.file.Path dataDir) {
        int[] ports = io.katostreams.embedded.FreePorts.pick(4);
        Map<String, String> env = new HashMap<>();
        env.put("KATO_DATA_DIR", dataDir.toString());
        env.put("KATO_PORT", Integer.toString(ports[0]));
        env.put("KATO_KAFKA_PORT", Integer.toString(ports[1]));
        env.put("KATO_REDIS_PORT", Integer.toString(ports[2]));
        env.put("KATO_MONGO_PORT", Integer.toString(ports[3]));
        return env;
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public static KatoStandalone start(Map<String, String> environment) throws Exception {
        return start(environment, null);
    }

    /**
     * Starts everything, the disk guard reading {@code diskSpace} instead of the data directory's
     * filesystem (tests: a disk of a chosen size without mounting one).
     */
    public static KatoStandalone start(Map<String, String> environment, io.katostreams.bridge.DiskGuard.Space diskSpace)
            throws Exception {
        KatoStandalone s = new KatoStandalone(diskSpace);
        try {
            s.startAll(new HashMap<>(environment));
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void startAll(Map<String, String> env) throws Exception {
        String bind = StandaloneSettings.read(StandaloneSettings.BIND, env);
        env.putIfAbsent(io.katostreams.bridge.BridgeSettings.HOST.envVar(), bind);
        env.putIfAbsent(DeploymentSettings.METRICS_HOST.envVar(), bind);
        // the bridge's settings first: a REST port opened to the network without authentication, a
        // missing key file or keystore stops the start before anything else runs
        BridgeConfig.fromEnvironment(env);
        Path data = Path.of(StandaloneSettings.read(StandaloneSettings.DATA_DIR, env)).toAbsolutePath().normalize();
        Files.createDirectories(data);
        ServiceConfig service = ServiceConfig.fromEnvironment(env);
        ServiceNameGuard.check(data, service.serviceName(), StandaloneSettings.read(StandaloneSettings.FORCE_SERVICE_NAME, env));

        Map<String, String> kafkaSecurity = KafkaClientEnv.properties(env); // refuses bad KAFKA_* at once
        String bootstrap = env.get(DeploymentSettings.BOOTSTRAP_SERVERS.envVar());
        if (bootstrap == null || bootstrap.isBlank()) {
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(data.resolve("kafka"))
                    .port(StandaloneSettings.read(StandaloneSettings.KAFKA_PORT, env).intValue()).start();
            started.push(kafka);
            bootstrap = kafka.bootstrapServers();
            where.put("Kafka", bootstrap + " (embedded KRaft broker, data " + data.resolve("kafka") + ")");
        } else {
            where.put("Kafka", bootstrap + " (" + KafkaClientEnv.describe(kafkaSecurity) + ")");
        }
        env.put(DeploymentSettings.BOOTSTRAP_SERVERS.envVar(), bootstrap);

        String redisUrl = env.get("REDIS_URL");
        if (redisUrl == null || redisUrl.isBlank()) {
            RedisServerProcess redis = new RedisServerProcess(StandaloneSettings.read(StandaloneSettings.REDIS_PORT, env).intValue());
            redis.start();
            started.push(redis);
            redisUrl = redis.url();
            where.put("Redis", redisUrl + " (started here; a copy of kato.sessions, rebuilt on start)");
        } else {
            where.put("Redis", Redact.url(redisUrl));
        }
        env.put("REDIS_URL", redisUrl);

        String mongoUrl = StandaloneSettings.read(StandaloneSettings.MONGO_URL, env);
        if (mongoUrl.isBlank()) {
            MongoStandIn mongo = MongoStandIn.h2File(data.resolve("mongo"),
                    StandaloneSettings.read(StandaloneSettings.MONGO_PORT, env).intValue()).start();
            started.push(mongo);
            mongoUrl = mongo.connectionString();
            where.put("MongoDB", mongoUrl + " (mongo-java-server stand-in, H2 file " + data.resolve("mongo") + ")");
        } else {
            MongoAccess.verify(mongoUrl, Duration.ofSeconds(15));
            where.put("MongoDB", Redact.url(mongoUrl));
        }

        env.putIfAbsent(DeploymentSettings.STATE_DIR.envVar(), data.resolve("streams").toString());
        env.putIfAbsent(DeploymentSettings.METRICS_PORT.envVar(), "9464");
        KatoStreamsApp topology = new KatoStreamsApp(service, env).start();
        started.push(topology);
        where.put("Metrics", "http://" + env.get(DeploymentSettings.METRICS_HOST.envVar()) + ":" + topology.metricsPort() + "/metrics (topology, Prometheus); "
                + "bridge: /prometheus on the REST port");
        where.put("Topology", "application " + StandaloneSettings.read(DeploymentSettings.APPLICATION_ID, env)
                + ", state " + env.get(DeploymentSettings.STATE_DIR.envVar()) + ", Redis mirror of kato.sessions");

        String qdrant = StandaloneSettings.read(StandaloneSettings.QDRANT_URL, env);
        ConnectWorker connect = ConnectWorker.start(bootstrap, kafkaSecurity, data, service.topics().knowledge(), mongoUrl,
                qdrant, StandaloneSettings.read(StandaloneSettings.QDRANT_API_KEY, env));
        started.push(connect);
        where.put("Connect", connect.rest() + " (sinks: MongoDB" + (qdrant.isBlank() ? "" : ", Qdrant " + qdrant) + ")");

        // The disk guard watches the embedded broker's data directory (issue 16); with an external
        // broker only when KATO_DISK_GUARD_PATH names a directory on its disk.
        if (where.get("Kafka").contains("embedded")) {
            env.putIfAbsent(io.katostreams.bridge.DiskGuardSettings.PATH.envVar(), data.resolve("kafka").toString());
        }
        io.katostreams.bridge.DiskGuard guard = io.katostreams.bridge.DiskGuard.fromEnvironment(env, diskSpace);
        diskGuard = guard;
        bridge = new KatoBridge(BridgeConfig.fromEnvironment(env), guard).start();
        started.push(bridge);
        bridge.awaitReady(Duration.ofSeconds(60));
        BridgeConfig bc = bridge.config();
        String base = (bc.security().tlsKeystore() == null ? "http" : "https") + "://" + bc.host() + ":" + bridge.port();
        where.put("REST", base + "  (docs: /docs, health: /health; auth " + bc.security().auth() + ")");
        if (bc.consoleEnabled()) {
            where.put("Console", base + "/console");
        }
        if (guard != null) {
            where.put("Disk guard", guard.path() + ": observations and learns refused past " + guard.maxUsedPercent()
                    + " % used or under " + guard.minFreeBytes() / (1024 * 1024) + " MiB free");
        }
    }

    public int restPort() {
        return bridge.port();
    }

    /** The disk guard on the data directory, or null when none watches it. */
    public io.katostreams.bridge.DiskGuard diskGuard() {
        return diskGuard;
    }

    /** What runs where, one line per service. */
    public Map<String, String> where() {
        return where;
    }

    public void print(PrintStream out) {
        out.println("KATO Streams is running:");
        where.forEach((k, v) -> out.printf("  %-10s %s%n", k, v));
        out.println("Stop with Ctrl-C.");
    }

    /** Stops in reverse order: the bridge first, the broker last (Streams leaves its group, stores flushed). */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("kato: stopping " + c.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }
}
