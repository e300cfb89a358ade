package io.katostreams.connect;

import com.mongodb.ConnectionString;
import com.mongodb.WriteConcern;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Typed settings of {@link MongoKnowledgeSinkConnector}: every key with its type, default,
 * validation and documentation (Connect shows them in {@code GET /connector-plugins/.../config}
 * and checks them in {@code PUT /connector-plugins/.../config/validate}).
 */
public final class MongoKnowledgeSinkConfig extends AbstractConfig {

    public static final String CONNECTION_URI = "mongo.connection.uri";
    public static final String WRITE_CONCERN = "mongo.write.concern";
    public static final String WRITE_JOURNAL = "mongo.write.journal";
    public static final String TIMEOUT_MS = "mongo.timeout.ms";
    public static final String RETRY_BACKOFF_MS = KnowledgeSinkConfigs.RETRY_BACKOFF_MS;

    static final String CONNECTION_URI_DEFAULT = "mongodb://localhost:27017";

    private static final String GROUP = "MongoDB";

    public static final ConfigDef CONFIG_DEF = KnowledgeSinkConfigs.addShared(new ConfigDef()
            .define(CONNECTION_URI, Type.PASSWORD, CONNECTION_URI_DEFAULT, new ConnectionUriValidator(), Importance.HIGH,
                    "MongoDB connection string (spec 05 section 2.1: MONGO_BASE_URL). A password type, so Connect "
                            + "masks it in its REST answers and logs. Timeouts and the write concern below override "
                            + "the ones in the string.",
                    GROUP, 1, Width.LONG, "Connection URI")
            .define(WRITE_CONCERN, Type.STRING, "majority", new WriteConcernValidator(), Importance.MEDIUM,
                    "Acknowledgement required for every write: 'majority' (decision D6, the default) or a number "
                            + "of members >= 1. Unacknowledged writes (0) are refused: the sink must see every error.",
                    GROUP, 2, Width.SHORT, "Write concern (w)")
            .define(WRITE_JOURNAL, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether writes are acknowledged only once journaled (j=true, decision D6, the default).",
                    GROUP, 3, Width.SHORT, "Journaled writes (j)")
            .define(TIMEOUT_MS, Type.INT, 5_000, Range.between(1_000, 30_000), Importance.LOW,
                    "Connect, socket and server-selection timeout in milliseconds (spec 05 section 2.1: MONGO_TIMEOUT). "
                            + "When MongoDB is unreachable for this long, put() fails with a retriable error and "
                            + "Connect redelivers the batch after kato.retry.backoff.ms.",
                    GROUP, 4, Width.SHORT, "Timeout (ms)"));

    public MongoKnowledgeSinkConfig(Map<String, String> props) {
        // No "unused key" warnings: the map also holds Connect's own keys (name, topics, errors.*, ...).
        super(CONFIG_DEF, props, false);
    }

    public ConnectionString connectionString() {
        return new ConnectionString(getPassword(CONNECTION_URI).value());
    }

    /** The write concern of every write: {@code w} from {@link #WRITE_CONCERN}, {@code j} from {@link #WRITE_JOURNAL}. */
    public WriteConcern writeConcern() {
        String w = getString(WRITE_CONCERN).strip();
        WriteConcern base = w.equalsIgnoreCase("majority") ? WriteConcern.MAJORITY : new WriteConcern(Integer.parseInt(w));
        return base.withJournal(getBoolean(WRITE_JOURNAL));
    }

    public Duration timeout() {
        return Duration.ofMillis(getInt(TIMEOUT_MS));
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    private static final class ConnectionUriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String uri = value instanceof Password p ? p.value() : (String) value;
            try {
                new ConnectionString(uri);
            } catch (IllegalArgumentException | NullPointerException e) {
                // The message of the driver may quote the URI with its password: keep it out.
                throw new ConfigException(name + ": not a valid MongoDB connection string (mongodb:// or mongodb+srv://)");
            }
        }

        @Override
        public String toString() {
            return "a MongoDB connection string";
        }
    }

    private static final class WriteConcernValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String w = value == null ? "" : value.toString().strip();
            if (w.equalsIgnoreCase("majority")) {
                return;
            }
            try {
                if (Integer.parseInt(w) >= 1) {
                    return;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
            throw new ConfigException(name, value, "must be 'majority' or an integer >= 1");
        }

        @Override
        public String toString() {
            return "majority, or an integer >= 1";
        }
    }
}
