package io.katostreams.bridge;

import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.topology.KatoStreamsApp;
import io.katostreams.topology.ServiceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The real thing in one JVM for end-to-end tests: an embedded KRaft broker (one per JVM, shared by
 * every test class), the KATO topology ({@link KatoStreamsApp}) and a bridge, all on a topic
 * prefix of their own so test classes never see each other's records.
 */
final class KatoStack implements AutoCloseable {

    private static EmbeddedKafka broker;

    /** The JVM's broker, started on first use and stopped when the JVM exits. */
    static synchronized EmbeddedKafka broker() {
        if (broker == null) {
            broker = EmbeddedKafka.builder().start();
            EmbeddedKafka b = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "embedded-kafka-stop"));
        }
        return broker;
    }

    private static KatoStack shared;
    private static KatoStack sharedWithAuth;

    /** The admin key of {@link #sharedWithAuth()}. */
    static final String AUTH_ADMIN_KEY = "contract-admin-key-" + java.util.UUID.randomUUID();

    /**
     * A second shared stack whose bridges require an API key ({@code KATO_AUTH=api_key}, one admin
     * key of every node, rate limits on but far above what a test sends): the contract and scenario
     * tests run once more against it with {@link Api#defaultHeaders} carrying the key.
     */
    static synchronized KatoStack sharedWithAuth() {
        if (sharedWithAuth == null) {
            Map<String, String> env = new HashMap<>();
            env.put("KATO_TICK_INTERVAL_MS", "0");
            env.put("KATO_AUTH", "api_key");
            env.put("KATO_API_KEYS", "contract-admin:admin:*:" + ApiKeys.sha256Hex(AUTH_ADMIN_KEY));
            for (String c : new String[] {"OBSERVE", "PREDICT", "LEARN", "ADMIN"}) {
                env.put("KATO_RATE_LIMIT_" + c, "100000000");
            }
            String[] saved = Api.defaultHeaders;
            Api.defaultHeaders = new String[] {"X-API-Key", AUTH_ADMIN_KEY};
            try {
                sharedWithAuth = start("sharedauth", env);
            } finally {
                Api.defaultHeaders = saved;
            }
            KatoStack s = sharedWithAuth;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "kato-stack-stop"));
        }
        return sharedWithAuth;
    }

    /**
     * One stack shared by the test classes that only add sessions and nodes of their own
     * (the contract, scenario and concurrency tests): starting a topology takes seconds.
     * Its bridge sends no stream-time ticks, so expiry happens only when a test asks for it.
     */
    static synchronized KatoStack shared() {
        if (shared == null) {
            shared = start("shared", Map.of("KATO_TICK_INTERVAL_MS", "0"));
            KatoStack s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "kato-stack-stop"));
        }
        return shared;
    }

    final String name;
    final Map<String, String> topologyEnv;
    /** Front-door settings every further bridge of this stack gets (from those {@link #start} was given). */
    final Map<String, String> bridgeDefaults;
    final Path stateDir;
    private KatoStreamsApp topology;
    final KatoBridge bridge;
    final Api api;

    private KatoStack(String name, Map<String, String> topologyEnv, Map<String, String> bridgeDefaults, Path stateDir,
                      KatoStreamsApp topology, KatoBridge bridge) {
        this.name = name;
        this.topologyEnv = topologyEnv;
        Map<String, String> security = new HashMap<>();
        bridgeDefaults.forEach((k, v) -> {
            if (k.startsWith("KATO_AUTH") || k.startsWith("KATO_API_KEYS") || k.startsWith("KATO_RATE_LIMIT")
                    || k.startsWith("KATO_JWT")) {
                security.put(k, v);
            }
        });
        this.bridgeDefaults = Map.copyOf(security);
        this.stateDir = stateDir;
        this.topology = topology;
        this.bridge = bridge;
        this.api = new Api(bridge.port());
    }

    /**
     * Starts a topology (3 partitions, its own topic prefix and state directory) and a bridge on it.
     *
     * @param bridgeEnv bridge settings on top of the connection settings
     */
    static KatoStack start(String name, Map<String, String> bridgeEnv) {
        return start(name, bridgeEnv, Map.of());
    }

    /** As {@link #start(String, Map)}, with topology settings overridden by {@code topologyOverrides}. */
    static KatoStack start(String name, Map<String, String> bridgeEnv, Map<String, String> topologyOverrides) {
        try {
            EmbeddedKafka kafka = broker();
            Path stateDir = Files.createTempDirectory("kato-bridge-test-" + name);
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("KATO_TOPIC_PREFIX", name + ".");
            env.put("KATO_APPLICATION_ID", "kato-bridge-test-" + name);
            env.put("KATO_STATE_DIR", stateDir.toString());
            env.put("KATO_PARTITIONS", "3");
            env.put("KATO_COMMIT_INTERVAL_MS", "50");
            // the smallest record limit, so that the size tests stay small
            env.put("KATO_MAX_RECORD_BYTES", Integer.toString(1024 * 1024));
            env.putAll(topologyOverrides);
            KatoStreamsApp topology = startTopology(env);
            KatoBridge bridge = startBridge(env, bridgeEnv);
            return new KatoStack(name, env, bridgeEnv, stateDir, topology, bridge);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the KATO stack " + name, e);
        }
    }

    /** A further bridge on this stack's topics (like a second instance behind a load balancer). */
    KatoBridge startBridge(Map<String, String> bridgeEnv) {
        Map<String, String> env = new HashMap<>(bridgeDefaults);
        env.putAll(bridgeEnv);
        return startBridge(topologyEnv, env);
    }

    private static KatoBridge startBridge(Map<String, String> topologyEnv, Map<String, String> bridgeEnv) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        env.put("KATO_TOPIC_PREFIX", topologyEnv.get("KATO_TOPIC_PREFIX"));
        env.put("KATO_HOST", "127.0.0.1");
        env.put("KATO_PORT", "0");
        env.putAll(bridgeEnv);
        KatoBridge bridge = new KatoBridge(BridgeConfig.fromEnvironment(env)).start();
        try {
            if (!bridge.awaitReady(Duration.ofSeconds(60))) {
                bridge.close();
                throw new IllegalStateException("bridge not ready within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return bridge;
    }

    private static KatoStreamsApp startTopology(Map<String, String> env) {
        KatoStreamsApp app = new KatoStreamsApp(ServiceConfig.fromEnvironment(env), env).start();
        Await.until(Duration.ofSeconds(90), "topology running", () -> app.streams().state() == KafkaStreams.State.RUNNING);
        return app;
    }

    /** Stops the topology (the bridge keeps running). */
    synchronized void stopTopology() {
        if (topology != null) {
            topology.close();
            topology = null;
        }
    }

    /** Starts the topology again on the same topics and state directory. */
    synchronized void restartTopology() {
        if (topology == null) {
            topology = startTopology(topologyEnv);
        }
    }

    @Override
    public synchronized void close() {
        bridge.close();
        stopTopology();
        deleteRecursively(stateDir);
    }

    private static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            // best effort: a temporary directory
        }
    }
}
