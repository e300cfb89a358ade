package io.katostreams.connect;

import static io.katostreams.connect.Knowledge.hex40;
import static io.katostreams.connect.Knowledge.pattern;
import static io.katostreams.connect.Knowledge.sinks;
import static io.katostreams.connect.Knowledge.symbol;
import static io.katostreams.connect.Knowledge.totals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MongoDB goes away and comes back: put() fails with {@link RetriableException} (Connect pauses
 * and redelivers; nothing is dead-lettered), and the redelivered batch lands in full. The server
 * keeps its data in an H2 file so that what was written before the outage survives the restart.
 */
class MongoOutageTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableDatabaseStallsTheSinkAndTheRetriedBatchCatchesUp() throws Exception {
        String file = dir.resolve("mongo.mv").toString();
        MongoServer server = new MongoServer(new H2Backend(file));
        int port = server.bind().getPort();
        String uri = "mongodb://127.0.0.1:" + port;

        Knowledge.RecordingReporter reporter = new Knowledge.RecordingReporter();
        TestSinkTaskContext context = new TestSinkTaskContext(reporter);
        MongoKnowledgeSinkTask task = new MongoKnowledgeSinkTask();
        task.initialize(context);
        task.start(MongoKnowledgeSinkTaskTest.props(uri));
        try {
            task.put(sinks(symbol("alice_kato", "a", 1, 1, null), totals("alice_kato", 1, 1, 1)));

            server.shutdownNow();
            List<SinkRecord> during = sinks(
                    pattern("alice_kato", hex40('c'), List.of(List.of("a", "b")), 1, "{}", Map.of()),
                    symbol("alice_kato", "b", 1, 1, null),
                    totals("alice_kato", 2, 3, 2),
                    symbol("bob_kato", "x", 1, 1, null));
            RetriableException e = assertThrows(RetriableException.class, () -> task.put(during));
            assertTrue(e.getMessage().contains("MongoDB unavailable"), e.getMessage());
            assertEquals(250, context.timeoutMs, "asks Connect to back off kato.retry.backoff.ms");
            assertEquals(1, task.counters().retriableFailures());

            server = new MongoServer(new H2Backend(file));
            server.bind("127.0.0.1", port);
            int attempts = putUntilAccepted(task, during, Duration.ofSeconds(30));

            assertTrue(reporter.reports.isEmpty(), "an outage dead-letters nothing");
            assertTrue(attempts >= 1);
            try (MongoClient reader = MongoClients.create(uri)) {
                assertEquals(List.of("a", "b"), names(reader, "alice_kato", "symbols_kb"));
                assertEquals(List.of(hex40('c')), names(reader, "alice_kato", "patterns_kb"));
                assertEquals(List.of("x"), names(reader, "bob_kato", "symbols_kb"));
                Document t = reader.getDatabase("alice_kato").getCollection("metadata").find().first();
                assertEquals(2, t.getInteger("total_pattern_frequencies"));
            }
        } finally {
            task.stop();
            server.shutdownNow();
        }
    }

    /** What Connect does with a RetriableException: redeliver the same batch until put() returns. */
    static int putUntilAccepted(KnowledgeSinkTask task, List<SinkRecord> batch, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                task.put(batch);
                return attempts;
            } catch (RetriableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<String> names(MongoClient reader, String db, String collection) {
        List<String> out = new ArrayList<>();
        reader.getDatabase(db).getCollection(collection).find().sort(new Document("name", 1))
                .forEach(d -> out.add(d.getString("name")));
        return out;
    }
}
