package io.katostreams.connect;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MongoDB layout of a node's long-term memory (spec 05 section 2): one database per
 * processor_id, its collections and the indexes of section 2.7.
 */
final class MongoLayout {

    static final String PATTERNS = "patterns_kb";
    static final String SYMBOLS = "symbols_kb";
    static final String METADATA = "metadata";
    static final String PREDICTIONS = "predictions_kb";
    static final String ASSOCIATIVE_ACTIONS = "associative_action_kb";

    /**
     * The indexes of spec 05 section 2.7, per collection, with the reference's names. The sink
     * creates all of them (also on predictions_kb and associative_action_kb, which it never writes)
     * so that a node's database looks like the reference's whatever component fills it.
     */
    static final Map<String, List<IndexModel>> INDEXES = Map.of(
            PATTERNS, List.of(
                    new IndexModel(Indexes.ascending("name"), new IndexOptions().name("name_1").unique(true)),
                    new IndexModel(Indexes.compoundIndex(Indexes.descending("frequency"), Indexes.ascending("name")),
                            new IndexOptions().name("frequency_-1_name_1")),
                    new IndexModel(Indexes.ascending("pattern_data", "name"), new IndexOptions().name("pattern_data_1_name_1"))),
            SYMBOLS, List.of(
                    new IndexModel(Indexes.ascending("name"), new IndexOptions().name("name_1").unique(true)),
                    new IndexModel(Indexes.compoundIndex(Indexes.descending("frequency"), Indexes.ascending("name")),
                            new IndexOptions().name("frequency_-1_name_1"))),
            ASSOCIATIVE_ACTIONS, List.of(
                    new IndexModel(Indexes.ascending("symbol"), new IndexOptions().name("symbol_1"))),
            PREDICTIONS, List.of(
                    new IndexModel(Indexes.compoundIndex(Indexes.ascending("unique_id"), Indexes.descending("time")),
                            new IndexOptions().name("unique_id_1_time_-1"))));

    /** Index creation order: deterministic, patterns first. */
    static final List<String> INDEXED_COLLECTIONS = List.of(PATTERNS, SYMBOLS, ASSOCIATIVE_ACTIONS, PREDICTIONS);

    /** Characters MongoDB forbids in database names (any platform), plus NUL. */
    private static final String FORBIDDEN = "/\\. \"$*<>:|?\0";
    /** MongoDB limit on database names, in bytes. */
    private static final int MAX_NAME_BYTES = 63;

    private MongoLayout() {
    }

    /**
     * Why {@code processorId} cannot be a MongoDB database name, or empty when it can. The
     * topology's sanitising (spec 02 section 2.1) already removes the forbidden characters from the node
     * part; what remains possible is a name over 63 UTF-8 bytes (60 code points of non-ASCII text)
     * or a SERVICE_NAME with such a character. Such a node's records are dead-lettered with this
     * reason.
     */
    static Optional<String> invalidDatabaseName(String processorId) {
        if (processorId.isEmpty()) {
            return Optional.of("processor_id is empty: not a MongoDB database name");
        }
        for (int i = 0; i < processorId.length(); i++) {
            char c = processorId.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0) {
                return Optional.of("processor_id '" + processorId + "' contains '" + (c == 0 ? "\\0" : String.valueOf(c))
                        + "', which MongoDB forbids in database names");
            }
        }
        int bytes = processorId.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return Optional.of("processor_id '" + processorId + "' is " + bytes + " UTF-8 bytes; MongoDB database names have at most "
                    + MAX_NAME_BYTES);
        }
        return Optional.empty();
    }
}
