package io.katostreams.bridge;

import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's side of the command/reply protocol with the topology.
 *
 * <p><b>Commands</b> go to {@code kato.commands} keyed by the node's canonical key
 * ({@link ProcessorId#sanitizeNode}), so the record lands directly in the partition whose task owns
 * the node (a raw key would work too, but the topology would have to re-key it, costing a second
 * round trip through Kafka). The record timestamp is this bridge's clock when sending; the topology
 * creates kato.commands with LogAppendTime by default (KATO_INPUT_TIMESTAMPS), and then the broker's
 * append time is the time of the operation (created_at, expires_at, …). The producer is idempotent with
 * {@code acks=all} and no linger: one request is one record, sent at once, never duplicated by a
 * retry, and the commands of one client reach a partition in the order that client sent them.
 *
 * <p><b>Replies</b> come back on {@code kato.replies} with key = our {@code reply_to}. We read every
 * partition with {@code assign()} (no consumer group: nothing to rebalance, nothing to commit),
 * starting at the end, and complete the waiting request whose correlation id matches; other bridges'
 * replies are skipped by key without being decoded.
 *
 * <p>Replies are read with {@code isolation.level=read_uncommitted}, i.e. before the topology's
 * transaction commits. This is safe because the topology is deterministic (design principle 2): if
 * its transaction aborts (crash, rebalance) the command is processed again from the same stores and
 * the same record, and the re-processed reply is byte-identical to the one we already returned, as are
 * its state changes. Reading uncommitted saves the commit interval (100 ms by default) on every request.
 *
 * <p><b>Ticks</b>: the topology expires sessions when its <i>stream time</i> passes their expiry, and
 * stream time only moves when records arrive. Every {@code KATO_TICK_INTERVAL_MS} we therefore send
 * a no-op (op CountSessions, node "", key "", no reply_to) to every partition of kato.commands.
 *
 * <p>Every wait is bounded: a request without reply within {@code KATO_REPLY_TIMEOUT_MS} fails
 * with {@link TimeoutException} (the HTTP layer answers 503); a request sent before the KATO topics
 * exist fails at once with {@link Unavailable}.
 */
final class KafkaGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGateway.class);
    private static final byte[] EMPTY_KEY = new byte[0];

    /** The command could not be sent (topics missing, Kafka unreachable). */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final BridgeConfig config;
    private final Clock clock;
    private final AvroSerde<Command> commands = KatoSerdes.commands();
    private final AvroSerde<Reply> replies = KatoSerdes.replies();
    private final byte[] replyKey;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    /**
     * Prefix of this instance's correlation ids. It includes a random part so ids stay unique when
     * a bridge restarts with the same configured KATO_BRIDGE_ID (the topology derives observation
     * ids from them).
     */
    private final String correlationPrefix;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> replyConsumer;
    private final Thread replyThread;
    private final ScheduledExecutorService ticker;
    private volatile boolean running = true;
    /** Whose state the ticks carry to the topology (DiskGuardHeader); null: no header. */
    private volatile DiskGuard diskGuard;
    private volatile int commandPartitions;
    private final Admin admin;
    /** Largest record the topics accept ({@code max.message.bytes}), read once the topics exist. */
    private volatile int maxCommandBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private volatile int maxReplyBytes = DEFAULT_MAX_MESSAGE_BYTES;
    /** The broker's default {@code message.max.bytes}. */
    static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /** Room for the record batch and record headers around key and value. */
    private static final int RECORD_OVERHEAD = 512;

    // counters for /metrics and /prometheus
    final AtomicLong commandsSent = new AtomicLong();
    final AtomicLong repliesReceived = new AtomicLong();
    final AtomicLong replyTimeouts = new AtomicLong();
    /** Wall-clock time of the latest reply timeout (0: none yet), for /health. */
    private volatile long lastReplyTimeoutAt;
    final AtomicLong sendFailures = new AtomicLong();
    final AtomicLong ticksSent = new AtomicLong();
    /** Time from send to reply of the answered commands: the Kafka + topology round trip. */
    final LongAdder roundTripMicros = new LongAdder();
    final AtomicLong roundTrips = new AtomicLong();

    KafkaGateway(BridgeConfig config, Clock clock, Admin admin) {
        this.config = config;
        this.clock = clock;
        this.admin = admin;
        this.replyKey = config.bridgeId().getBytes(StandardCharsets.UTF_8);
        this.correlationPrefix = config.bridgeId() + "/" + UUID.randomUUID().toString().substring(0, 8) + ":";
        this.producer = new KafkaProducer<>(producerProperties(config), new ByteArraySerializer(),
                new ByteArraySerializer());
        this.replyConsumer = new KafkaConsumer<>(consumerProperties(config, config.bridgeId() + "-replies"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.replyThread = new Thread(this::runReplies, "kato-bridge-replies");
        this.replyThread.setDaemon(true);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kato-bridge-ticks");
            t.setDaemon(true);
            return t;
        });
    }

    static Properties producerProperties(BridgeConfig config) {
        long timeout = config.replyTimeout().toMillis();
        Properties p = new Properties();
        p.putAll(config.kafkaSecurity());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.bridgeId() + "-commands");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // the topics are zstd (issue 16); a batch already in the topic's codec is stored as sent
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        // send() blocks at most this long for metadata or buffer space: within the reply timeout.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout, 30_000));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout); // ≥ request timeout + linger (0)
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                Math.max(1_048_576, config.maxBodyBytes() * 2 + 65_536)));
        return p;
    }

    /** A group-less consumer: it never auto-creates topics and reads what is not yet committed. */
    static Properties consumerProperties(BridgeConfig config, String clientId) {
        Properties p = new Properties();
        p.putAll(config.kafkaSecurity());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        // Only the topology creates the KATO topics (with its partition count); a consumer that
        // auto-created kato.replies with the broker's default count would break that.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return p;
    }

    /** Starts the reply reader (it first waits for the topics) and the ticks. */
    void start() {
        replyThread.start();
        long tick = config.tickInterval().toMillis();
        if (tick > 0) {
            ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    /** True when a command went unanswered within the reply timeout during the last {@code window}. */
    boolean replyTimedOutWithin(Duration window) {
        long at = lastReplyTimeoutAt;
        return at != 0 && clock.millis() - at <= window.toMillis();
    }

    /** True once the reply reader is positioned at the end of every kato.replies partition. */
    boolean isReady() {
        return ready.getCount() == 0;
    }

    boolean awaitReady(Duration max) throws InterruptedException {
        return ready.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    int commandPartitions() {
        return commandPartitions;
    }

    int pendingRequests() {
        return pending.size();
    }

    /**
     * The largest reply the topology can publish: kato.replies' {@code max.message.bytes}, which the
     * topology sets from its KATO_MAX_RECORD_BYTES together with its producer's max.request.size.
     */
    int maxReplyBytes() {
        return maxReplyBytes - RECORD_OVERHEAD;
    }

    /**
     * Sends one command and returns its reply. The future fails with {@link TimeoutException} when no
     * reply arrives within the reply timeout (counted from now, including the send), or with
     * {@link Unavailable} when the command could not be sent.
     *
     * @param nodeId    raw node id (the key is its canonical form)
     * @param sessionId target session, or null for node-scoped operations
     * @param traceId   the request's X-Trace-ID
     * @param op        one branch of Command.op
     */
    CompletableFuture<Reply> call(String nodeId, String sessionId, String traceId, Object op) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        if (!isReady()) {
            reply.completeExceptionally(new Unavailable("KATO is not ready: the bridge is waiting for the topics "
                    + config.commandsTopic() + ", " + config.repliesTopic() + " and " + config.sessionsTopic()
                    + " (the topology creates them)", null));
            return reply;
        }
        long deadline = clock.millis() + config.replyTimeout().toMillis();
        String correlationId = correlationPrefix + sequence.incrementAndGet();
        pending.put(correlationId, reply);
        long sentAt = System.nanoTime();
        reply.whenComplete((r, e) -> {
            pending.remove(correlationId);
            if (r != null) {
                roundTripMicros.add((System.nanoTime() - sentAt) / 1000);
                roundTrips.incrementAndGet();
            }
        });
        Command command = command(correlationId, config.bridgeId(), nodeId, sessionId, traceId, op);
        byte[] key = key(nodeId);
        byte[] value = commands.encode(command);
        if (key.length + value.length + RECORD_OVERHEAD > maxCommandBytes) {
            // Kafka would refuse it; say so instead of letting the producer fail with a 503.
            reply.completeExceptionally(new Http.TooLarge("The request is too large for Kafka: its command is "
                    + (key.length + value.length) + " bytes, " + config.commandsTopic() + " accepts records of at most "
                    + maxCommandBytes + " bytes (max.message.bytes)"));
            return reply;
        }
        send(new ProducerRecord<>(config.commandsTopic(), null, clock.millis(), key, value), reply);
        if (!reply.isDone()) {
            reply.orTimeout(Math.max(1, deadline - clock.millis()), TimeUnit.MILLISECONDS)
                    .whenComplete((r, e) -> {
                        if (e instanceof TimeoutException) {
                            replyTimeouts.incrementAndGet();
                            lastReplyTimeoutAt = clock.millis();
                        }
                    });
        }
        return reply;
    }

    /**
     * Sends a command nobody waits for (reply_to null: the topology produces no reply), e.g. the
     * access that slides a session's expiry when a request fails validation after the guard. Best
     * effort: a failure is logged.
     */
    void sendWithoutReply(String nodeId, String sessionId, String traceId, Object op) {
        if (!isReady()) {
            return;
        }
        Command command = command(correlationPrefix + sequence.incrementAndGet(), null, nodeId, sessionId,
                traceId, op);
        send(new ProducerRecord<>(config.commandsTopic(), null, clock.millis(), key(nodeId), commands.encode(command)),
                null);
    }

    private void send(ProducerRecord<byte[], byte[]> record, CompletableFuture<Reply> reply) {
        // the bridge audits its requests itself: the topology audits only commands without this mark
        record.headers().add(io.katostreams.schemas.OriginHeader.NAME,
                io.katostreams.schemas.OriginHeader.bridge(config.bridgeId()));
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    sendFailures.incrementAndGet();
                    LOG.warn("command not delivered to {}: {}", record.topic(), error.toString());
                    if (reply != null) {
                        reply.completeExceptionally(new Unavailable("Kafka did not accept the command: " + error, error));
                    }
                }
            });
            commandsSent.incrementAndGet();
        } catch (RuntimeException e) { // metadata or buffer wait exceeded max.block.ms, producer closed, …
            sendFailures.incrementAndGet();
            if (reply != null) {
                reply.completeExceptionally(new Unavailable("Kafka did not accept the command: " + e, e));
            } else {
                LOG.warn("command not sent: {}", e.toString());
            }
        }
    }

    private static Command command(String correlationId, String replyTo, String nodeId, String sessionId,
            String traceId, Object op) {
        return Command.newBuilder().setCorrelationId(correlationId).setReplyTo(replyTo).setNodeId(nodeId)
                .setSessionId(sessionId).setTraceId(traceId).setOp(op).build();
    }

    private static byte[] key(String nodeId) {
        return ProcessorId.sanitizeNode(nodeId).getBytes(StandardCharsets.UTF_8);
    }

    void diskGuard(DiskGuard guard) {
        this.diskGuard = guard;
    }

    /** A tick round now (off the caller's thread): carries a changed disk guard state to the topology. */
    void tickNow() {
        if (running) ticker.execute(this::tick);
    }

    /**
     * One no-op per partition of kato.commands, to move the topology's stream time forward. With a
     * disk guard, each carries its state as a header: the topology's input, so its refusals are
     * deterministic (a replayed record meets the same state), and re-asserted every tick.
     */
    private void tick() {
        if (!running || !isReady()) {
            return;
        }
        try {
            int partitions = producer.partitionsFor(config.commandsTopic()).size();
            commandPartitions = partitions;
            byte[] value = commands.encode(command(correlationPrefix + "tick-" + sequence.incrementAndGet(), null,
                    "", null, null, new CountSessions()));
            DiskGuard guard = diskGuard;
            for (int p = 0; p < partitions; p++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.commandsTopic(), p, clock.millis(), EMPTY_KEY, value);
                if (guard != null) {
                    r.headers().add(io.katostreams.schemas.DiskGuardHeader.NAME,
                            io.katostreams.schemas.DiskGuardHeader.value(guard.refusing()));
                }
                producer.send(r);
            }
            ticksSent.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warn("stream-time tick not sent: {}", e.toString());
        }
    }

    // ---- reply reader ---------------------------------------------------------------------------

    private void runReplies() {
        try {
            Set<TopicPartition> assigned = waitForTopicsAndAssign();
            if (assigned == null) {
                return;
            }
            long nextRefresh = clock.millis() + 10_000;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : replyConsumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && !Arrays.equals(record.key(), replyKey)) {
                        continue; // another bridge's reply
                    }
                    deliver(record);
                }
                if (clock.millis() >= nextRefresh) {
                    assigned = TopicPartitions.refresh(replyConsumer, config.repliesTopic(), assigned);
                    nextRefresh = clock.millis() + 10_000;
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("reply reader woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("reply reader failed; requests will time out until the bridge is restarted", e);
        } finally {
            replyConsumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> record) {
        Reply reply;
        try {
            reply = replies.decode(record.value());
        } catch (RuntimeException e) {
            LOG.warn("undecodable record on {} at {}-{}: {}", record.topic(), record.partition(), record.offset(),
                    e.toString());
            return;
        }
        repliesReceived.incrementAndGet();
        CompletableFuture<Reply> waiting = pending.remove(reply.getCorrelationId());
        if (waiting != null) {
            waiting.complete(reply);
        }
    }

    /**
     * Waits until the topics exist (the topology creates them), then assigns every partition of
     * kato.replies positioned at its end. The positions are resolved (position() asks the broker)
     * before the bridge is declared ready, so no reply to a request sent afterwards can be missed.
     */
    private Set<TopicPartition> waitForTopicsAndAssign() {
        List<String> needed = List.of(config.commandsTopic(), config.repliesTopic(), config.sessionsTopic());
        long nextLog = clock.millis();
        while (running) {
            try {
                Map<String, List<PartitionInfo>> topics = replyConsumer.listTopics(Duration.ofSeconds(2));
                if (topics.keySet().containsAll(needed)) {
                    commandPartitions = topics.get(config.commandsTopic()).size();
                    readRecordLimits();
                    Set<TopicPartition> all = TopicPartitions.of(topics.get(config.repliesTopic()));
                    replyConsumer.assign(all);
                    replyConsumer.seekToEnd(all);
                    all.forEach(replyConsumer::position);
                    ready.countDown();
                    LOG.info("bridge {} ready: {} partitions of {}, {} of {}", config.bridgeId(), all.size(),
                            config.repliesTopic(), commandPartitions, config.commandsTopic());
                    return all;
                }
                if (clock.millis() >= nextLog) {
                    LOG.info("waiting for the KATO topics {} on {}", needed, config.bootstrapServers());
                    nextLog = clock.millis() + 10_000;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("Kafka not reachable yet: {}", e.toString());
            }
            pause(500);
        }
        return null;
    }

    /** Reads {@code max.message.bytes} of kato.commands and kato.replies (the broker default when unreadable). */
    private void readRecordLimits() {
        ConfigResource commandsTopic = new ConfigResource(ConfigResource.Type.TOPIC, config.commandsTopic());
        ConfigResource repliesTopic = new ConfigResource(ConfigResource.Type.TOPIC, config.repliesTopic());
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(commandsTopic, repliesTopic)).all()
                    .get(10, TimeUnit.SECONDS);
            maxCommandBytes = maxMessageBytes(configs.get(commandsTopic));
            maxReplyBytes = maxMessageBytes(configs.get(repliesTopic));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            LOG.warn("could not read max.message.bytes of the KATO topics, assuming {}: {}", DEFAULT_MAX_MESSAGE_BYTES,
                    e.toString());
        }
    }

    private static int maxMessageBytes(Config topicConfig) {
        ConfigEntry e = topicConfig == null ? null : topicConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return e == null || e.value() == null ? DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(e.value());
    }



    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        ticker.shutdownNow();
        if (replyThread.getState() == Thread.State.NEW) {
            replyConsumer.close(); // never started: the reader thread would have closed it
        } else {
            replyConsumer.wakeup();
            try {
                replyThread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<CompletableFuture<Reply>> waiting = new ArrayList<>(pending.values());
        waiting.forEach(f -> f.completeExceptionally(new Unavailable("the bridge is shutting down", null)));
        producer.close(Duration.ofSeconds(5));
    }
}
