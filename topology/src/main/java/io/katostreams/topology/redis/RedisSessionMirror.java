package io.katostreams.topology.redis;

import io.katostreams.schemas.KatoTopics;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.serde.KatoSerdes;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies every session of the compacted topic kato.sessions into Redis, in the layout of
 * {@link SessionRedisLayout}, and keeps the copy current. Redis is a convenience copy: the topic
 * is the truth, and the copy can always be rebuilt from it.
 *
 * <p><b>Threading.</b> The mirror is a plain Kafka consumer (its own group, e.g.
 * {@code <application id>-redis-mirror}) on its own thread, started by {@link #start()}. It shares
 * nothing with Kafka Streams, so a slow or absent Redis can never block or fail a stream thread.
 * {@link #status()}, {@link #awaitStatus}, {@link #rebuild()} and {@link #close()} may be called
 * from any thread.
 *
 * <p><b>Delivery.</b> Records are read in partition order; the latest state of each session read
 * so far waits in memory until Redis has it. Offsets are committed only after Redis accepted the
 * writes of every record before them, so a crash or restart re-reads at most what was not
 * written; rewriting is harmless because a write sets a session's keys to a record's state
 * (and expiry) absolutely. Reading uncommitted records is fine: the topology is deterministic,
 * so a transaction replayed after an abort produces identical records.
 *
 * <p><b>Redis outages.</b> When a Redis operation fails, the mirror retries with exponential
 * backoff and commits nothing new. Meanwhile it goes on reading, keeping only the latest state
 * per session, until {@code maxPendingSessions} sessions wait; then it pauses its partitions
 * (keeping its consumer-group membership). When Redis answers again it writes the waiting
 * states, commits and reads on.
 *
 * <p><b>Rebuild.</b> Redis holds an epoch marker ({@link SessionRedisLayout#EPOCH_KEY}), and every
 * offset commit carries, as its metadata, the epoch the records were written under. A partition
 * whose committed epoch differs from the marker is rewound to the beginning and rewritten (the
 * topic is compacted: the last record per session wins). So the copy is rebuilt automatically
 * when Redis comes back empty or was flushed (the marker is gone, so a new epoch is created;
 * noticed at the next marker check, every {@code epochCheckInterval}), and on request
 * ({@link #rebuild()} or {@link Builder#rebuildOnStart}, which set a new epoch). While a rebuild
 * runs, Redis passes through older states of a session before its latest one; it is complete
 * when the status shows no lag. A rebuild rewrites what the topic holds; it does not delete keys
 * of sessions absent from the topic (those still expire at their own time).
 */
public final class RedisSessionMirror implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisSessionMirror.class);
    private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Sessions per Redis pipeline (one MULTI/EXEC each). */
    private static final int WRITE_BATCH = 500;

    private final String topic;
    private final String redisAddress;
    private final Duration epochCheckInterval;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final int maxPendingSessions;
    private final Clock clock;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RedisSessionWriter redis;
    private final Deserializer<SessionState> decoder = KatoSerdes.sessions().deserializer();
    private final AtomicBoolean rebuildRequested;
    private final Thread thread;

    private boolean started;
    private volatile boolean running;
    /** Guards {@link #status} and {@link #statusVersion}; notified on every publication. */
    private final Object statusMonitor = new Object();
    private MirrorStatus status = MirrorStatus.NOT_STARTED;
    private long statusVersion;

    // ---- state of the mirror thread (only that thread touches it)

    /** Latest unwritten state per session, null value = tombstone. */
    private final Map<String, Change> pending = new LinkedHashMap<>();
    /** Per assigned partition. */
    private final Map<TopicPartition, Progress> progress = new HashMap<>();
    /** The epoch marker's value as last read; null until read. */
    private String epoch;
    /** When the marker is read next, in {@link #now()} milliseconds. */
    private long nextEpochCheckAt;
    /** Redis failed: the next attempt is at {@link #retryAt} ({@link #now()} milliseconds). */
    private boolean retrying;
    private long retryAt;
    /** Consumption paused: {@link #maxPendingSessions} sessions wait for Redis. */
    private boolean paused;
    private Duration backoff;
    private boolean redisReachable;
    private long recordsApplied;
    private long sessionsWritten;
    private long sessionsDeleted;
    private long errors;
    private long rebuilds;
    private String lastError;

    /** A session's latest state read from {@code partition}; null state = tombstone. */
    private record Change(TopicPartition partition, SessionState state) {
    }

    /**
     * Where one partition stands. Offsets are "next offset" positions: {@code read} ≥
     * {@code inRedis} ≥ {@code committed}; -1 = none yet since assignment or rewind.
     */
    private static final class Progress {
        /** Epoch the partition's committed offset (and hence Redis) belongs to; null = unknown. */
        String epoch;
        /** The group has certainly never committed this partition: it is read from the earliest offset. */
        boolean neverCommitted;
        long read = -1;
        long inRedis = -1;
        long committed = -1;
        /** Records read but not yet in Redis. */
        long unapplied;

        /** {@code commit} as read from the group; null = none. */
        static Progress fromCommit(OffsetAndMetadata commit) {
            Progress p = new Progress();
            p.neverCommitted = commit == null;
            if (commit != null) {
                String metadata = commit.metadata();
                p.epoch = metadata == null || metadata.isEmpty() ? null : metadata;
                p.read = p.inRedis = p.committed = commit.offset();
            }
            return p;
        }
    }

    private RedisSessionMirror(Builder b) {
        this.topic = b.topic;
        this.epochCheckInterval = b.epochCheckInterval;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxPendingSessions = b.maxPendingSessions;
        this.backoff = b.minBackoff;
        this.clock = b.clock;
        this.rebuildRequested = new AtomicBoolean(b.rebuildOnStart);
        RedisURI uri = RedisURI.create(b.redisUrl);
        this.redisAddress = uri.getHost() + ":" + uri.getPort(); // never log the URL: it may hold a password

        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.putAll(b.consumerOverrides);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.redis = new RedisSessionWriter(b.redisUrl, b.redisTimeout);
        this.thread = new Thread(this::run, "kato-redis-mirror-" + b.groupId);
        this.thread.setDaemon(true); // unwritten states stay in Kafka (uncommitted): nothing to save at exit
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the mirror thread; returns at once. Idempotent. */
    public synchronized RedisSessionMirror start() {
        if (!started) {
            started = true;
            running = true;
            thread.start();
        }
        return this;
    }

    /**
     * Asks for a full rewrite of Redis from the topic: sets a new epoch (as soon as Redis is
     * reachable), so every mirror on this Redis rewinds its partitions. Returns at once.
     */
    public void rebuild() {
        rebuildRequested.set(true);
    }

    /** The latest snapshot (see {@link MirrorStatus}). */
    public MirrorStatus status() {
        synchronized (statusMonitor) {
            return status;
        }
    }

    /**
     * Waits until {@code condition} holds, testing it now and again after every status the mirror
     * publishes: after each pass of its loop, so after every batch written to Redis and at least
     * once per {@code epochCheckInterval} while it runs. The condition may look at the status or
     * at Redis itself (Redis changes only within a pass, before that pass's status).
     *
     * @return the status for which the condition held, or empty if it did not within {@code timeout}
     */
    public Optional<MirrorStatus> awaitStatus(Predicate<MirrorStatus> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MirrorStatus current;
            long seen;
            synchronized (statusMonitor) {
                current = status;
                seen = statusVersion;
            }
            if (condition.test(current)) {
                return Optional.of(current);
            }
            synchronized (statusMonitor) {
                while (statusVersion == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Optional.empty();
                    }
                    TimeUnit.NANOSECONDS.timedWait(statusMonitor, left);
                }
            }
        }
    }

    /**
     * Stops the thread after one last attempt to write and commit what it read, then closes the
     * consumer (leaving the group) and the Redis client. Waits for the thread to end.
     */
    @Override
    public void close() {
        boolean wasStarted;
        synchronized (this) {
            wasStarted = started;
            started = true; // a later start() does nothing
            running = false;
        }
        if (!wasStarted) {
            consumer.close();
            redis.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the mirror thread

    private void run() {
        log.info("Redis mirror of {} started (Redis {})", topic, redisAddress);
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                try {
                    poll();
                    if (!retrying || now() >= retryAt) {
                        syncRedis();
                    }
                    pauseWhileFull();
                } catch (WakeupException e) {
                    // close() woke the consumer; the loop condition sees it
                } catch (RuntimeException e) {
                    // A Kafka failure or a bug (Redis failures are handled in syncRedis). The
                    // mirror must outlive it: count it, wait, go on.
                    failed("mirror loop", e);
                    pauseQuietly(backoff);
                }
                publishStatus();
            }
            lastFlush();
        } catch (RuntimeException e) {
            failed("mirror thread", e); // unreachable in practice; keeps the status honest
        } finally {
            try {
                consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                log.warn("closing the Redis mirror's consumer failed: {}", e.toString());
            }
            redis.close();
            running = false;
            publishStatus();
            log.info("Redis mirror of {} stopped", topic);
        }
    }

    /** Waits for records (at most until the next retry or epoch check) and takes them in. */
    private void poll() {
        long wait = epochCheckInterval.toMillis();
        if (retrying) {
            wait = Math.max(0, Math.min(wait, retryAt - now()));
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(wait))) {
            take(record);
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Progress p = progress.computeIfAbsent(tp, k -> new Progress());
        p.read = record.offset() + 1;
        String where = tp + "@" + record.offset();
        if (record.key() == null) {
            failed("record without a key at " + where + " skipped", null);
            return;
        }
        SessionState state = null;
        if (record.value() != null) {
            try {
                state = decoder.deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                // Skipped, not retried: an undecodable record would otherwise stop the mirror forever.
                failed("undecodable record of session " + record.key() + " at " + where + " skipped", e);
                return;
            }
        }
        p.unapplied++;
        pending.put(record.key(), new Change(tp, state));
    }

    /**
     * One pass against Redis: check the epoch (when due, after a failure, or when a rebuild was
     * asked for), rewind partitions written under another epoch, write what is pending, commit.
     */
    private void syncRedis() {
        try {
            if (epoch == null || retrying || rebuildRequested.get() || now() >= nextEpochCheckAt) {
                checkEpoch();
            }
            rewindStalePartitions();
            if (!pending.isEmpty()) {
                write();
            }
            allReadIsInRedis();
            recovered();
        } catch (RedisException e) {
            redisFailed(e);
        }
        commit();
    }

    private void checkEpoch() {
        boolean rebuild = rebuildRequested.get();
        String current = rebuild ? redis.replaceEpoch() : redis.currentEpoch();
        if (rebuild) {
            rebuildRequested.set(false); // a request made meanwhile is served by the epoch just set
            log.info("Redis mirror: rebuild requested, new epoch {}", current);
        } else if (epoch != null && !epoch.equals(current)) {
            log.info("Redis mirror: epoch changed from {} to {} (Redis lost its data or another mirror asked "
                    + "for a rebuild)", epoch, current);
        }
        epoch = current;
        nextEpochCheckAt = now() + epochCheckInterval.toMillis();
    }

    /**
     * Partitions whose Redis copy belongs to another epoch (or to an unknown one) are reread
     * from the beginning. A partition this group never committed is read from the earliest
     * offset anyway (auto.offset.reset), so it just adopts the epoch.
     */
    private void rewindStalePartitions() {
        if (epoch == null) {
            return;
        }
        List<TopicPartition> stale = new ArrayList<>();
        progress.forEach((tp, p) -> {
            if (epoch.equals(p.epoch)) {
                return;
            }
            if (p.epoch == null && p.neverCommitted) {
                p.epoch = epoch;
            } else {
                stale.add(tp);
            }
        });
        if (stale.isEmpty()) {
            return;
        }
        consumer.seekToBeginning(stale);
        for (TopicPartition tp : stale) {
            Progress fresh = new Progress();
            fresh.epoch = epoch;
            progress.put(tp, fresh);
        }
        // What was read from those partitions is read again.
        pending.values().removeIf(change -> stale.contains(change.partition()));
        rebuilds++;
        log.info("Redis mirror: rewriting {} partition(s) of {} from the beginning (epoch {})", stale.size(), topic, epoch);
    }

    /**
     * Writes everything pending, in batches, so that after an outage thousands of waiting
     * sessions do not go out as one pipeline racing the command timeout; each batch leaves
     * {@link #pending} as soon as Redis has it.
     */
    private void write() {
        while (!pending.isEmpty()) {
            Map<String, SessionState> batch = new LinkedHashMap<>();
            for (Map.Entry<String, Change> e : pending.entrySet()) {
                if (batch.size() == WRITE_BATCH) {
                    break;
                }
                batch.put(e.getKey(), e.getValue().state());
            }
            RedisSessionWriter.Applied applied = redis.apply(batch, clock.millis());
            sessionsWritten += applied.written();
            sessionsDeleted += applied.deleted();
            pending.keySet().removeAll(batch.keySet());
        }
    }

    /** Called with nothing pending: every record read so far is in Redis (or was skipped). */
    private void allReadIsInRedis() {
        for (Progress p : progress.values()) {
            p.inRedis = Math.max(p.inRedis, p.read);
            recordsApplied += p.unapplied;
            p.unapplied = 0;
        }
    }

    /**
     * Commits, for each partition, the offset up to which Redis has everything, tagged with the
     * epoch. A failed commit is retried on the next pass; meanwhile a rebalance may hand the
     * records to another reader, which rewrites the same states.
     */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        progress.forEach((tp, p) -> {
            if (p.inRedis > p.committed) {
                offsets.put(tp, new OffsetAndMetadata(p.inRedis, p.epoch));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((tp, o) -> progress.get(tp).committed = o.offset());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            failed("committing offsets", e);
        }
    }

    private void redisFailed(RedisException e) {
        if (redisReachable || !retrying) {
            log.warn("Redis mirror: Redis {} failed ({}); retrying with backoff", redisAddress, e.toString());
        }
        failed("Redis", e);
        redisReachable = false;
        if (!retrying) {
            retrying = true;
            backoff = minBackoff;
        } else {
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
        retryAt = now() + backoff.toMillis();
    }

    private void recovered() {
        if (retrying) {
            retrying = false;
            log.info("Redis mirror: Redis {} reachable again", redisAddress);
        }
        redisReachable = true;
        backoff = minBackoff;
    }

    private void failed(String what, Exception e) {
        errors++;
        lastError = e == null ? what : what + ": " + e;
        if (!(e instanceof RedisException)) {
            log.warn("Redis mirror: {}", lastError);
        }
    }

    /**
     * While Redis fails, records keep coming in and only the latest state per session is kept;
     * once {@link #maxPendingSessions} sessions wait, reading stops (the partitions are paused,
     * the group membership stays) until Redis has taken them.
     */
    private void pauseWhileFull() {
        boolean full = pending.size() >= maxPendingSessions;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            log.info("Redis mirror: {} sessions wait for Redis; pausing {}", pending.size(), topic);
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
            log.info("Redis mirror: resuming {}", topic);
        }
    }

    /** On close: one attempt to write and commit what was read (no retries). */
    private void lastFlush() {
        if (retrying) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                syncRedis();
                return;
            } catch (WakeupException e) {
                // the wakeup of close() was still armed; it fires once, so try again
            }
        }
    }

    private void publishStatus() {
        Map<Integer, Long> applied = new TreeMap<>();
        long lag = 0;
        for (Map.Entry<TopicPartition, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            if (p.inRedis >= 0) {
                applied.put(e.getKey().partition(), p.inRedis);
            }
            OptionalLong unread = currentLag(e.getKey());
            lag = lag < 0 || unread.isEmpty() ? -1 : lag + unread.getAsLong() + p.unapplied;
        }
        MirrorStatus next = new MirrorStatus(running, redisReachable, paused, epoch, recordsApplied, sessionsWritten,
                sessionsDeleted, errors, lastError, pending.size(), rebuilds, Collections.unmodifiableMap(applied), lag);
        synchronized (statusMonitor) {
            status = next;
            statusVersion++;
            statusMonitor.notifyAll();
        }
    }

    private OptionalLong currentLag(TopicPartition tp) {
        try {
            return consumer.currentLag(tp);
        } catch (RuntimeException notAssigned) {
            return OptionalLong.empty();
        }
    }

    /** Monotonic milliseconds, for scheduling retries and checks ({@link #clock} only judges expiry). */
    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private static void pauseQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps {@link #progress} in step with the assignment; runs inside poll, on the mirror thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
                for (TopicPartition tp : partitions) {
                    progress.put(tp, Progress.fromCommit(committed.get(tp)));
                }
            } catch (RuntimeException e) {
                // Epoch unknown: the partitions get rewound and rewritten, which is always correct.
                failed("reading committed offsets", e);
                partitions.forEach(tp -> progress.put(tp, new Progress()));
            }
            if (paused) {
                consumer.pause(partitions); // new partitions are not paused by Kafka
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Last chance to commit these partitions' progress; what stays unwritten is dropped
            // and reread by the next owner from the committed offset.
            try {
                if (!retrying && !pending.isEmpty()) {
                    try {
                        write();
                        allReadIsInRedis();
                    } catch (RedisException e) {
                        redisFailed(e);
                    }
                }
                commit();
            } finally {
                forget(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(progress::remove);
            pending.values().removeIf(change -> partitions.contains(change.partition()));
        }
    }

    /** Settings of a mirror; every one but the addresses has a default. */
    public static final class Builder {
        private String bootstrapServers;
        private String redisUrl;
        private String topic = KatoTopics.SESSIONS;
        private String groupId = "kato-streams-redis-mirror";
        private final Map<String, Object> consumerOverrides = new HashMap<>();
        private Duration redisTimeout = Duration.ofSeconds(2);
        private Duration epochCheckInterval = Duration.ofSeconds(1);
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private int maxPendingSessions = 10_000;
        private boolean rebuildOnStart;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Kafka bootstrap servers (required). */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** {@code REDIS_URL}, e.g. {@code redis://redis:6379} (required). */
        public Builder redisUrl(String redisUrl) {
            this.redisUrl = Objects.requireNonNull(redisUrl, "redisUrl");
            return this;
        }

        /** The sessions topic; default {@code kato.sessions} (use the configured topic prefix). */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Sets the group id to {@code <applicationId>-redis-mirror}. */
        public Builder applicationId(String applicationId) {
            return groupId(Objects.requireNonNull(applicationId, "applicationId") + "-redis-mirror");
        }

        /** The consumer group id; default {@code kato-streams-redis-mirror}. */
        public Builder groupId(String groupId) {
            this.groupId = Objects.requireNonNull(groupId, "groupId");
            return this;
        }

        /** Any consumer setting, applied over the mirror's own (auto commit must stay off). */
        public Builder consumerConfig(String key, Object value) {
            consumerOverrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Connect and command timeout of Redis operations; default 2 s. */
        public Builder redisTimeout(Duration timeout) {
            this.redisTimeout = positive(timeout, "redisTimeout");
            return this;
        }

        /**
         * How often the epoch marker is read while all is well, i.e. how soon an emptied Redis
         * is noticed; also the longest poll. Default 1 s.
         */
        public Builder epochCheckInterval(Duration interval) {
            this.epochCheckInterval = positive(interval, "epochCheckInterval");
            return this;
        }

        /** Retry delays after a Redis failure: {@code min}, doubling up to {@code max}. Default 100 ms .. 5 s. */
        public Builder retryBackoff(Duration min, Duration max) {
            positive(min, "min");
            positive(max, "max");
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("retry backoff max " + max + " is below min " + min);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How many sessions' unwritten states the mirror holds while Redis fails before it stops
         * reading (the latest state per session, so this bounds memory, not records). Default 10 000.
         */
        public Builder maxPendingSessions(int maxPendingSessions) {
            if (maxPendingSessions < 1) {
                throw new IllegalArgumentException("maxPendingSessions must be at least 1, was " + maxPendingSessions);
            }
            this.maxPendingSessions = maxPendingSessions;
            return this;
        }

        /** Rewrites Redis from the beginning of the topic at start (as {@link RedisSessionMirror#rebuild()}). */
        public Builder rebuildOnStart(boolean rebuildOnStart) {
            this.rebuildOnStart = rebuildOnStart;
            return this;
        }

        /** The clock that decides whether a session has expired; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** A mirror, not started yet. */
        public RedisSessionMirror build() {
            if (bootstrapServers == null || redisUrl == null) {
                throw new IllegalStateException("bootstrapServers and redisUrl are required");
            }
            if (Boolean.TRUE.equals(consumerOverrides.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))
                    || "true".equals(consumerOverrides.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))) {
                throw new IllegalArgumentException("the mirror commits offsets itself, after Redis has the records; "
                        + "enable.auto.commit must stay false");
            }
            return new RedisSessionMirror(this);
        }

        /** {@link #build()} and {@link RedisSessionMirror#start()}. */
        public RedisSessionMirror start() {
            return build().start();
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
