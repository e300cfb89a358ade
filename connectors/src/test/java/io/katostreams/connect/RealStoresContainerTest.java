package io.katostreams.connect;

import static io.katostreams.connect.Knowledge.cleared;
import static io.katostreams.connect.Knowledge.hex40;
import static io.katostreams.connect.Knowledge.pattern;
import static io.katostreams.connect.Knowledge.sinks;
import static io.katostreams.connect.Knowledge.symbol;
import static io.katostreams.connect.Knowledge.totals;
import static io.katostreams.connect.Knowledge.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Sorts;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Both sinks against the real products: MongoDB 7 (a one-member replica set, so {@code w=majority,
 * j=true} means what it says) and Qdrant. Needs Docker; without it JUnit reports the class as
 * skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealStoresContainerTest {

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer(DockerImageName.parse("mongo:7")).withReplicaSet();

    @Container
    static final GenericContainer<?> QDRANT = new GenericContainer<>(DockerImageName.parse("qdrant/qdrant:v1.18.0"))
            .withExposedPorts(6334)
            .waitingFor(Wait.forLogMessage(".*gRPC listening.*", 1));

    static final String ALICE = "alice_kato";
    static final String V123 = "VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43";

    @Test
    void mongoSinkWritesTheDocumentsWithMajorityJournaledWrites() {
        Knowledge.RecordingReporter reporter = new Knowledge.RecordingReporter();
        MongoKnowledgeSinkTask task = new MongoKnowledgeSinkTask();
        task.initialize(new TestSinkTaskContext(reporter));
        Map<String, String> props = new HashMap<>();
        props.put(MongoKnowledgeSinkConfig.CONNECTION_URI, MONGO.getReplicaSetUrl());
        props.put("errors.tolerance", "all");
        task.start(props);
        try (MongoClient reader = MongoClients.create(MONGO.getReplicaSetUrl())) {
            task.put(sinks(
                    pattern(ALICE, hex40('a'), List.of(List.of("a", "b")), 1, "{}", Map.of()),
                    symbol(ALICE, "a", 1, 1, null),
                    symbol(ALICE, "b", 1, 1, Map.of("joy", 0.5)),
                    totals(ALICE, 1, 2, 2)));
            task.put(sinks(symbol(ALICE, "a", 1, 1, null))); // replay

            List<String> names = new ArrayList<>();
            reader.getDatabase(ALICE).getCollection("symbols_kb").find().sort(Sorts.ascending("name"))
                    .forEach(d -> names.add(d.getString("name")));
            assertEquals(List.of("a", "b"), names);
            Document pattern = reader.getDatabase(ALICE).getCollection("patterns_kb").find().first();
            assertEquals(new Document(), pattern.get("emotives", Document.class));
            List<String> indexes = new ArrayList<>();
            reader.getDatabase(ALICE).getCollection("patterns_kb").listIndexes().forEach(i -> indexes.add(i.getString("name")));
            assertTrue(indexes.containsAll(List.of("name_1", "frequency_-1_name_1", "pattern_data_1_name_1")), indexes.toString());

            task.put(sinks(cleared(ALICE)));
            assertEquals(0, reader.getDatabase(ALICE).getCollection("symbols_kb").countDocuments());
            assertEquals(0, reader.getDatabase(ALICE).getCollection("metadata").find().first().getInteger("total_pattern_frequencies"));
            assertTrue(reporter.reports.isEmpty(), reporter.reasons().toString());
        } finally {
            task.stop();
        }
    }

    @Test
    void qdrantSinkWritesPointsWithDeterministicIds() throws Exception {
        Knowledge.RecordingReporter reporter = new Knowledge.RecordingReporter();
        QdrantKnowledgeSinkTask task = new QdrantKnowledgeSinkTask();
        task.initialize(new TestSinkTaskContext(reporter));
        Map<String, String> props = new HashMap<>();
        props.put(QdrantKnowledgeSinkConfig.HOST, QDRANT.getHost());
        props.put(QdrantKnowledgeSinkConfig.GRPC_PORT, Integer.toString(QDRANT.getMappedPort(6334)));
        props.put("errors.tolerance", "all");
        task.start(props);
        try (QdrantClient reader = new QdrantClient(
                QdrantGrpcClient.newBuilder(QDRANT.getHost(), QDRANT.getMappedPort(6334), false).build())) {
            task.put(sinks(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of(hex40('a')))));
            task.put(sinks(vector(ALICE, V123, List.of(1.0, 2.0, 3.0), List.of(hex40('a'))))); // replay

            PointId id = PointId.newBuilder().setUuid(UUID.fromString("fe5de447-2f7e-4d5c-9cdd-19cadebfa06f").toString()).build();
            List<RetrievedPoint> points = reader.retrieveAsync("vectors_alice_kato", List.of(id), true, true, null).get();
            assertEquals(1, points.size());
            assertEquals(V123, points.get(0).getPayloadMap().get("vector_name").getStringValue());
            assertEquals(1, reader.countAsync("vectors_alice_kato").get());

            task.put(sinks(cleared(ALICE)));
            assertFalse(reader.collectionExistsAsync("vectors_alice_kato").get());
            assertTrue(reporter.reports.isEmpty(), reporter.reasons().toString());
        } finally {
            task.stop();
        }
    }
}
