package io.katostreams.embedded;

import static com.mongodb.client.model.Filters.eq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MongoStandInTest {

    @Test
    void servesTheOfficialDriverInMemory() {
        try (MongoStandIn mongo = MongoStandIn.inMemory().start()) {
            assertEquals("mongodb://127.0.0.1:" + mongo.port(), mongo.connectionString());
            withPatterns(mongo, patterns -> {
                patterns.insertOne(new Document("_id", "PTRN|a").append("frequency", 1));
                assertEquals(1, patterns.find(eq("_id", "PTRN|a")).first().getInteger("frequency"));

                // The sink's shape: upsert that creates, then increments.
                UpdateOptions upsert = new UpdateOptions().upsert(true);
                UpdateResult created = patterns.updateOne(eq("_id", "PTRN|b"), Updates.inc("frequency", 1), upsert);
                assertTrue(created.getUpsertedId() != null);
                patterns.updateOne(eq("_id", "PTRN|b"), Updates.inc("frequency", 1), upsert);
                assertEquals(2, patterns.find(eq("_id", "PTRN|b")).first().getInteger("frequency"));
                assertEquals(2, patterns.countDocuments());
            });

            mongo.stop();
            assertFalse(mongo.isRunning());
            mongo.start();
            withPatterns(mongo, patterns -> assertEquals(0, patterns.countDocuments(),
                    "the in-memory backend forgets everything on stop"));
        }
    }

    @Test
    void h2FileBackendKeepsDataAcrossACleanRestart(@TempDir Path dir) {
        int port;
        try (MongoStandIn mongo = MongoStandIn.h2File(dir).start()) {
            port = mongo.port();
            withPatterns(mongo, patterns -> {
                patterns.insertOne(new Document("_id", "PTRN|kept").append("frequency", 1));
                patterns.updateOne(eq("_id", "PTRN|kept"), Updates.inc("frequency", 2));
            });
            mongo.stop();
            assertTrue(Files.exists(dir.resolve(MongoStandIn.H2_FILE_NAME)));

            mongo.start();
            assertEquals(port, mongo.port(), "stop and start keep the port");
            withPatterns(mongo, patterns -> {
                assertEquals(3, patterns.find(eq("_id", "PTRN|kept")).first().getInteger("frequency"));
                assertNull(patterns.find(eq("_id", "PTRN|never")).first());
            });
        }
        // A new instance on the same directory sees the same data.
        try (MongoStandIn again = MongoStandIn.h2File(dir, port).start()) {
            withPatterns(again, patterns -> assertEquals(1, patterns.countDocuments()));
        }
    }

    @Test
    void refusesAPortThatIsTaken() {
        try (MongoStandIn first = MongoStandIn.inMemory().start();
             MongoStandIn second = MongoStandIn.inMemory(first.port())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
            assertFalse(second.isRunning());
            withPatterns(first, patterns -> assertEquals(0, patterns.countDocuments()));
        }
    }

    /**
     * Runs {@code body} on collection {@code patterns} of database {@code node_kato}, with the
     * write concern the design requires for MongoDB writes (majority, journaled).
     */
    private static void withPatterns(MongoStandIn mongo, Consumer<MongoCollection<Document>> body) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(20, TimeUnit.SECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            MongoCollection<Document> patterns = client.getDatabase("node_kato").getCollection("patterns");
            assertEquals(WriteConcern.MAJORITY.withJournal(true), patterns.getWriteConcern());
            body.accept(patterns);
        }
    }
}
