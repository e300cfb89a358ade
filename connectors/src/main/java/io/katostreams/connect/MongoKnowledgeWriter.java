package io.katostreams.connect;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.WriteConcernError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.bson.BsonDocument;

/**
 * Applies knowledge changes to MongoDB: the started worker of {@link MongoKnowledgeSinkTask}.
 *
 * <p>Mapping (spec 05 section 2; database = processor_id):
 * <pre>
 *   pattern  item      → patterns_kb: replace the document {name} (upsert)
 *   symbol   item      → symbols_kb:  replace the document {name} (upsert)
 *   totals   item      → metadata:    replace the document {class:"totals"} (upsert)
 *   pattern/symbol tombstone → delete the document {name}
 *   totals   tombstone → reset the totals to zeros (see below)
 *   cleared  item      → drop the database, recreate the indexes and the zero totals (spec 05 section 2.8)
 *   vector   item/tombstone, cleared tombstone → nothing (skipped; vectors go to Qdrant)
 * </pre>
 * Every item carries its absolute state, so replacing by name is idempotent: applying the topic
 * again, in whole or from any offset, leaves the same documents (replacements keep the stored
 * {@code _id}).
 *
 * <p>Why a totals tombstone resets instead of deleting: a node's database always holds exactly one
 * totals document, zeros after a clear (spec 05 section 2.4). A replay of the compacted topic after
 * the tombstone has been compacted away yields the zeros that the NodeCleared marker recreates, so
 * zeros are also what the live sink must leave, or the copy would depend on when it was built.
 *
 * <p>Batching: the changes are grouped per database and collection into ordered bulk writes. A
 * NodeCleared first flushes everything grouped so far, so record order is kept wherever it
 * matters (within a collection, and around a clear). The first write to a database in this task's
 * life (and every clear) ensures the indexes of spec 05 section 2.7 and a zero totals document if
 * none exists, as the reference does when it creates a node's database.
 *
 * <p>Write concern: {@code mongo.write.concern}/{@code mongo.write.journal}, by default
 * {@code w=majority, j=true} (decision D6), on every write, index build and drop.
 */
final class MongoKnowledgeWriter implements KnowledgeSinkTask.Writer {

    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MongoClient client;
    private final WriteConcern writeConcern;
    private final SinkCounters counters;
    /** Databases whose indexes and totals this task has ensured: a cache, emptied for a cleared node. */
    private final Set<String> prepared = new HashSet<>();

    private MongoKnowledgeWriter(MongoClient client, WriteConcern writeConcern, SinkCounters counters) {
        this.client = client;
        this.writeConcern = writeConcern;
        this.counters = counters;
    }

