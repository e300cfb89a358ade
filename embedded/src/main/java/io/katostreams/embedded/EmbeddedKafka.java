package io.katostreams.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller), running in
 * this JVM.
 *
 * <p>Start one with {@code EmbeddedKafka.builder()...start()}; the returned handle is ready
 * for clients at {@link #bootstrapServers()}. The node listens on 127.0.0.1 only: PLAINTEXT
 * for clients, CONTROLLER for its own quorum. All internal topics use replication factor 1.
 *
 * <p>Lifecycle: {@link #stop()} shuts the broker down and keeps its data, so a new broker
 * started on the same data directory (and port) sees every record written before;
 * {@link #restart()} does exactly that with the same settings; {@link #close()} stops and,
 * when the data directory was a temporary one created by the builder, deletes it. Stop and
 * close are idempotent.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long {@link #start} and {@link #createTopic} wait for the broker to answer. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Properties brokerProperties;
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Duration startDuration;
    /** True while this handle owns a temporary data dir; passed on by {@link #restart()}. */
    private boolean deleteDataDirOnClose;
    private boolean stopped;

    private EmbeddedKafka(KafkaRaftServer server, Properties brokerProperties, Path dataDir,
                          boolean deleteDataDirOnClose, int port, int controllerPort, Duration startDuration) {
        this.server = server;
        this.brokerProperties = brokerProperties;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startDuration = startDuration;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The PLAINTEXT (client) port. */
    public int port() {
        return port;
    }

    /** The CONTROLLER (KRaft quorum) port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's log directory (which also holds the KRaft metadata log). */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Wall-clock time this broker took to start: formatting (first start only), startup, and
     * the first answer on the client port.
     */
    public Duration startDuration() {
        return startDuration;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader,
     * so that clients can use it at once. Fails (with the cause from Kafka, e.g.
     * {@code TopicExistsException}) if the topic already exists.
     *
     * @param configs topic-level configs such as {@code cleanup.policy=compact}; may be empty
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
        try (Admin admin = admin()) {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            admin.createTopics(List.of(topic)).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // The controller has committed the topic; the broker learns of it (and becomes
            // leader) a moment later through the metadata log. Wait for that moment.
            while (!allPartitionsLed(admin, name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has partitions without a leader after " + READY_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(10); // poll interval, not a guess at readiness
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " did not finish within " + READY_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic) throws InterruptedException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().stream().map(TopicPartitionInfo::leader)
                    .allMatch(leader -> leader != null && !leader.isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false; // not visible to the broker yet (UnknownTopicOrPartition): ask again
        }
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin admin() {
        return admin(bootstrapServers());
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis()));
    }

    /** Shuts the broker down cleanly and keeps the data directory. Idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long begin = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        log.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Stops this broker and starts a new one with the same configuration, data directory and
     * ports, returning the new handle. The new handle takes over the data directory
     * (including deleting it on close if it is temporary); this one is left stopped.
     */
    public synchronized EmbeddedKafka restart() {
        stop();
        boolean owned = deleteDataDirOnClose;
        deleteDataDirOnClose = false;
        return launch(brokerProperties, dataDir, owned, port, controllerPort);
    }

    /** {@link #stop()}, then deletes the data directory if the builder created it. */
    @Override
    public synchronized void close() {
        stop();
        if (deleteDataDirOnClose) {
            Dirs.deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", dataDir=" + dataDir + (stopped ? ", stopped]" : "]");
    }

    /** Settings for one broker; every setting has a default that works in tests. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private int numPartitions = 1;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Where the broker keeps its log (topics and the KRaft metadata log). Created if
         * missing and formatted only if it holds no {@code meta.properties}, so an existing
         * directory is reused with all its data. Default: a new temporary directory, deleted
         * by {@link EmbeddedKafka#close()}.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The client (PLAINTEXT) port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The controller port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, was " + port);
            }
            return port;
        }

        /** {@code num.partitions} for auto-created topics; default 1. */
        public Builder numPartitions(int numPartitions) {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be at least 1, was " + numPartitions);
            }
            this.numPartitions = numPartitions;
            return this;
        }

        /** Any broker config, applied last, so it wins over the defaults set here. */
        public Builder brokerConfig(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Formats the data directory if needed, starts the broker and returns once it answers
         * an Admin request on its client port.
         *
         * @throws IllegalStateException if the broker does not start (the cause says why)
         */
        public EmbeddedKafka start() {
            // Two distinct free ports from one call, so two unset ports cannot collide.
            int[] free = FreePorts.pick(2);
            int clientPort = port > 0 ? port : free[0];
            int quorumPort = controllerPort > 0 ? controllerPort : (free[1] != clientPort ? free[1] : free[0]);
            if (clientPort == quorumPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + clientPort);
            }
            boolean temporary = dataDir == null;
            Path dir = temporary ? Dirs.createTemp("kato-kafka-") : Dirs.ensure(dataDir);
            return launch(brokerProperties(dir, clientPort, quorumPort), dir, temporary, clientPort, quorumPort);
        }

        private Properties brokerProperties(Path dir, int clientPort, int quorumPort) {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + quorumPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + quorumPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", dir.toString());
            p.put("num.partitions", Integer.toString(numPartitions));
            // One node: every internal topic must be satisfiable with a single replica.
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            // A few partitions instead of 50 each: one node gains nothing from more, and creating
            // them delays the first consumer group and the first transaction by seconds. Kafka
            // derives coordinators from these numbers, so they must not change once the
            // topics exist in a data directory (override both or neither, from the start).
            p.put("offsets.topic.num.partitions", "5");
            p.put("transaction.state.log.num.partitions", "5");
            // Nobody else will join: do not hold the first rebalance back for 3 s.
            p.put("group.initial.rebalance.delay.ms", "0");
            // The cleaner's default 128 MiB dedupe buffer dominates the heap of a small broker.
            p.put("log.cleaner.dedupe.buffer.size", "4194304");
            p.putAll(overrides);
            return p;
        }
    }

    /**
     * Formats {@code dir} if needed, starts a broker with {@code props} and returns once it
     * answers on its client port. On failure, shuts down what started and deletes a
     * temporary {@code dir}.
     */
    private static EmbeddedKafka launch(Properties props, Path dir, boolean temporary, int clientPort, int quorumPort) {
        long begin = System.nanoTime();
        KafkaRaftServer server = null;
        try {
            formatIfNeeded(dir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup(); // returns once the broker is registered and unfenced
            awaitClientListener("127.0.0.1:" + clientPort);
            EmbeddedKafka kafka = new EmbeddedKafka(server, props, dir, temporary, clientPort, quorumPort,
                    Duration.ofNanos(System.nanoTime() - begin));
            log.info("Kafka broker (KRaft) ready on {} in {} ms, data in {}",
                    kafka.bootstrapServers(), kafka.startDuration().toMillis(), dir);
            return kafka;
        } catch (RuntimeException e) {
            if (server != null) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (temporary) {
                Dirs.deleteRecursively(dir);
            }
            throw e instanceof IllegalStateException ? e
                    : new IllegalStateException("Kafka broker did not start on 127.0.0.1:" + clientPort + ": " + e, e);
        }
    }

    /**
     * Runs {@code kafka-storage format} on {@code dir} unless it already holds
     * {@code meta.properties}: formatting again would be refused, and a fresh format
     * would forget the cluster id the existing data belongs to.
     */
    private static void formatIfNeeded(Path dir, Properties props) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        Path configFile = null;
        try {
            configFile = Files.createTempFile("kato-kafka-format-", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "written by EmbeddedKafka to format " + dir);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit;
            try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exit = StorageTool.execute(new String[] {
                        "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()}, printer);
            }
            if (exit != 0) {
                throw new IllegalStateException("formatting " + dir + " failed (exit " + exit + "): "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not format Kafka log directory " + dir, e);
        } finally {
            if (configFile != null) {
                try {
                    Files.deleteIfExists(configFile);
                } catch (IOException ignored) {
                    // a stray temp file is harmless
                }
            }
        }
    }

    /**
     * Returns once the client listener answers a metadata request. {@code startup()} already
     * waits until the broker is unfenced; this proves the listener clients will use.
     */
    private static void awaitClientListener(String bootstrapServers) {
        try (Admin admin = admin(bootstrapServers)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker started but does not answer on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }
}
