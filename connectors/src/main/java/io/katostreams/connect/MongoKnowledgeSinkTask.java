package io.katostreams.connect;

import java.util.Map;

/**
 * Sink task of {@link MongoKnowledgeSinkConnector}: copies {@code kato.knowledge} into one MongoDB
 * database per node. The store mapping is {@link MongoKnowledgeWriter}'s; decoding, dead letters
 * and retries are {@link KnowledgeSinkTask}'s.
 */
public final class MongoKnowledgeSinkTask extends KnowledgeSinkTask {

    @Override
    String defaultName() {
        return "kato-mongo-sink";
    }

    @Override
    Started startWriter(Map<String, String> props, SinkCounters counters) {
        MongoKnowledgeSinkConfig config = new MongoKnowledgeSinkConfig(props);
        return new Started(MongoKnowledgeWriter.start(config, counters), config.retryBackoffMs());
    }
}
