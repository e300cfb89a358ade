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
    /** Null: PLAINTEXT without authorization; else the SASL set-up of {@link Builder#sasl}. */
    private final Sasl sasl;
    /** True while this handle owns a temporary data dir; passed on by {@link #restart()}. */
    private boolean deleteDataDirOnClose;
    private boolean stopped;

    private EmbeddedKafka(KafkaRaftServer server, Properties brokerProperties, Path dataDir,
                          boolean deleteDataDirOnClose, int port, int controllerPort, Duration startDuration,
                          Sasl sasl) {
        this.server = server;
        this.sasl = sasl;
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

    /**
     * The SASL set-up of a broker built with {@link Builder#sasl}: the mechanism of the client
     * listener and the users with their passwords ({@code admin} is the super user).
     */
    public record Sasl(String mechanism, String adminUser, String adminPassword, Map<String, String> users) {
        public Sasl {
            users = Map.copyOf(users);
        }
    }

    /** True when the client listener requires SASL and ACLs are enforced ({@link Builder#sasl}). */
    public boolean secured() {
        return sasl != null;
    }

    /**
     * The client properties to reach this broker as {@code user} (security.protocol,
     * sasl.mechanism, sasl.jaas.config); empty for a PLAINTEXT broker. Bootstrap servers not
     * included.
     */
    public Map<String, String> clientProperties(String user, String password) {
        return sasl == null ? Map.of() : clientProperties(sasl, user, password);
    }

    private static Map<String, String> clientProperties(Sasl sasl, String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", sasl.mechanism(),
                "sasl.jaas.config", jaas(sasl.mechanism(), user, password, Map.of()));
    }

    /** {@link #clientProperties(String, String)} of the super user; empty for a PLAINTEXT broker. */
    public Map<String, String> adminClientProperties() {
        return sasl == null ? Map.of() : clientProperties(sasl.adminUser(), sasl.adminPassword());
    }

    private static String jaas(String mechanism, String user, String password, Map<String, String> plainUsers) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        StringBuilder s = new StringBuilder(module).append(" required username=\"").append(user)
                .append("\" password=\"").append(password).append('"');
        plainUsers.forEach((u, p) -> s.append(" user_").append(u).append("=\"").append(p).append('"'));
        return s.append(';').toString();
    }

    /** The client port (PLAINTEXT, or SASL_PLAINTEXT when {@link #secured()}). */
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
        return admin(bootstrapServers(), adminClientProperties());
    }

    /** An Admin client (of the super user when {@link #secured()}). */
    private static Admin admin(String bootstrapServers, Map<String, String> security) {
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        return Admin.create(config);
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
        return launch(brokerProperties, dataDir, owned, port, controllerPort, sasl);
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
        private Sasl sasl;
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

        /**
         * Secures the broker: the client listener becomes SASL_PLAINTEXT with {@code mechanism}
         * ({@code SCRAM-SHA-256}, {@code SCRAM-SHA-512} or {@code PLAIN}), the controller listener
         * SASL_PLAINTEXT with PLAIN, and ACLs are enforced by KRaft's {@code StandardAuthorizer}
         * (a principal without a matching ACL is denied). {@code adminUser} is the only super user
         * and the broker's own identity; {@code users} are further principals (user → password),
         * which have no permission until ACLs grant it (through {@link #admin()}).
         *
         * <p>SCRAM credentials are written when the data directory is formatted (kafka-storage's
         * {@code --add-scram}), so they exist only for a new directory; PLAIN users are part of
         * the listener configuration. Default: off (PLAINTEXT, no authorization).
         */
        public Builder sasl(String mechanism, String adminUser, String adminPassword, Map<String, String> users) {
            if (!List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN").contains(mechanism)) {
                throw new IllegalArgumentException("mechanism must be SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN, was " + mechanism);
            }
            Map<String, String> all = new LinkedHashMap<>(users);
            all.put(adminUser, adminPassword);
            for (Map.Entry<String, String> u : all.entrySet()) {
                if (!u.getKey().matches("[A-Za-z0-9._-]+") || !u.getValue().matches("[A-Za-z0-9._~!-]+")) {
                    throw new IllegalArgumentException("SASL user names and passwords of the embedded broker are "
                            + "limited to [A-Za-z0-9._-] (passwords also ~!), so they need no quoting: " + u.getKey());
                }
            }
            this.sasl = new Sasl(mechanism, adminUser, adminPassword, users);
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
            return launch(brokerProperties(dir, clientPort, quorumPort), dir, temporary, clientPort, quorumPort, sasl);
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
            if (sasl != null) {
                secure(p, clientPort, quorumPort);
            }
            p.putAll(overrides);
            return p;
        }

        private void secure(Properties p, int clientPort, int quorumPort) {
            String mech = sasl.mechanism();
            p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + quorumPort);
            p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + clientPort);
            p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
            p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
            p.put("sasl.mechanism.inter.broker.protocol", mech);
            p.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", mech);
            Map<String, String> everyone = new LinkedHashMap<>(sasl.users());
            everyone.put(sasl.adminUser(), sasl.adminPassword());
            // The listener's JAAS line serves both sides: the broker's own client identity (username,
            // password) and, for PLAIN, the accepted users (user_<name>).
            p.put("listener.name.sasl_plaintext." + mech.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    jaas(mech, sasl.adminUser(), sasl.adminPassword(), mech.equals("PLAIN") ? everyone : Map.of()));
            // KRaft's controller listener cannot use SCRAM (the credentials live in the metadata it
            // serves): PLAIN with the admin user only.
            p.put("sasl.mechanism.controller.protocol", "PLAIN");
            p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            p.put("listener.name.controller.plain.sasl.jaas.config", jaas("PLAIN", sasl.adminUser(), sasl.adminPassword(),
                    Map.of(sasl.adminUser(), sasl.adminPassword())));
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:" + sasl.adminUser());
            p.put("allow.everyone.if.no.acl.found", "false");
        }
    }

    /**
     * Formats {@code dir} if needed, starts a broker with {@code props} and returns once it
     * answers on its client port. On failure, shuts down what started and deletes a
     * temporary {@code dir}.
     */
    private static EmbeddedKafka launch(Properties props, Path dir, boolean temporary, int clientPort, int quorumPort,
                                        Sasl sasl) {
        long begin = System.nanoTime();
        KafkaRaftServer server = null;
        try {
            formatIfNeeded(dir, props, sasl);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup(); // returns once the broker is registered and unfenced
            awaitClientListener("127.0.0.1:" + clientPort,
                    sasl == null ? Map.of() : clientProperties(sasl, sasl.adminUser(), sasl.adminPassword()));
            EmbeddedKafka kafka = new EmbeddedKafka(server, props, dir, temporary, clientPort, quorumPort,
                    Duration.ofNanos(System.nanoTime() - begin), sasl);
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
    private static void formatIfNeeded(Path dir, Properties props, Sasl sasl) {
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
                List<String> args = new java.util.ArrayList<>(List.of(
                        "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()));
                if (sasl != null && sasl.mechanism().startsWith("SCRAM-")) {
                    // KIP-900: SCRAM credentials in the bootstrap metadata, so the broker's own
                    // (inter-broker) login works from the first start.
                    Map<String, String> everyone = new LinkedHashMap<>(sasl.users());
                    everyone.put(sasl.adminUser(), sasl.adminPassword());
                    everyone.forEach((u, pw) -> args.addAll(List.of("--add-scram",
                            sasl.mechanism() + "=[name=" + u + ",password=" + pw + "]")));
                }
                exit = StorageTool.execute(args.toArray(String[]::new), printer);
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
    private static void awaitClientListener(String bootstrapServers, Map<String, String> security) {
        try (Admin admin = admin(bootstrapServers, security)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker started but does not answer on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }
}
