package io.katostreams.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.WriteConcern;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

/** The connector classes as a Connect worker sees them: discovery, configuration, task configs. */
class KnowledgeSinkConnectorTest {

    @Test
    void workersFindBothConnectorsThroughTheServiceLoader() {
        List<String> found = ServiceLoader.load(SinkConnector.class).stream().map(p -> p.type().getName()).toList();
        assertTrue(found.contains(MongoKnowledgeSinkConnector.class.getName()), found.toString());
        assertTrue(found.contains(QdrantKnowledgeSinkConnector.class.getName()), found.toString());
    }

    @Test
    void mongoDefaultsAreMajorityJournaledWritesToLocalhost() {
        MongoKnowledgeSinkConfig config = new MongoKnowledgeSinkConfig(Map.of());
        assertEquals(WriteConcern.MAJORITY.withJournal(true), config.writeConcern());
        assertEquals("mongodb://localhost:27017", config.connectionString().getConnectionString());
        assertEquals(5_000, config.timeout().toMillis());
        assertEquals(5_000, config.retryBackoffMs());
        assertEquals(new WriteConcern(2).withJournal(false), new MongoKnowledgeSinkConfig(
                Map.of(MongoKnowledgeSinkConfig.WRITE_CONCERN, "2", MongoKnowledgeSinkConfig.WRITE_JOURNAL, "false")).writeConcern());
    }

    @Test
    void badSettingsAreReportedByValidateAndRefusedByStart() {
        MongoKnowledgeSinkConnector connector = new MongoKnowledgeSinkConnector();
        Map<String, String> bad = Map.of(
                MongoKnowledgeSinkConfig.WRITE_CONCERN, "0",
                MongoKnowledgeSinkConfig.CONNECTION_URI, "http://user:secret@example",
                MongoKnowledgeSinkConfig.TIMEOUT_MS, "100");
        Config result = connector.validate(bad);
        for (String key : bad.keySet()) {
            ConfigValue value = result.configValues().stream().filter(v -> v.name().equals(key)).findFirst().orElseThrow();
            assertFalse(value.errorMessages().isEmpty(), key + " is refused");
            assertFalse(value.errorMessages().toString().contains("secret"), "the URI's password stays out of messages");
        }
        assertThrows(ConfigException.class, () -> connector.start(bad));
        assertThrows(ConfigException.class, () -> new QdrantKnowledgeSinkConnector().start(Map.of(QdrantKnowledgeSinkConfig.GRPC_PORT, "0")));
    }

    @Test
    void everyTaskGetsTheConnectorConfigurationAndItsIndex() {
        MongoKnowledgeSinkConnector connector = new MongoKnowledgeSinkConnector();
        connector.start(Map.of("name", "kato-mongo-sink", "topics", "kato.knowledge"));
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertEquals(3, tasks.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(Integer.toString(i), tasks.get(i).get("kato.task.id"));
            assertEquals("kato.knowledge", tasks.get(i).get("topics"));
        }
        assertEquals(MongoKnowledgeSinkTask.class, connector.taskClass());
        assertEquals(QdrantKnowledgeSinkTask.class, new QdrantKnowledgeSinkConnector().taskClass());
        assertFalse(connector.version().isBlank());
        assertFalse("unknown".equals(connector.version()), "version.properties is filtered by Maven");
    }

    @Test
    void qdrantDefaultsAreTheLocalGrpcPortWithoutKey() {
        QdrantKnowledgeSinkConfig config = new QdrantKnowledgeSinkConfig(Map.of());
        assertEquals("localhost", config.host());
        assertEquals(6334, config.grpcPort());
        assertFalse(config.useTls());
        assertNull(config.apiKey());
        assertEquals("k", new QdrantKnowledgeSinkConfig(Map.of(QdrantKnowledgeSinkConfig.API_KEY, "k")).apiKey());
    }
}
