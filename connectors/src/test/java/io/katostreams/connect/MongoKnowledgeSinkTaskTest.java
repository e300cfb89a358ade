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

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MongoKnowledgeSinkTask} against a real MongoDB wire server (mongo-java-server, in-memory
 * backend): the documents of spec 05 section 2, idempotent replays, tombstones, NodeCleared and
 * dead letters.
 */
class MongoKnowledgeSinkTaskTest {

    static final String ALICE = "alice_kato";
    static final String BOB = "bob_kato";
    static final String P1 = "e9e43f2309079f2843665ab773996d99489306d6";
    static final String P2 = hex40('b');

    /** Canonical extended JSON: shows int32/int64/double/date, so a type difference fails the test. */
    static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private MongoServer server;
    private String uri;
    private MongoClient reader;
    private final List<MongoKnowledgeSinkTask> tasks = new ArrayList<>();
    private Knowledge.RecordingReporter reporter;

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        uri = "mongodb://127.0.0.1:" + address.getPort();
        reader = MongoClients.create(uri);
        reporter = new Knowledge.RecordingReporter();
    }

    @AfterEach
    void stopServer() {
        tasks.forEach(MongoKnowledgeSinkTask::stop);
        reader.close();
        server.shutdownNow();
    }

    static Map<String, String> props(String uri) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "test-mongo-sink");
        p.put(MongoKnowledgeSinkConfig.CONNECTION_URI, uri);
        p.put(MongoKnowledgeSinkConfig.TIMEOUT_MS, "1000");
        p.put(MongoKnowledgeSinkConfig.RETRY_BACKOFF_MS, "250");
        p.put("errors.tolerance", "all");
        return p;
    }

    MongoKnowledgeSinkTask startTask(Map<String, String> props, TestSinkTaskContext context) {
        MongoKnowledgeSinkTask task = new MongoKnowledgeSinkTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    MongoKnowledgeSinkTask startTask() {
        return startTask(props(uri), new TestSinkTaskContext(reporter));
    }

    /** The documents of one collection without {@code _id}, in canonical extended JSON, ordered by name. */
    List<String> docs(String db, String collection) {
        List<String> out = new ArrayList<>();
        for (BsonDocument d : reader.getDatabase(db).getCollection(collection, BsonDocument.class).find()
                .sort(new Document("name", 1))) {
            d.remove("_id");
            out.add(d.toJson(CANONICAL));
        }
        return out;
    }

    static String canonical(String json) {
        return BsonDocument.parse(json).toJson(CANONICAL);
    }

    /** Every document of every node database, with {@code _id}: equal snapshots mean identical databases. */
    Map<String, List<String>> snapshot() {
        Map<String, List<String>> all = new TreeMap<>();
        for (String db : reader.listDatabaseNames()) {
            if (List.of("admin", "local", "config").contains(db)) {
                continue;
            }
            MongoDatabase database = reader.getDatabase(db);
            for (String collection : database.listCollectionNames()) {
                List<String> docs = new ArrayList<>();
                database.getCollection(collection, BsonDocument.class).find().sort(new Document("_id", 1))
                        .forEach(d -> docs.add(d.toJson(CANONICAL)));
                all.put(db + "." + collection, docs);
            }
        }
        return all;
    }

    static Map<String, List<String>> metadata(String... keyValues) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.computeIfAbsent(keyValues[i], k -> new ArrayList<>()).add(keyValues[i + 1]);
        }
        return m;
    }

    /** A learn of spec 05 section 2.3's example (step 4 of 03 section 12.9) and its symbols and totals. */
    static List<KnowledgeRecord> aliceLearn() {
        return List.of(
                pattern(ALICE, P1, List.of(List.of("a", "b"), List.of("c")), 2, "[{\"joy\": 0.75}, {\"joy\": 0.25}]",
                        metadata("book", "Alice", "book", "Through the Looking-Glass", "page", "2", "chapter", "1")),
                pattern(ALICE, P2, List.of(List.of("c")), 1, "{}", Map.of()),
                symbol(ALICE, "a", 4, 3, Map.of("joy", 1.0)),
                symbol(ALICE, "c", 1, 1, null),
                totals(ALICE, 3, 9, 8));
    }

    @Test
    void itemsBecomeTheDocumentsOfSpec05() {
        MongoKnowledgeSinkTask task = startTask();
        task.put(sinks(aliceLearn().toArray(KnowledgeRecord[]::new)));

        assertEquals(List.of(
                canonical("{\"name\": \"" + P2 + "\", \"pattern_data\": [[\"c\"]], \"length\": 1, \"frequency\": 1,"
                        + " \"emotives\": {}, \"metadata\": {},"
                        + " \"created_at\": {\"$date\": \"2025-01-01T12:00:00.123Z\"}, \"updated_at\": {\"$date\": \"2025-01-01T12:05:00.456Z\"}}"),
                canonical("{\"name\": \"" + P1 + "\", \"pattern_data\": [[\"a\", \"b\"], [\"c\"]], \"length\": 3, \"frequency\": 2,"
                        + " \"emotives\": [{\"joy\": 0.75}, {\"joy\": 0.25}],"
                        + " \"metadata\": {\"book\": [\"Alice\", \"Through the Looking-Glass\"], \"page\": [\"2\"], \"chapter\": [\"1\"]},"
                        + " \"created_at\": {\"$date\": \"2025-01-01T12:00:00.123Z\"}, \"updated_at\": {\"$date\": \"2025-01-01T12:05:00.456Z\"}}")),
                docs(ALICE, "patterns_kb"));
        assertEquals(List.of(
                        canonical("{\"name\": \"a\", \"frequency\": 4, \"pattern_member_frequency\": 3, \"emotives\": {\"joy\": 1.0}}"),
                        canonical("{\"name\": \"c\", \"frequency\": 1, \"pattern_member_frequency\": 1}")),
                docs(ALICE, "symbols_kb"));
        assertEquals(List.of(canonical("{\"class\": \"totals\", \"total_pattern_frequencies\": 3, \"total_symbol_frequencies\": 9,"
                + " \"total_symbols_in_patterns_frequencies\": 8}")), docs(ALICE, "metadata"));
        assertEquals(5, task.counters().written());
        assertTrue(reporter.reports.isEmpty());
    }

    @Test
    void integersTooLargeForInt32AreStoredAsInt64AndEmotivesAsDoubles() {
        startTask().put(sinks(
                pattern(ALICE, P1, List.of(List.of("a")), 3_000_000_000L, "[{\"joy\": 1}]", Map.of()),
                totals(ALICE, 3_000_000_000L, 1, 1)));

        BsonDocument p = reader.getDatabase(ALICE).getCollection("patterns_kb", BsonDocument.class).find().first();
        assertTrue(p.get("frequency").isInt64());
        assertTrue(p.get("length").isInt32());
        assertTrue(p.getArray("emotives").get(0).asDocument().get("joy").isDouble());
        BsonDocument t = reader.getDatabase(ALICE).getCollection("metadata", BsonDocument.class).find().first();
        assertTrue(t.get("total_pattern_frequencies").isInt64());
        assertTrue(t.get("total_symbol_frequencies").isInt32());
    }

    @Test
    void firstWriteToANodeCreatesTheUniqueIndexesAndZeroTotals() {
        startTask().put(sinks(symbol(ALICE, "a", 1, 1, null)));

        for (String collection : List.of("patterns_kb", "symbols_kb")) {
            Document nameIndex = null;
            for (Document index : reader.getDatabase(ALICE).getCollection(collection).listIndexes()) {
                if ("name_1".equals(index.getString("name"))) {
                    nameIndex = index;
                }
            }
            assertTrue(nameIndex != null && Boolean.TRUE.equals(nameIndex.getBoolean("unique")), collection + " has unique name_1");
        }
        assertEquals(List.of(canonical("{\"class\": \"totals\", \"total_pattern_frequencies\": 0, \"total_symbol_frequencies\": 0,"
                + " \"total_symbols_in_patterns_frequencies\": 0}")), docs(ALICE, "metadata"));
    }

    @Test
    void replayingTheSameRecordsLeavesTheDatabaseIdentical() {
        List<KnowledgeRecord> learn = new ArrayList<>(aliceLearn());
        learn.add(symbol(BOB, "x", 1, 1, null));
        learn.add(totals(BOB, 1, 1, 1));
        MongoKnowledgeSinkTask task = startTask();
        task.put(sinks(learn.toArray(KnowledgeRecord[]::new)));
        Map<String, List<String>> first = snapshot();

        task.put(sinks(learn.toArray(KnowledgeRecord[]::new)));
        assertEquals(first, snapshot(), "same task, same records");

        // A restarted task (new client, nothing cached) replaying the topic from the start.
        task.stop();
        tasks.remove(task);
        startTask().put(sinks(learn.toArray(KnowledgeRecord[]::new)));
        assertEquals(first, snapshot(), "new task, same records");
    }

    @Test
    void aLaterStateReplacesTheDocumentAndKeepsItsId() {
        MongoKnowledgeSinkTask task = startTask();
        task.put(sinks(pattern(ALICE, P1, List.of(List.of("a")), 1, "{}", Map.of())));
        Object id = reader.getDatabase(ALICE).getCollection("patterns_kb").find().first().get("_id");

        task.put(sinks(pattern(ALICE, P1, List.of(List.of("a")), 2, "[{\"joy\": 0.5}]", metadata("k", "v"))));

        List<Document> all = reader.getDatabase(ALICE).getCollection("patterns_kb").find().into(new ArrayList<>());
        assertEquals(1, all.size());
        assertEquals(id, all.get(0).get("_id"));
        assertEquals(2, all.get(0).getInteger("frequency"));
        assertEquals(List.of(new Document("joy", 0.5)), all.get(0).getList("emotives", Document.class));
    }

    @Test
    void tombstonesDeleteTheirDocumentAndResetTheTotals() {
        MongoKnowledgeSinkTask task = startTask();
        task.put(sinks(aliceLearn().toArray(KnowledgeRecord[]::new)));

        task.put(List.of(
                tombstone(KnowledgeKeys.pattern(ALICE, P1)),
                tombstone(KnowledgeKeys.symbol(ALICE, "a")),
                tombstone(KnowledgeKeys.totals(ALICE)),
                tombstone(KnowledgeKeys.symbol(ALICE, "never-stored")),
                tombstone(KnowledgeKeys.pattern("nobody_kato", P1))));

        assertEquals(1, docs(ALICE, "patterns_kb").size());
        assertTrue(docs(ALICE, "patterns_kb").get(0).contains(P2));
        assertEquals(List.of(canonical("{\"name\": \"c\", \"frequency\": 1, \"pattern_member_frequency\": 1}")), docs(ALICE, "symbols_kb"));
        assertEquals(List.of(canonical("{\"class\": \"totals\", \"total_pattern_frequencies\": 0, \"total_symbol_frequencies\": 0,"
                + " \"total_symbols_in_patterns_frequencies\": 0}")), docs(ALICE, "metadata"));
        // A tombstone alone prepares nothing: no totals document for an unknown node. (Real MongoDB
        // creates no database for a delete; mongo-java-server lists an empty one.)
        assertEquals(List.of(), docs("nobody_kato", "metadata"));
        assertEquals(List.of(), docs("nobody_kato", "patterns_kb"));
        assertEquals(5, task.counters().deleted());
    }

    @Test
    void nodeClearedDropsTheNodeDatabaseInRecordOrderAndRecreatesZeroTotals() {
        MongoKnowledgeSinkTask task = startTask();
        List<SinkRecord> batch = new ArrayList<>(sinks(aliceLearn().toArray(KnowledgeRecord[]::new)));
        batch.add(sink(symbol(BOB, "x", 1, 1, null)));
        batch.add(sink(cleared(ALICE)));
        // learned after the clear, in the same batch: must survive it
        batch.add(sink(pattern(ALICE, P2, List.of(List.of("z")), 1, "{}", Map.of())));
        task.put(batch);

        assertEquals(1, docs(ALICE, "patterns_kb").size());
        assertTrue(docs(ALICE, "patterns_kb").get(0).contains("\"z\""));
        assertEquals(List.of(), docs(ALICE, "symbols_kb"));
        assertEquals(List.of(canonical("{\"class\": \"totals\", \"total_pattern_frequencies\": 0, \"total_symbol_frequencies\": 0,"
                + " \"total_symbols_in_patterns_frequencies\": 0}")), docs(ALICE, "metadata"));
        assertEquals(1, docs(BOB, "symbols_kb").size(), "other nodes are untouched");
        assertEquals(1, task.counters().cleared());

        // clearing a node that has no database creates the empty one, as clear-all does in the reference
        task.put(sinks(cleared("carol_kato")));
        assertEquals(1, docs("carol_kato", "metadata").size());
    }

    @Test
    void vectorsAreNotWrittenToMongo() {
        MongoKnowledgeSinkTask task = startTask();
        task.put(List.of(
                sink(vector(ALICE, "VCTR|" + hex40('1'), List.of(1.0, 2.0), List.of(P1))),
                tombstone(KnowledgeKeys.vector(ALICE, "VCTR|" + hex40('1')))));

        assertFalse(reader.listDatabaseNames().into(new ArrayList<>()).contains(ALICE));
        assertEquals(2, task.counters().skipped());
    }

    @Test
    void badRecordsGoToTheErrantRecordReporterAndTheRestIsWritten() {
        MongoKnowledgeSinkTask task = startTask();
        KnowledgeRecord good = symbol(ALICE, "a", 1, 1, null);
        byte[] goodBytes = Knowledge.bytes(good);
        SinkRecord garbage = Knowledge.raw(KnowledgeKeys.symbol(ALICE, "g"), "not avro".getBytes());
        SinkRecord truncated = Knowledge.raw(KnowledgeKeys.symbol(ALICE, "a"), java.util.Arrays.copyOf(goodBytes, 12));
        SinkRecord wrongKey = Knowledge.raw(KnowledgeKeys.symbol(ALICE, "b"), goodBytes);
        SinkRecord noKey = Knowledge.raw(null, goodBytes);
        SinkRecord badKey = Knowledge.raw("alice_kato/unknown/x", null);
        SinkRecord badEmotives = sink(pattern(ALICE, P1, List.of(List.of("a")), 1, "[{\"joy\": \"high\"}]", Map.of()));
        SinkRecord badDatabase = sink(symbol("a.b_kato", "a", 1, 1, null));

        task.put(List.of(garbage, truncated, sink(good), wrongKey, noKey, badKey, badEmotives, badDatabase));

        assertEquals(List.of(garbage.kafkaOffset(), truncated.kafkaOffset(), wrongKey.kafkaOffset(), noKey.kafkaOffset(),
                badKey.kafkaOffset(), badEmotives.kafkaOffset(), badDatabase.kafkaOffset()), reporter.offsets());
        List<String> reasons = reporter.reasons();
        assertTrue(reasons.get(0).contains("does not start with C3 01"), reasons.get(0));
        assertTrue(reasons.get(2).contains("does not match its value"), reasons.get(2));
        assertTrue(reasons.get(3).contains("record key: missing"), reasons.get(3));
        assertTrue(reasons.get(4).contains("unknown kind"), reasons.get(4));
        assertTrue(reasons.get(5).contains("emotives_json[0].joy: must be a number"), reasons.get(5));
        assertTrue(reasons.get(6).contains("MongoDB forbids"), reasons.get(6));
        assertEquals(List.of(canonical("{\"name\": \"a\", \"frequency\": 1, \"pattern_member_frequency\": 1}")), docs(ALICE, "symbols_kb"));
        assertEquals(7, task.counters().deadLettered());
        assertEquals(1, task.counters().written());
    }

    @Test
    void withoutADeadLetterTopicABadRecordFailsTheTaskUnlessToleranceIsAll() {
        SinkRecord garbage = Knowledge.raw(KnowledgeKeys.symbol(ALICE, "g"), new byte[] {1, 2, 3});
        Map<String, String> strict = props(uri);
        strict.remove("errors.tolerance");
        MongoKnowledgeSinkTask failing = startTask(strict, new TestSinkTaskContext(null));
        assertThrows(DataException.class, () -> failing.put(List.of(garbage)));

        MongoKnowledgeSinkTask tolerant = startTask(props(uri), new TestSinkTaskContext(null));
        tolerant.put(List.of(garbage, sink(symbol(ALICE, "a", 1, 1, null))));
        assertEquals(1, tolerant.counters().deadLettered());
        assertEquals(1, docs(ALICE, "symbols_kb").size());
    }

    @Test
    void aValueThatIsNotBytesIsAConfigurationErrorNotADeadLetter() {
        MongoKnowledgeSinkTask task = startTask();
        ConnectException e = assertThrows(ConnectException.class,
                () -> task.put(List.of(Knowledge.raw(KnowledgeKeys.totals(ALICE), "{\"json\": true}"))));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
        assertTrue(reporter.reports.isEmpty());
    }
}
