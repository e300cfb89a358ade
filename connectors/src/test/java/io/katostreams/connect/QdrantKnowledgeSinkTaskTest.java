package io.katostreams.connect;

import static io.katostreams.connect.Knowledge.cleared;
import static io.katostreams.connect.Knowledge.hex40;
import static io.katostreams.connect.Knowledge.pattern;
import static io.katostreams.connect.Knowledge.sink;
import static io.katostreams.connect.Knowledge.sinks;
import static io.katostreams.connect.Knowledge.symbol;
import static io.katostreams.connect.Knowledge.tombstone;
import static io.katostreams.connect.Knowledge.totals;
import static io.katostreams.connect.Knowledge.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.KnowledgeKeys;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link QdrantKnowledgeSinkTask} with the real QdrantClient against an in-JVM gRPC Qdrant ({@link FakeQdrant}). */
class QdrantKnowledgeSinkTaskTest {

    static final String ALICE = "alice_kato";
    static final String BOB = "bob_kato";
    /** The vector symbol of [[1,2,3]] (spec 03 section 4) and its point id. */
    static final String V123 = "VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43";
    static final String V123_ID = "fe5de447-2f7e-4d5c-9cdd-19cadebfa06f";
    static final String V2 = "VCTR|" + hex40('2');
    static final String V3 = "VCTR|" + hex40('3');

