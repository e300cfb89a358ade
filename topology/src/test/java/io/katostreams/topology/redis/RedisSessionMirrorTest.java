package io.katostreams.topology.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.embedded.RedisServerProcess;
import io.katostreams.schemas.avro.SessionConfig;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.serde.KatoSerdes;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror against a real KRaft broker (one per class) and a real redis-server (one per test).
 * Each test has its own topic and consumer group. Every wait is on a condition with a deadline,
 * re-tested after each pass of the mirror's loop ({@link RedisSessionMirror#awaitStatus}).
 */
class RedisSessionMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;
    private static final long HOUR = 3_600_000;
    private static final Serializer<SessionState> SESSIONS = KatoSerdes.sessions().serializer();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static EmbeddedKafka kafka;
    private static Admin admin;
    private static KafkaProducer<String, byte[]> producer;

    private String topic;
    private String group;
    private RedisServerProcess server;
    private RedisClient client;
    private RedisCommands<String, String> redis;
    private final List<RedisSessionMirror> mirrors = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        admin = kafka.admin();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        admin.close();
        kafka.close();
    }

    @BeforeEach
    void freshTopicAndRedis() {
        int n = TOPICS.incrementAndGet();
        topic = "kato.sessions.mirror-test-" + n;
        group = "kato-test-" + n + "-redis-mirror";
        kafka.createTopic(topic, PARTITIONS, Map.of("cleanup.policy", "compact"));
        useRedis(new RedisServerProcess().start());
    }

    @AfterEach
    void stopAll() {
        mirrors.forEach(RedisSessionMirror::close);
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        server.close();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void writesHashStmAndEmotivesExpiringAtTheSessionsExpiry() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String id = newId();
        // ttl_seconds says an hour, expires_at two minutes: the keys follow expires_at.
        long expiresAt = System.currentTimeMillis() + 120_000;
        Map<String, Double> emotive = new LinkedHashMap<>();
        emotive.put("joy", 0.5);
        emotive.put("fear", 1.0);
        SessionState state = SessionState.newBuilder(session(id, expiresAt, 3))
                .setStm(List.of(List.of("a", "b"), List.of("c")))
                .setEmotivesAccumulator(List.of(emotive))
                .setMetadataJson("{\"client\":\"demo\"}")
                .setAccessCount(7)
                .setSessionConfig(SessionConfig.newBuilder().setMaxPatternLength(2L).setStmMode("ROLLING")
                        .setUpdatedAt(Instant.EPOCH).build())
                .build();
        send(id, state);

        MirrorStatus status = awaitUntil(mirror, "the session written",
                s -> s.sessionsWritten() == 1 && redis.exists(SessionRedisLayout.keys(id)) == 3);
        Map<String, String> hash = redis.hgetall(SessionRedisLayout.hashKey(id));
        assertEquals(SessionRedisLayout.hash(state), hash);
        assertEquals("node-1", hash.get("node_id"));
        assertEquals("3600", hash.get("ttl_seconds"));
        assertEquals("3", hash.get("time"));
        assertEquals("7", hash.get("access_count"));
        assertEquals("{\"max_pattern_length\":2,\"stm_mode\":\"ROLLING\"}", hash.get("config"));
        assertEquals("{\"client\":\"demo\"}", hash.get("metadata"));
        assertEquals("2025-01-01T12:00:00.123000+00:00", hash.get("created_at"));
        assertEquals("[[\"a\",\"b\"],[\"c\"]]", redis.get(SessionRedisLayout.stmKey(id)));
        assertEquals("[{\"joy\":0.5,\"fear\":1.0}]", redis.get(SessionRedisLayout.emotivesKey(id)));
        for (String key : SessionRedisLayout.keys(id)) {
            assertExpiresAt(key, expiresAt);
        }
        assertTrue(status.redisReachable(), status::toString);
        assertEquals(0, status.errors(), status::toString);
    }

    @Test
    void latestRecordOfASessionWinsAndMovesItsExpiry() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String id = newId();
        long later = System.currentTimeMillis() + 2 * HOUR;
        send(id, session(id, System.currentTimeMillis() + 60_000, 1));
        send(id, SessionState.newBuilder(session(id, later, 2)).setStm(List.of(List.of("x"))).build());

        awaitUntil(mirror, "time 2 in the hash", s -> "2".equals(redis.hget(SessionRedisLayout.hashKey(id), "time")));
        MirrorStatus status = awaitUntil(mirror, "every record applied", caughtUp(endOffsets()));
        assertEquals("[[\"x\"]]", redis.get(SessionRedisLayout.stmKey(id)));
        for (String key : SessionRedisLayout.keys(id)) {
            assertExpiresAt(key, later);
        }
        assertEquals(2, status.recordsApplied(), status::toString);
    }

    @Test
    void tombstoneDeletesTheSessionsKeys() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String gone = newId();
        String kept = newId();
        send(gone, live(gone, 1));
        send(kept, live(kept, 1));
        awaitUntil(mirror, "both sessions", s -> redis.exists(SessionRedisLayout.keys(gone)) == 3
                && redis.exists(SessionRedisLayout.keys(kept)) == 3);

        send(gone, null);
        awaitUntil(mirror, "the deleted session's keys gone",
                s -> s.sessionsDeleted() == 1 && redis.exists(SessionRedisLayout.keys(gone)) == 0);
        assertEquals(3, redis.exists(SessionRedisLayout.keys(kept)));
    }

    @Test
    void recordThatHasAlreadyExpiredDeletesTheKeys() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String id = newId();
        send(id, live(id, 1));
        awaitUntil(mirror, "the session", s -> redis.exists(SessionRedisLayout.keys(id)) == 3);

        // E.g. a late or replayed record: it must not bring the session back, not even briefly.
        send(id, session(id, System.currentTimeMillis() - 1_000, 2));
        awaitUntil(mirror, "the keys gone", s -> redis.exists(SessionRedisLayout.keys(id)) == 0);
        awaitUntil(mirror, "every record applied", caughtUp(endOffsets()));
        assertEquals(0, redis.exists(SessionRedisLayout.keys(id)));
    }

    @Test
    void keepsUpdatesWhileRedisIsDownAndCommitsOnlyWhatRedisHas(@TempDir Path redisData) throws Exception {
        // A Redis that keeps its data (append-only file) across the outage: no rebuild needed.
        server.close();
        useRedis(new RedisServerProcess().dataDir(redisData).start());
        RedisSessionMirror mirror = startMirror();
        String first = newId();
        send(first, live(first, 1));
        MirrorStatus before = awaitUntil(mirror, "the first session applied", caughtUp(endOffsets()));
        Map<Integer, Long> committedBefore = committedOffsets();
        assertEquals(endOffsets(), committedBefore);

        server.stop();
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = newId();
            during.add(id);
            send(id, live(id, 1));
        }
        send(first, live(first, 2));
        awaitUntil(mirror, "the mirror holding the 21 sessions Redis does not have",
                s -> !s.redisReachable() && s.pendingSessions() == 21);
        assertEquals(committedBefore, committedOffsets(), "offsets committed past records Redis does not have");

        server.start(); // same port, same data
        Map<Integer, Long> ends = endOffsets();
        MirrorStatus status = awaitUntil(mirror, "every record applied after the outage", caughtUp(ends));
        for (String id : during) {
            assertEquals(3, redis.exists(SessionRedisLayout.keys(id)), id);
        }
        assertEquals("2", redis.hget(SessionRedisLayout.hashKey(first), "time"));
        assertEquals(before.rebuilds(), status.rebuilds(), "Redis kept its data; nothing to rebuild: " + status);
        assertTrue(status.errors() > 0, status::toString);
        assertTrue(status.redisReachable(), status::toString);
        assertEquals(ends, committedOffsets());
    }

    @Test
    void redisBackEmptyAfterAnOutageGetsEverySession() throws Exception {
        // Few waiting sessions allowed, so the mirror also stops reading during the outage.
        RedisSessionMirror mirror = startMirror(b -> b.maxPendingSessions(3));
        String before = newId();
        send(before, live(before, 1));
        long rebuildsBefore = awaitUntil(mirror, "the first session applied", caughtUp(endOffsets())).rebuilds();

        server.stop();
        List<String> during = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = newId();
            during.add(id);
            send(id, live(id, 1));
        }
        awaitUntil(mirror, "the mirror pausing with Redis down", s -> !s.redisReachable() && s.paused());
        server.start(); // same port, no data: the session written before the outage is gone too

        Map<Integer, Long> ends = endOffsets();
        awaitUntil(mirror, "a rebuild that applied every record",
                s -> s.rebuilds() > rebuildsBefore && caughtUp(ends).test(s));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(before)));
        for (String id : during) {
            assertEquals(3, redis.exists(SessionRedisLayout.keys(id)), id);
        }
    }

    @Test
    void redisRestartedEmptyIsRebuiltWithTheLatestRecordPerSession() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String updated = newId();
        String deleted = newId();
        String expired = newId();
        String plain = newId();
        SessionState latest = SessionState.newBuilder(live(updated, 2)).setStm(List.of(List.of("new"))).build();
        send(updated, SessionState.newBuilder(live(updated, 1)).setStm(List.of(List.of("old"))).build());
        send(updated, latest);
        send(deleted, live(deleted, 1));
        send(deleted, null);
        send(expired, live(expired, 1));
        send(expired, session(expired, System.currentTimeMillis() - 1_000, 2));
        send(plain, live(plain, 1));
        Map<Integer, Long> ends = endOffsets();
        MirrorStatus before = awaitUntil(mirror, "every record applied", caughtUp(ends));

        server.restart(); // same port, empty
        MirrorStatus after = awaitUntil(mirror, "a rebuild that applied every record",
                s -> s.rebuilds() > before.rebuilds() && caughtUp(ends).test(s));

        assertEquals(SessionRedisLayout.hash(latest), redis.hgetall(SessionRedisLayout.hashKey(updated)));
        assertEquals("[[\"new\"]]", redis.get(SessionRedisLayout.stmKey(updated)));
        assertEquals(0, redis.exists(SessionRedisLayout.keys(deleted)));
        assertEquals(0, redis.exists(SessionRedisLayout.keys(expired)));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(plain)));
        assertNotEquals(before.epoch(), after.epoch(), "a new epoch for the new Redis");
        assertEquals(after.epoch(), redis.get(SessionRedisLayout.EPOCH_KEY));
    }

    @Test
    void rebuildOnRequestRestoresWhatWasRemovedBehindTheMirrorsBack() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String a = newId();
        String b = newId();
        send(a, live(a, 1));
        send(b, live(b, 1));
        Map<Integer, Long> ends = endOffsets();
        MirrorStatus before = awaitUntil(mirror, "every record applied", caughtUp(ends));

        redis.del(SessionRedisLayout.keys(a)); // the marker stays: nothing tells the mirror
        mirror.rebuild();
        MirrorStatus after = awaitUntil(mirror, "a rebuild that applied every record",
                s -> s.rebuilds() > before.rebuilds() && caughtUp(ends).test(s));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(a)));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(b)));
        assertNotEquals(before.epoch(), after.epoch());
    }

    @Test
    void restartedMirrorContinuesFromItsCommittedOffsets() throws Exception {
        RedisSessionMirror first = startMirror();
        String a = newId();
        send(a, live(a, 1));
        awaitUntil(first, "every record applied", caughtUp(endOffsets()));
        first.close();

        String b = newId();
        send(b, live(b, 1));
        RedisSessionMirror second = startMirror();
        MirrorStatus status = awaitUntil(second, "every record applied", caughtUp(endOffsets()));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(b)));
        assertEquals(0, status.rebuilds(), "same Redis, same epoch: no rewind: " + status);
        assertEquals(1, status.recordsApplied(), "only the new record is read: " + status);
    }

    @Test
    void undecodableRecordIsSkippedAndCounted() throws Exception {
        RedisSessionMirror mirror = startMirror();
        String bad = newId();
        String good = newId();
        producer.send(new ProducerRecord<>(topic, bad, "not avro".getBytes(StandardCharsets.UTF_8))).get();
        send(good, live(good, 1));
        MirrorStatus status = awaitUntil(mirror, "every record consumed", caughtUp(endOffsets()));
        assertEquals(3, redis.exists(SessionRedisLayout.keys(good)));
        assertEquals(0, redis.exists(SessionRedisLayout.keys(bad)));
        assertEquals(1, status.errors(), status::toString);
        assertTrue(status.lastError().contains(bad), status::toString);
    }

    // ------------------------------------------------------------------ helpers

    private void useRedis(RedisServerProcess started) {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        server = started;
        RedisURI uri = RedisURI.create(server.url());
        uri.setTimeout(Duration.ofSeconds(5));
        client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> connection = client.connect();
        redis = connection.sync(); // reconnects by itself after a server restart on the same port
    }

    private RedisSessionMirror startMirror() {
        return startMirror(b -> b);
    }

    private RedisSessionMirror startMirror(UnaryOperator<RedisSessionMirror.Builder> settings) {
        RedisSessionMirror.Builder builder = RedisSessionMirror.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .redisUrl(server.url())
                .topic(topic)
                .groupId(group)
                .epochCheckInterval(Duration.ofMillis(100))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
        RedisSessionMirror mirror = settings.apply(builder).start();
        mirrors.add(mirror);
        return mirror;
    }

    /**
     * Waits (deadline {@link #WAIT}) until {@code condition} holds after some pass of the mirror
     * and returns that pass's status. Facts about the status are asserted on this one, not on a
     * later {@code status()} call: Redis may show a pass's writes a moment before its status.
     */
    private static MirrorStatus awaitUntil(RedisSessionMirror mirror, String what, Predicate<MirrorStatus> condition)
            throws InterruptedException {
        Optional<MirrorStatus> held = mirror.awaitStatus(s -> {
            try {
                return condition.test(s);
            } catch (RuntimeException redisNotBackYet) {
                return false;
            }
        }, WAIT);
        assertTrue(held.isPresent(), () -> "no " + what + " within " + WAIT + "; mirror status: " + mirror.status());
        return held.get();
    }

    /** Every record before {@code ends} is in Redis (a partition without records counts as done). */
    private static Predicate<MirrorStatus> caughtUp(Map<Integer, Long> ends) {
        return s -> ends.entrySet().stream()
                .allMatch(e -> s.appliedOffsets().getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** The key's expiry is {@code expiresAt}, judged from its remaining PTTL and the clock around the call. */
    private void assertExpiresAt(String key, long expiresAt) {
        long before = System.currentTimeMillis();
        long pttl = redis.pttl(key);
        long after = System.currentTimeMillis();
        long slack = 2; // Redis and Java read the same clock but truncate to milliseconds separately
        assertTrue(pttl <= expiresAt - before + slack && pttl >= expiresAt - after - slack,
                () -> key + ": PTTL " + pttl + " does not end at " + expiresAt + " (read between " + before
                        + " and " + after + ")");
    }

    private void send(String sessionId, SessionState state) throws ExecutionException, InterruptedException {
        byte[] value = state == null ? null : SESSIONS.serialize(topic, state);
        producer.send(new ProducerRecord<>(topic, sessionId, value)).get();
    }

    private Map<Integer, Long> endOffsets() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    /** The group's committed offsets; a partition without a commit counts as 0. */
    private Map<Integer, Long> committedOffsets() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<Integer, Long> offsets = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            OffsetAndMetadata o = committed.get(new TopicPartition(topic, p));
            offsets.put(p, o == null ? 0L : o.offset());
        }
        return offsets;
    }

    private static String newId() {
        return "session-" + UUID.randomUUID().toString().replace("-", "") + "-" + System.currentTimeMillis();
    }

    /** A session live for another hour. */
    private static SessionState live(String id, long time) {
        return session(id, System.currentTimeMillis() + HOUR, time);
    }

    private static SessionState session(String id, long expiresAtMillis, long time) {
        return SessionState.newBuilder()
                .setSessionId(id)
                .setNodeId("node-1")
                .setCreatedAt(Instant.parse("2025-01-01T12:00:00.123Z"))
                .setLastAccessed(Instant.ofEpochMilli(expiresAtMillis - HOUR))
                .setExpiresAt(Instant.ofEpochMilli(expiresAtMillis))
                .setTtlSeconds(3600)
                .setStm(List.of(List.of("a")))
                .setTime(time)
                .setSessionConfig(SessionConfig.newBuilder().setUpdatedAt(Instant.EPOCH).build())
                .build();
    }
}