    /** Builds the client; it connects lazily, so a MongoDB that is down now only delays the first put(). */
    static MongoKnowledgeWriter start(MongoKnowledgeSinkConfig config, SinkCounters counters) {
        long timeoutMs = config.timeout().toMillis();
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(config.connectionString())
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) timeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout((int) timeoutMs, TimeUnit.MILLISECONDS))
                .writeConcern(config.writeConcern())
                .build();
        return new MongoKnowledgeWriter(MongoClients.create(settings), config.writeConcern(), counters);
    }

    /** One write of the batch and the change it came from. */
    private record Op(KnowledgeChange change, WriteModel<BsonDocument> model) {
        boolean isUpsert() {
            return !(model instanceof DeleteOneModel);
        }
    }

    @Override
    public void apply(List<KnowledgeChange> changes, DeadLetters deadLetters) {
        // database → collection → ops, in first-seen order
        Map<String, Map<String, List<Op>>> pending = new LinkedHashMap<>();
        for (KnowledgeChange change : changes) {
            switch (change.kind()) {
                case VECTOR -> counters.skipped(1);
                case CLEARED -> {
                    if (change.isTombstone()) {
                        counters.skipped(1); // the marker itself going away changes nothing
                    } else {
                        flush(pending, deadLetters);
                        pending.clear();
                        clearNode(change, deadLetters);
                    }
                }
                case PATTERN, SYMBOL, TOTALS -> {
                    Optional<String> invalid = MongoLayout.invalidDatabaseName(change.processorId());
                    if (invalid.isPresent()) {
                        deadLetters.report(change.source(), invalid.get(), null);
                        continue;
                    }
                    Op op;
                    try {
                        op = new Op(change, model(change));
                    } catch (BadRecordException e) {
                        deadLetters.report(change.source(), e.getMessage(), e);
                        continue;
                    }
                    pending.computeIfAbsent(change.processorId(), db -> new LinkedHashMap<>())
                            .computeIfAbsent(collectionOf(change), c -> new ArrayList<>())
                            .add(op);
                }
            }
        }
        flush(pending, deadLetters);
    }

    private static String collectionOf(KnowledgeChange change) {
        return switch (change.kind()) {
            case PATTERN -> MongoLayout.PATTERNS;
            case SYMBOL -> MongoLayout.SYMBOLS;
            case TOTALS -> MongoLayout.METADATA;
            default -> throw new IllegalArgumentException("no collection for " + change.kind());
        };
    }

    private static WriteModel<BsonDocument> model(KnowledgeChange change) {
        Object item = change.item();
        return switch (change.kind()) {
            case PATTERN -> item == null
                    ? new DeleteOneModel<>(MongoDocuments.byName(change.key().name()))
                    : new ReplaceOneModel<>(MongoDocuments.byName(change.key().name()), MongoDocuments.pattern((PatternDoc) item), UPSERT);
            case SYMBOL -> item == null
                    ? new DeleteOneModel<>(MongoDocuments.byName(change.key().name()))
                    : new ReplaceOneModel<>(MongoDocuments.byName(change.key().name()), MongoDocuments.symbol((SymbolDoc) item), UPSERT);
            case TOTALS -> new ReplaceOneModel<>(MongoDocuments.totalsFilter(),
                    item == null ? MongoDocuments.zeroTotals() : MongoDocuments.totals((TotalsDoc) item), UPSERT);
            default -> throw new IllegalArgumentException("no document for " + change.kind());
        };
    }

    private void flush(Map<String, Map<String, List<Op>>> pending, DeadLetters deadLetters) {
        for (Map.Entry<String, Map<String, List<Op>>> db : pending.entrySet()) {
            boolean writesDocuments = db.getValue().values().stream().flatMap(List::stream).anyMatch(Op::isUpsert);
            if (writesDocuments && !prepared.contains(db.getKey())) {
                try {
                    prepare(db.getKey());
                } catch (ConnectException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (MongoFailures.classify(e) != MongoFailures.Kind.DATA) {
                        throw e;
                    }
                    String reason = failure("preparing database " + db.getKey(), e);
                    db.getValue().values().stream().flatMap(List::stream)
                            .forEach(op -> deadLetters.report(op.change().source(), reason, e));
                    continue;
                }
            }
            for (Map.Entry<String, List<Op>> collection : db.getValue().entrySet()) {
                write(db.getKey(), collection.getKey(), collection.getValue(), deadLetters);
            }
        }
    }

    /**
     * Writes {@code ops} as ordered bulk writes. An ordered bulk stops at its first refused write:
     * that record is dead-lettered and the writes after it are sent again. A refusal without an
     * index (the driver could not encode some document) is narrowed down by writing one at a time.
     */
    private void write(String db, String collectionName, List<Op> ops, DeadLetters deadLetters) {
        MongoCollection<BsonDocument> collection = collection(db, collectionName);
        List<Op> rest = ops;
        while (!rest.isEmpty()) {
            try {
                collection.bulkWrite(rest.stream().map(Op::model).toList(), ORDERED);
                count(rest);
                return;
            } catch (MongoBulkWriteException e) {
                WriteConcernError wce = e.getWriteConcernError();
                if (wce != null) {
                    throw escalate(MongoFailures.ofCode(wce.getCode(), MongoFailures.Kind.TRANSIENT),
                            "writing to " + db + "." + collectionName + ": write concern not satisfied: " + wce.getMessage(), e);
                }
                if (e.getWriteErrors().isEmpty()) {
                    throw escalate(MongoFailures.Kind.TRANSIENT, "writing to " + db + "." + collectionName, e);
                }
                BulkWriteError error = e.getWriteErrors().get(0); // ordered: the write that stopped the bulk
                MongoFailures.Kind kind = MongoFailures.ofCode(error.getCode(), MongoFailures.Kind.DATA);
                if (kind != MongoFailures.Kind.DATA) {
                    throw escalate(kind, "writing to " + db + "." + collectionName + ": " + error.getMessage(), e);
                }
                int failed = error.getIndex();
                count(rest.subList(0, failed));
                deadLetters.report(rest.get(failed).change().source(), "MongoDB refused the write to " + db + "."
                        + collectionName + ": " + error.getMessage() + " (code " + error.getCode() + ")", e);
                rest = rest.subList(failed + 1, rest.size());
            } catch (RuntimeException e) {
                MongoFailures.Kind kind = MongoFailures.classify(e);
                if (kind != MongoFailures.Kind.DATA) {
                    throw escalate(kind, "writing to " + db + "." + collectionName, e);
                }
                if (rest.size() == 1) {
                    deadLetters.report(rest.get(0).change().source(), failure("writing to " + db + "." + collectionName, e), e);
                    return;
                }
                for (Op op : rest) {
                    write(db, collectionName, List.of(op), deadLetters);
                }
                return;
            }
        }
    }

    private void count(List<Op> applied) {
        for (Op op : applied) {
            if (op.isUpsert() && !op.change().isTombstone()) {
                counters.written(1);
            } else {
                counters.deleted(1);
            }
        }
    }

    /** NodeCleared: drop the database, then recreate what a new node's database has (spec 05 section 2.8). */
    private void clearNode(KnowledgeChange change, DeadLetters deadLetters) {
        String db = change.processorId();
        Optional<String> invalid = MongoLayout.invalidDatabaseName(db);
        if (invalid.isPresent()) {
            deadLetters.report(change.source(), invalid.get(), null);
            return;
        }
        try {
            database(db).drop();
            prepared.remove(db);
            prepare(db);
        } catch (ConnectException e) {
            throw e;
        } catch (RuntimeException e) {
            MongoFailures.Kind kind = MongoFailures.classify(e);
            if (kind != MongoFailures.Kind.DATA) {
                throw escalate(kind, "clearing database " + db, e);
            }
            deadLetters.report(change.source(), failure("clearing database " + db, e), e);
            return;
        }
        counters.cleared(1);
    }

    /**
     * Ensures the indexes of spec 05 section 2.7 and the totals document (zeros, only if missing).
     * Transient and fatal failures propagate as Connect exceptions, anything else as it is.
     */
    private void prepare(String db) {
        MongoDatabase database = database(db);
        try {
            for (String name : MongoLayout.INDEXED_COLLECTIONS) {
                database.getCollection(name, BsonDocument.class).createIndexes(MongoLayout.INDEXES.get(name));
            }
            BsonDocument zeros = MongoDocuments.zeroTotals();
            zeros.remove("class"); // the upsert takes it from the filter
            database.getCollection(MongoLayout.METADATA, BsonDocument.class).updateOne(MongoDocuments.totalsFilter(),
                    new BsonDocument("$setOnInsert", zeros), new UpdateOptions().upsert(true));
        } catch (RuntimeException e) {
            MongoFailures.Kind kind = MongoFailures.classify(e);
            if (kind != MongoFailures.Kind.DATA) {
                throw escalate(kind, "preparing database " + db, e);
            }
            throw e;
        }
        prepared.add(db);
    }

    private MongoDatabase database(String db) {
        return client.getDatabase(db).withWriteConcern(writeConcern);
    }

    private MongoCollection<BsonDocument> collection(String db, String collection) {
        return database(db).getCollection(collection, BsonDocument.class);
    }

    /** The Connect exception for a transient (retry) or fatal (fail the task) failure. */
    private static RuntimeException escalate(MongoFailures.Kind kind, String what, RuntimeException e) {
        return switch (kind) {
            case TRANSIENT -> new RetriableException("MongoDB unavailable while " + what + ": " + e.getMessage(), e);
            case FATAL -> new ConnectException("MongoDB refused the sink's configuration while " + what
                    + " (check mongo.connection.uri credentials and mongo.write.concern): " + e.getMessage(), e);
            default -> e;
        };
    }

    private static String failure(String what, Throwable e) {
        return "MongoDB refused " + what + ": " + e.getMessage();
    }

    @Override
    public void close() {
        client.close();
    }
}