    private FakeQdrant qdrant;
    private Knowledge.RecordingReporter reporter;
    private TestSinkTaskContext context;
    private final List<QdrantKnowledgeSinkTask> tasks = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        qdrant = new FakeQdrant().start();
        reporter = new Knowledge.RecordingReporter();
        context = new TestSinkTaskContext(reporter);
    }

    @AfterEach
    void stopServer() throws Exception {
        tasks.forEach(QdrantKnowledgeSinkTask::stop);
        qdrant.close();
    }

    QdrantKnowledgeSinkTask startTask() {
        return startTask(Map.of());
    }

    QdrantKnowledgeSinkTask startTask(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(extra);
        props.put("name", "test-qdrant-sink");
        props.put(QdrantKnowledgeSinkConfig.HOST, "127.0.0.1");
        props.put(QdrantKnowledgeSinkConfig.GRPC_PORT, Integer.toString(qdrant.port()));
        props.put(QdrantKnowledgeSinkConfig.TIMEOUT_MS, "2000");
        props.put(QdrantKnowledgeSinkConfig.RETRY_BACKOFF_MS, "100");
        props.put("errors.tolerance", "all");
        QdrantKnowledgeSinkTask task = new QdrantKnowledgeSinkTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    PointStruct point(String collection, String id) {
        return qdrant.collections.get(collection).points.get(id);
    }

    static List<String> strings(Value list) {
        return list.getListValue().getValuesList().stream().map(Value::getStringValue).toList();
    }

    /** Collection → id → (vector, payload), for comparing whole states. */
    Map<String, Map<String, String>> snapshot() {
        Map<String, Map<String, String>> all = new TreeMap<>();
        qdrant.collections.forEach((name, c) -> {
            Map<String, String> points = new TreeMap<>();
            c.points.forEach((id, p) -> points.put(id, FakeQdrant.floats(p) + " " + p.getPayloadMap()));
            all.put(name + " size=" + c.params.getSize() + " " + c.params.getDistance(), points);
        });
        return all;
    }

    @Test
    void vectorsBecomePointsInOneCollectionPerNode() {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(sinks(
                vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of(hex40('a'))),
                vector(ALICE, V2, List.of(0.5, 0.25, -1.0), List.of(hex40('a'), hex40('b'))),
                vector(BOB, V3, List.of(0.1, 0.2), List.of())));

        assertEquals(3, qdrant.collections.get("vectors_alice_kato").params.getSize());
        assertEquals(Distance.Cosine, qdrant.collections.get("vectors_alice_kato").params.getDistance());
        assertEquals(2, qdrant.collections.get("vectors_bob_kato").params.getSize());

        PointStruct p = point("vectors_alice_kato", V123_ID);
        assertEquals(List.of(1.0f, 2.0f, 3.0f), FakeQdrant.floats(p));
        assertEquals(V123, p.getPayloadMap().get("vector_name").getStringValue());
        assertEquals(List.of(hex40('a')), strings(p.getPayloadMap().get("patterns")));
        assertEquals(2, p.getPayloadCount());

        PointStruct p2 = point("vectors_alice_kato", "22222222-2222-2222-2222-222222222222");
        assertEquals(List.of(0.5f, 0.25f, -1.0f), FakeQdrant.floats(p2));
        assertEquals(List.of(hex40('a'), hex40('b')), strings(p2.getPayloadMap().get("patterns")));
        assertEquals(List.of(0.1f, 0.2f), FakeQdrant.floats(point("vectors_bob_kato", "33333333-3333-3333-3333-333333333333")));

        assertTrue(qdrant.calls.contains("upsert vectors_alice_kato 2"), "consecutive vectors of a node go in one request: " + qdrant.calls);
        assertEquals(3, task.counters().written());
    }

    @Test
    void patternsSymbolsAndTotalsAreSkipped() {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(sinks(
                pattern(ALICE, hex40('a'), List.of(List.of("a")), 1, "{}", Map.of()),
                symbol(ALICE, "a", 1, 1, null),
                totals(ALICE, 1, 1, 1)));

        assertTrue(qdrant.collections.isEmpty());
        assertTrue(qdrant.calls.isEmpty(), "no Qdrant call at all: " + qdrant.calls);
        assertEquals(3, task.counters().skipped());
    }

    @Test
    void replayingTheSameRecordsLeavesTheSamePoints() {
        List<SinkRecord> batch = sinks(
                vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of(hex40('a'))),
                vector(ALICE, V2, List.of(3.0, 2.0, 1.0), List.of(hex40('b'))));
        QdrantKnowledgeSinkTask task = startTask();
        task.put(batch);
        Map<String, Map<String, String>> first = snapshot();

        task.put(batch);
        assertEquals(first, snapshot());
        task.stop();
        tasks.remove(task);
        startTask().put(batch);
        assertEquals(first, snapshot());
    }

    @Test
    void aTombstoneDeletesThePoint() {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(sinks(
                vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of()),
                vector(ALICE, V2, List.of(1.0, 1.0, 1.0), List.of())));

        task.put(List.of(
                tombstone(KnowledgeKeys.vector(ALICE, V123)),
                tombstone(KnowledgeKeys.vector("nobody_kato", V123))));

        assertEquals(List.of("22222222-2222-2222-2222-222222222222"),
                new ArrayList<>(qdrant.collections.get("vectors_alice_kato").points.keySet()));
        assertFalse(qdrant.collections.containsKey("vectors_nobody_kato"), "a tombstone creates no collection");
        assertEquals(2, task.counters().deleted());
    }

    @Test
    void nodeClearedDeletesTheCollectionInRecordOrder() {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(List.of(
                sink(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of())),
                sink(vector(BOB, V3, List.of(1.0, 2.0), List.of())),
                sink(cleared(ALICE)),
                // after the clear the collection starts afresh, with the dimension of its new first vector
                sink(vector(ALICE, V2, List.of(1.0, 2.0, 3.0, 4.0), List.of()))));

        assertEquals(4, qdrant.collections.get("vectors_alice_kato").params.getSize());
        assertEquals(List.of("22222222-2222-2222-2222-222222222222"),
                new ArrayList<>(qdrant.collections.get("vectors_alice_kato").points.keySet()));
        assertEquals(1, qdrant.collections.get("vectors_bob_kato").points.size(), "other nodes are untouched");

        task.put(sinks(cleared(ALICE), cleared("nobody_kato")));
        assertFalse(qdrant.collections.containsKey("vectors_alice_kato"));
        assertEquals(3, task.counters().cleared());
    }

    @Test
    void vectorsQdrantCannotStoreAreDeadLettered() {
        QdrantKnowledgeSinkTask task = startTask();
        SinkRecord first = sink(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of()));
        SinkRecord wrongDimension = sink(vector(ALICE, V2, List.of(1.0, 2.0), List.of()));
        SinkRecord empty = sink(vector(BOB, V3, List.of(), List.of()));
        SinkRecord badName = sink(vector(ALICE, "VCTR|XYZ", List.of(1.0, 2.0, 3.0), List.of()));
        SinkRecord infinite = sink(vector(ALICE, V3, List.of(1.0, 1e300, 3.0), List.of()));
        SinkRecord garbage = Knowledge.raw(KnowledgeKeys.vector(ALICE, V3), new byte[] {(byte) 0xC3, 1, 0});

        task.put(List.of(first, wrongDimension, empty, badName, infinite, garbage));

        assertEquals(List.of(wrongDimension.kafkaOffset(), empty.kafkaOffset(), badName.kafkaOffset(), infinite.kafkaOffset(),
                garbage.kafkaOffset()), reporter.offsets().stream().sorted().toList());
        String reasons = String.join("\n", reporter.reasons());
        assertTrue(reasons.contains("2 dimensions, but vectors_alice_kato holds 3-dimensional vectors"), reasons);
        assertTrue(reasons.contains("empty"), reasons);
        assertTrue(reasons.contains("40 lowercase hex digits"), reasons);
        assertTrue(reasons.contains("not a finite 32-bit float"), reasons);
        assertTrue(reasons.contains("truncated"), reasons);
        assertEquals(1, qdrant.collections.get("vectors_alice_kato").points.size());
        assertFalse(qdrant.collections.containsKey("vectors_bob_kato"));
    }

    @Test
    void aPointTheServerRefusesIsFoundByWritingOneByOne() {
        QdrantKnowledgeSinkTask task = startTask();
        qdrant.refuse = p -> FakeQdrant.floats(p).get(0) < 0;

        SinkRecord fits = sink(vector(ALICE, V2, List.of(1.0, 2.0, 3.0), List.of()));
        SinkRecord refused = sink(vector(ALICE, V3, List.of(-1.0, 2.0, 3.0), List.of()));
        task.put(List.of(refused, fits));

        assertEquals(List.of(refused.kafkaOffset()), reporter.offsets());
        assertTrue(reporter.reasons().get(0).contains("refused by test rule"), reporter.reasons().get(0));
        assertEquals(List.of("22222222-2222-2222-2222-222222222222"),
                new ArrayList<>(qdrant.collections.get("vectors_alice_kato").points.keySet()));
        assertEquals(List.of("upsert vectors_alice_kato 2", "upsert vectors_alice_kato 1", "upsert vectors_alice_kato 1"),
                qdrant.calls.stream().filter(c -> c.startsWith("upsert")).toList());
    }

    @Test
    void theApiKeyIsSentAndAWrongOrMissingOneFailsTheTaskWithoutRetrying() {
        qdrant.apiKey = "qdrant-key-1";
        QdrantKnowledgeSinkTask task = startTask(Map.of(QdrantKnowledgeSinkConfig.API_KEY, "qdrant-key-1"));
        task.put(sinks(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of())));
        assertEquals(1, qdrant.collections.get("vectors_alice_kato").points.size());

        for (Map<String, String> wrong : List.of(Map.of(QdrantKnowledgeSinkConfig.API_KEY, "stale-key-2"),
                Map.<String, String>of())) {
            QdrantKnowledgeSinkTask refused = startTask(wrong);
            List<SinkRecord> records = sinks(vector(BOB, V3, List.of(1.0, 2.0), List.of()));
            org.apache.kafka.connect.errors.ConnectException e = assertThrows(
                    org.apache.kafka.connect.errors.ConnectException.class, () -> refused.put(records));
            assertFalse(e instanceof RetriableException, "a refused key is not retried: " + e);
            assertTrue(e.getMessage().contains("check qdrant.api.key"), e.getMessage());
            assertFalse(e.getMessage().contains("stale-key-2") || e.getMessage().contains("qdrant-key-1"), e.getMessage());
        }
        assertTrue(reporter.reports.isEmpty(), "nothing dead-lettered");
        assertFalse(qdrant.collections.containsKey("vectors_bob_kato"));
    }

    @Test
    void anUnreachableQdrantStallsTheSinkAndTheRetriedBatchCatchesUp() throws Exception {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(sinks(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of())));

        qdrant.stop();
        List<SinkRecord> during = sinks(
                vector(ALICE, V2, List.of(3.0, 2.0, 1.0), List.of()),
                vector(BOB, V3, List.of(1.0, 2.0), List.of()));
        RetriableException e = assertThrows(RetriableException.class, () -> task.put(during));
        assertTrue(e.getMessage().contains("Qdrant unavailable"), e.getMessage());
        assertEquals(100, context.timeoutMs);

        qdrant.restart();
        MongoOutageTest.putUntilAccepted(task, during, Duration.ofSeconds(30));

        assertTrue(reporter.reports.isEmpty(), "an outage dead-letters nothing");
        assertEquals(2, qdrant.collections.get("vectors_alice_kato").points.size());
        assertEquals(1, qdrant.collections.get("vectors_bob_kato").points.size());
        assertTrue(task.counters().retriableFailures() >= 1);
    }

    @Test
    void aCollectionDeletedOutsideTheSinkIsRecreatedOnRetry() throws Exception {
        QdrantKnowledgeSinkTask task = startTask();
        task.put(sinks(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of())));
        qdrant.collections.clear();

        List<SinkRecord> next = sinks(vector(ALICE, V2, List.of(3.0, 2.0, 1.0), List.of()));
        assertThrows(RetriableException.class, () -> task.put(next));
        task.put(next);

        assertEquals(1, qdrant.collections.get("vectors_alice_kato").points.size());
    }

    @Test
    void pointIdsAreTheFirst32HexDigitsOfTheSha1() {
        assertEquals(V123_ID, QdrantPoints.pointId(V123).toString());
        assertEquals("vectors_alice_kato", QdrantPoints.collection(ALICE));
        assertThrows(BadRecordException.class, () -> QdrantPoints.pointId("VCTR|" + "A".repeat(40)));
        assertThrows(BadRecordException.class, () -> QdrantPoints.pointId("PTRN|" + hex40('a')));
    }
}
