package io.katostreams.connect;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

/**
 * Kafka Connect sink that copies the vectors of learned patterns from {@code kato.knowledge} into
 * Qdrant (decision D6): collection {@code vectors_<processor_id>}, one point per {@code VCTR|}
 * symbol (spec 05 section 3.2). Settings: {@link QdrantKnowledgeSinkConfig}; deployment:
 * connectors/README.md.
 *
 * <p>Why our own connector: Qdrant's sink ({@code qdrant/qdrant-kafka}, distributed through
 * GitHub releases and Confluent Hub, not Maven Central) expects JSON values that already name the
 * collection, the id and the vector, needs the collection created beforehand, and only upserts:
 * it has no deletes for tombstones and nothing for NodeCleared. This one is built on the official
 * Java client ({@code io.qdrant:client}, gRPC).
 */
public final class QdrantKnowledgeSinkConnector extends KnowledgeSinkConnector {

    @Override
    void parseConfig(Map<String, String> props) {
        new QdrantKnowledgeSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return QdrantKnowledgeSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return QdrantKnowledgeSinkConfig.CONFIG_DEF;
    }
}
