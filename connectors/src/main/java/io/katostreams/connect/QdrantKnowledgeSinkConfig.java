package io.katostreams.connect;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.NonEmptyStringWithoutControlChars;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/** Typed settings of {@link QdrantKnowledgeSinkConnector}. */
public final class QdrantKnowledgeSinkConfig extends AbstractConfig {

    public static final String HOST = "qdrant.host";
    public static final String GRPC_PORT = "qdrant.grpc.port";
    public static final String USE_TLS = "qdrant.use.tls";
    public static final String API_KEY = "qdrant.api.key";
    public static final String TIMEOUT_MS = "qdrant.timeout.ms";
    public static final String RETRY_BACKOFF_MS = KnowledgeSinkConfigs.RETRY_BACKOFF_MS;

    private static final String GROUP = "Qdrant";

    public static final ConfigDef CONFIG_DEF = KnowledgeSinkConfigs.addShared(new ConfigDef()
            .define(HOST, Type.STRING, "localhost", new NonEmptyStringWithoutControlChars(), Importance.HIGH,
                    "Qdrant host (spec 05 section 3.1: QDRANT_HOST).",
                    GROUP, 1, Width.MEDIUM, "Host")
            .define(GRPC_PORT, Type.INT, 6334, Range.between(1, 65_535), Importance.HIGH,
                    "Qdrant gRPC port (6334 by default; the REST port 6333 is not used).",
                    GROUP, 2, Width.SHORT, "gRPC port")
            .define(USE_TLS, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether to connect with TLS.",
                    GROUP, 3, Width.SHORT, "TLS")
            .define(API_KEY, Type.PASSWORD, null, Importance.MEDIUM,
                    "Qdrant API key, if the server requires one (sent as the api-key header; use TLS with it).",
                    GROUP, 4, Width.MEDIUM, "API key")
            .define(TIMEOUT_MS, Type.INT, 5_000, Range.between(100, 300_000), Importance.LOW,
                    "Deadline of every Qdrant call in milliseconds. A call that fails because Qdrant is "
                            + "unreachable or overloaded makes put() fail with a retriable error; Connect "
                            + "redelivers the batch after kato.retry.backoff.ms.",
                    GROUP, 5, Width.SHORT, "Timeout (ms)"));

    public QdrantKnowledgeSinkConfig(Map<String, String> props) {
        // No "unused key" warnings: the map also holds Connect's own keys (name, topics, errors.*, ...).
        super(CONFIG_DEF, props, false);
    }

    public String host() {
        return getString(HOST);
    }

    public int grpcPort() {
        return getInt(GRPC_PORT);
    }

    public boolean useTls() {
        return getBoolean(USE_TLS);
    }

    /** The API key, or null when none is configured. */
    public String apiKey() {
        Password key = getPassword(API_KEY);
        return key == null || key.value().isEmpty() ? null : key.value();
    }

    public Duration timeout() {
        return Duration.ofMillis(getInt(TIMEOUT_MS));
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }
}
