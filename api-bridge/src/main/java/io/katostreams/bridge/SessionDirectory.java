package io.katostreams.bridge;

import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which sessions exist, which node each belongs to and when it expires: the bridge's copy of the
 * compacted topic {@code kato.sessions} (key session_id, value SessionState, tombstone = gone).
 * Because every bridge instance reads the whole topic, any instance can serve any session, and the
 * bridge knows the node of a session, i.e. the key its commands must carry.
 *
 * <p>The topic is read from the beginning with {@code read_uncommitted} (safe for the same reason as
 * the replies: the topology is deterministic, see {@link KafkaGateway}). The topology is the
 * authority on a session's state; this copy only needs to be current enough to route, to answer the
 * session guard, and to count sessions:
 * <ul>
 *   <li>a session created through this bridge is added as soon as its create reply is 200, and every
 *       reply that found a session live refreshes its expiry ({@link #putLocal}), so a client's next
 *       request never races the topic (the topology publishes session states once per commit);</li>
 *   <li>on a miss, {@link #catchUp} waits (bounded) until this reader has read every partition up to
 *       the end offsets taken at the time of the call: everything the topology wrote before the
 *       request, e.g. a session created through another bridge, is then known.</li>
 * </ul>
 */
final class SessionDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDirectory.class);

    /**
     * What the bridge knows of one session. {@code createdAtMs} and {@code stmLength} come from the
     * topic only (-1 while only a reply has been seen); the console lists them.
     */
    record Entry(String nodeId, long expiresAtMs, long createdAtMs, int stmLength) {
        Entry(String nodeId, long expiresAtMs) {
            this(nodeId, expiresAtMs, -1, -1);
        }

        boolean liveAt(long nowMs) {
            return nowMs <= expiresAtMs; // live while now ≤ expires_at (spec 02 §3.3)
        }
    }

    private final BridgeConfig config;
    private final Clock clock;
    private final AvroSerde<SessionState> states = KatoSerdes.sessions();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> catchUpRequests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    /** Catch-up requests waiting for the reader to reach their end offsets. */
    private record Waiter(Map<TopicPartition, Long> endOffsets, List<CompletableFuture<Void>> futures) {
    }

    SessionDirectory(BridgeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(KafkaGateway.consumerProperties(config, config.bridgeId() + "-sessions"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "kato-bridge-sessions");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** True once the topic has been read up to the end offsets it had when reading started. */
    boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    boolean awaitLoaded(Duration max) throws InterruptedException {
        return loaded.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The entry of a session, whether live or not; null when unknown. */
    Entry get(String sessionId) {
        return sessions.get(sessionId);
    }

    /**
     * The entry of a session that is live now, catching up with the topic first when it is unknown or
     * looks expired (our copy of a slid expiry may lag). Null when, after catching up, it is still
     * unknown or expired.
     */
    Entry findLive(String sessionId, Duration maxWait) {
        long now = clock.millis();
        Entry e = sessions.get(sessionId);
        if (e != null && e.liveAt(now)) {
            return e;
        }
        catchUp(maxWait);
        e = sessions.get(sessionId);
        return e != null && e.liveAt(clock.millis()) ? e : null;
    }

    /** The entry of a session, live or not, catching up with the topic first when it is unknown. */
    Entry find(String sessionId, Duration maxWait) {
        Entry e = sessions.get(sessionId);
        if (e == null) {
            catchUp(maxWait);
            e = sessions.get(sessionId);
        }
        return e;
    }

    /**
     * What a reply of the topology (the authority) said of a session: it exists on {@code nodeId}
     * until {@code expiresAtMs} — after a create, or after any command that found it live (its
     * sliding expiry included). Keeps this bridge's own sessions current although kato.sessions
     * carries session states only once per topology commit.
     */
    void putLocal(String sessionId, String nodeId, long expiresAtMs) {
        sessions.merge(sessionId, new Entry(nodeId, expiresAtMs),
                (old, fresh) -> old.expiresAtMs() >= fresh.expiresAtMs() ? old
                        : new Entry(fresh.nodeId(), fresh.expiresAtMs(), old.createdAtMs(), old.stmLength()));
    }

    /** A session this bridge just deleted (its delete reply was 200); the tombstone follows on the topic. */
    void removeLocal(String sessionId) {
        sessions.remove(sessionId);
    }

    /** Number of sessions whose expiry has not passed. */
    int liveCount() {
        long now = clock.millis();
        int n = 0;
        for (Entry e : sessions.values()) {
            if (e.liveAt(now)) {
                n++;
            }
        }
        return n;
    }

    /** The sessions whose expiry has not passed, by session id (a snapshot, for the console). */
    Map<String, Entry> liveSessions() {
        long now = clock.millis();
        Map<String, Entry> live = new java.util.TreeMap<>();
        sessions.forEach((id, e) -> {
            if (e.liveAt(now)) {
                live.put(id, e);
            }
        });
        return live;
    }

    /** Number of entries, including sessions past their expiry whose tombstone has not been read yet. */
    int size() {
        return sessions.size();
    }

    /**
     * Waits until the reader has read every partition up to the end offsets taken now, at most
     * {@code maxWait}.
     *
     * @return true when caught up, false on timeout (the caller then answers from what it has)
     */
    boolean catchUp(Duration maxWait) {
        if (maxWait.isZero() || !running) {
            return false;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        catchUpRequests.add(f);
        consumer.wakeup(); // interrupt a poll in progress so the end offsets are taken now
        try {
            f.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    // ---- the reader thread ----------------------------------------------------------------------

    private void run() {
        List<Waiter> waiters = new ArrayList<>();
        // catch-up requests taken from the queue whose end offsets are not known yet
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        try {
            Set<TopicPartition> assigned = waitForTopicAndAssign();
            if (assigned == null) {
                return;
            }
            boolean initial = true;
            long nextRefresh = clock.millis() + 10_000;
            while (running) {
                // A wakeup (a new catch-up request, or close) can interrupt any consumer call below;
                // the loop then simply starts over, so nothing taken from the queue is lost.
                try {
                    if (initial) {
                        waiters.add(new Waiter(consumer.endOffsets(assigned, Duration.ofSeconds(30)), List.of()));
                        initial = false;
                    }
                    asked.addAll(drainRequests());
                    if (!asked.isEmpty()) {
                        waiters.add(new Waiter(consumer.endOffsets(assigned, Duration.ofSeconds(5)), List.copyOf(asked)));
                        asked.clear();
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        apply(r);
                    }
                    completeReached(waiters);
                    if (clock.millis() >= nextRefresh) {
                        assigned = TopicPartitions.refresh(consumer, config.sessionsTopic(), assigned);
                        nextRefresh = clock.millis() + 10_000;
                    }
                } catch (WakeupException e) {
                    // closing, or a catch-up request to take end offsets for
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warn("session directory: Kafka did not answer: {}", e.toString());
                    asked.forEach(f -> f.completeExceptionally(e));
                    asked.clear();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("session directory reader failed; unknown sessions will be answered 404", e);
        } finally {
            running = false;
            asked.forEach(f -> f.complete(null));
            drainRequests().forEach(f -> f.complete(null));
            waiters.forEach(w -> w.futures().forEach(f -> f.complete(null)));
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private List<CompletableFuture<Void>> drainRequests() {
        List<CompletableFuture<Void>> l = new ArrayList<>();
        for (CompletableFuture<Void> f; (f = catchUpRequests.poll()) != null; ) {
            l.add(f);
        }
        return l;
    }

    private void completeReached(List<Waiter> waiters) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            boolean reached = true;
            for (Map.Entry<TopicPartition, Long> e : w.endOffsets().entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    reached = false;
                    break;
                }
            }
            if (reached) {
                it.remove();
                w.futures().forEach(f -> f.complete(null));
                if (loaded.getCount() > 0) {
                    loaded.countDown();
                    LOG.info("session directory loaded: {} sessions", sessions.size());
                }
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        String sessionId = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            sessions.remove(sessionId);
            return;
        }
        try {
            SessionState s = states.decode(r.value());
            sessions.put(sessionId, new Entry(s.getNodeId(), s.getExpiresAt().toEpochMilli(),
                    s.getCreatedAt().toEpochMilli(), s.getStm().size()));
        } catch (RuntimeException e) {
            LOG.warn("undecodable session record {} at {}-{}: {}", sessionId, r.partition(), r.offset(), e.toString());
        }
    }

    private Set<TopicPartition> waitForTopicAndAssign() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(config.sessionsTopic(), Duration.ofSeconds(2));
                if (infos != null && !infos.isEmpty()) {
                    Set<TopicPartition> all = TopicPartitions.of(infos);
                    consumer.assign(all);
                    consumer.seekToBeginning(all);
                    return all;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("Kafka not reachable yet: {}", e.toString());
            } catch (WakeupException e) {
                continue; // a catch-up request before the topic exists: it waits (bounded) on its own
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }



    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(); // never started: the reader thread would have closed it
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
