package io.katostreams.topology;

import io.katostreams.engine.Setting;
import io.katostreams.schemas.security.BackendAccessException;
import io.katostreams.schemas.security.KafkaClientEnv;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the KATO topology: creates the topics when missing and starts Kafka Streams. {@code main}
 * only reads the environment and starts; everything else is in {@link KatoTopology} and
 * {@link CommandHandler}.
 */
public final class KatoStreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KatoStreamsApp.class);

    private final ServiceConfig config;
    private final Properties streamsProperties;
    private final int partitions;
    private final short replication;
    private final boolean brokerTimestamps;
    private final String redisUrl;
    private final String applicationId;
    private final int metricsPort;
    /** Client security properties from KAFKA_* (docs/production.md); empty = PLAINTEXT. */
    private final Map<String, String> kafkaSecurity;
    private final String metricsHost;
    private MetricsEndpoint metrics;
    private Admin metricsAdmin;
    private KafkaStreams streams;
    private io.katostreams.topology.redis.RedisSessionMirror mirror;

    public KatoStreamsApp(ServiceConfig config, Map<String, String> env) {
        this.config = config;
        this.kafkaSecurity = KafkaClientEnv.properties(env);
        this.streamsProperties = streamsProperties(env);
        this.partitions = read(DeploymentSettings.PARTITIONS, env).intValue();
        this.replication = read(DeploymentSettings.REPLICATION_FACTOR, env).shortValue();
        this.brokerTimestamps = read(DeploymentSettings.INPUT_TIMESTAMPS, env).equals("broker");
        this.redisUrl = env.get("REDIS_URL");
        this.applicationId = read(DeploymentSettings.APPLICATION_ID, env);
        this.metricsPort = read(DeploymentSettings.METRICS_PORT, env).intValue();
        this.metricsHost = read(DeploymentSettings.METRICS_HOST, env);
    }

    /**
     * The Kafka Streams properties from the environment (see {@link DeploymentSettings}), with the
     * client security properties of {@link KafkaClientEnv} (Kafka Streams hands them to every
     * consumer, producer and admin client it creates).
     */
    public static Properties streamsProperties(Map<String, String> env) {
        Properties p = new Properties();
        p.putAll(KafkaClientEnv.properties(env));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, read(DeploymentSettings.APPLICATION_ID, env));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, read(DeploymentSettings.BOOTSTRAP_SERVERS, env));
        p.put(StreamsConfig.STATE_DIR_CONFIG, read(DeploymentSettings.STATE_DIR, env));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, read(DeploymentSettings.PROCESSING_GUARANTEE, env));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, read(DeploymentSettings.STANDBY_REPLICAS, env).intValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, read(DeploymentSettings.STREAM_THREADS, env).intValue());
        long commitInterval = read(DeploymentSettings.COMMIT_INTERVAL_MS, env);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval);
        // Under exactly-once a transaction stays open for a commit interval; Kafka Streams refuses to
        // start when the transaction timeout (10 s by default) is shorter, so it follows the interval.
        p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), (int) Math.max(10_000L, commitInterval + 10_000L));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, read(DeploymentSettings.REPLICATION_FACTOR, env).intValue());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Commands and observations are independent inputs (no join): a task processes whichever has
        // records instead of waiting, per poll, for the other partition (which also costs CPU per record).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        p.put(StreamsConfig.producerPrefix("linger.ms"), read(DeploymentSettings.PRODUCER_LINGER_MS, env).intValue());
        return p;
    }

    private static <T> T read(Setting<T> s, Map<String, String> env) {
        String v = env.get(s.envVar());
        return v == null || v.isBlank() ? s.defaultValue() : s.parseText(v);
    }

    /** Creates missing topics and starts processing; returns once Kafka Streams is started. */
    public KatoStreamsApp start() {
        String bootstrap = (String) streamsProperties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties admin = kafkaClient();
        // A wrong credential or missing TLS set-up stops here, with one line, before any client retries.
        KafkaClientEnv.verify(toMap(admin), "the topology", ACCESS_CHECK_TIMEOUT);
        if (redisUrl != null && !redisUrl.isBlank()) {
            io.katostreams.topology.redis.RedisAccess.verify(redisUrl, ACCESS_CHECK_TIMEOUT);
        }
        int inputPartitions;
        try (Admin a = Admin.create(admin)) {
            inputPartitions = TopicProvisioner.ensureTopics(a, config.topics(), partitions, replication, config.maxRecordBytes(),
                    brokerTimestamps, config.storage(), changelogs(applicationId));
        } catch (RuntimeException e) {
            String line = KafkaClientEnv.explain(e, "the topology (creating the KATO topics)", bootstrap, kafkaSecurity);
            if (line != null) throw new BackendAccessException(line, e);
            throw e;
        }
        Properties props = new Properties();
        props.putAll(streamsProperties);
        // Disk (issue 16): compressed batches from the producer (the broker keeps them as they are when
        // the topic's compression.type is the same codec), and changelogs created compacted with
        // segments that close, so the cleaner can run (Kafka Streams' topic.-prefixed configs).
        props.put(StreamsConfig.producerPrefix("compression.type"), config.storage().producerCompression());
        TopicProvisioner.compactionSegments(config.maxRecordBytes(), config.storage())
                .forEach((k, v) -> props.put(StreamsConfig.topicPrefix(k), v));
        int maxMessage = TopicProvisioner.maxMessageBytes(config.maxRecordBytes());
        props.put(StreamsConfig.producerPrefix("max.request.size"), maxMessage);
        props.put(StreamsConfig.producerPrefix("buffer.memory"), Math.max(64L * 1024 * 1024, 4L * maxMessage));
        streams = new KafkaStreams(KatoTopology.build(config, inputPartitions), props);
        streams.setUncaughtExceptionHandler(e -> {
            String denied = KafkaClientEnv.explain(e, "the topology", bootstrap, kafkaSecurity);
            if (denied != null) {
                // Replacing the thread would fail the same way, forever: stop this instance instead.
                LOG.error("{}; stopping this topology instance", denied);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        if (redisUrl != null && !redisUrl.isBlank()) {
            // The mirror runs beside Kafka Streams, on its own consumer: Redis never slows a stream thread.
            var builder = io.katostreams.topology.redis.RedisSessionMirror.builder()
                    .bootstrapServers(bootstrap)
                    .redisUrl(redisUrl).topic(config.topics().sessions()).applicationId(applicationId);
            kafkaSecurity.forEach(builder::consumerConfig);
            mirror = builder.start();
        }
        if (metricsPort >= 0) {
            Properties lagAdmin = kafkaClient();
            // default.api.timeout.ms may not be below request.timeout.ms: both short, a scrape must not hang
            lagAdmin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            lagAdmin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            metricsAdmin = Admin.create(lagAdmin);
            try {
                metrics = new MetricsEndpoint(metricsHost, metricsPort, () -> streams, () -> mirror == null ? null : mirror.status(),
                        this::sinkLag);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot open the metrics endpoint on port " + metricsPort, e);
            }
        }
        return this;
    }

    /** The changelog topics of the stores under {@code applicationId}. */
    static java.util.List<String> changelogs(String applicationId) {
        return java.util.List.of(applicationId + "-" + KatoTopology.SESSIONS_STORE + "-changelog",
                applicationId + "-" + KatoTopology.KNOWLEDGE_STORE + "-changelog",
                applicationId + "-" + KatoTopology.GUARD_STORE + "-changelog",
                applicationId + "-" + KatoTopology.PENDING_STORE + "-changelog",
                applicationId + "-" + KatoTopology.CLAIMS_STORE + "-changelog");
    }

    /** How long the start-up access checks of Kafka and Redis wait for an answer. */
    private static final Duration ACCESS_CHECK_TIMEOUT = Duration.ofSeconds(30);

    /** Bootstrap servers and security properties: the base of every extra client of this app. */
    private Properties kafkaClient() {
        Properties p = new Properties();
        p.putAll(kafkaSecurity);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, streamsProperties.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        return p;
    }

    private static Map<String, Object> toMap(Properties p) {
        Map<String, Object> m = new java.util.HashMap<>();
        p.forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    /** Records of kato.knowledge not yet applied, per Kafka Connect sink group (connect-*). */
    private Map<String, Long> sinkLag() {
        Map<String, Long> lag = new java.util.TreeMap<>();
        Admin a = metricsAdmin;
        if (a == null) return lag;
        try {
            String topic = config.topics().knowledge();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (org.apache.kafka.common.TopicPartitionInfo p : a.describeTopics(java.util.List.of(topic)).allTopicNames()
                    .get().get(topic).partitions()) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = a.listOffsets(latest).all().get();
            for (var g : a.listGroups().all().get()) {
                if (!g.groupId().startsWith("connect-")) continue;
                var committed = a.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get();
                if (committed.keySet().stream().noneMatch(tp -> tp.topic().equals(topic))) continue;
                long behind = 0;
                for (var e : ends.entrySet()) {
                    var c = committed.get(e.getKey());
                    behind += e.getValue().offset() - (c == null ? 0 : c.offset());
                }
                lag.put(g.groupId(), behind);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("sink lag unavailable: {}", e.toString());
        }
        return lag;
    }

    /** The port of the Prometheus endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    /** The Redis mirror of kato.sessions, or null when REDIS_URL is not set. */
    public io.katostreams.topology.redis.RedisSessionMirror mirror() {
        return mirror;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public boolean isRunning() {
        return streams != null && streams.state().isRunningOrRebalancing();
    }

    /** Leaves the group (so a restart does not wait for the session timeout) and flushes the stores. */
    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (metricsAdmin != null) {
            metricsAdmin.close(Duration.ofSeconds(5));
            metricsAdmin = null;
        }
        if (mirror != null) {
            mirror.close();
            mirror = null;
        }
        if (streams != null) {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            streams = null;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        KatoStreamsApp app;
        try {
            app = new KatoStreamsApp(ServiceConfig.fromEnvironment(env), env).start();
        } catch (BackendAccessException | IllegalArgumentException e) {
            // One line naming the backend or variable and what failed; never a secret.
            LOG.error("KATO topology cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            done.countDown();
        }, "kato-shutdown"));
        LOG.info("KATO topology running (application id {})", env.getOrDefault("KATO_APPLICATION_ID", "kato-streams"));
        done.await();
    }
}
