package io.katostreams.connect;

import java.util.Map;

/**
 * Sink task of {@link QdrantKnowledgeSinkConnector}: copies the vectors of {@code kato.knowledge}
 * into one Qdrant collection per node. The store mapping is {@link QdrantKnowledgeWriter}'s;
 * decoding, dead letters and retries are {@link KnowledgeSinkTask}'s.
 */
public final class QdrantKnowledgeSinkTask extends KnowledgeSinkTask {

    @Override
    String defaultName() {
        return "kato-qdrant-sink";
    }

    @Override
    Started startWriter(Map<String, String> props, SinkCounters counters) {
        QdrantKnowledgeSinkConfig config = new QdrantKnowledgeSinkConfig(props);
        return new Started(QdrantKnowledgeWriter.start(config, counters), config.retryBackoffMs());
    }
}
