package io.katostreams.connect;

import com.google.common.util.concurrent.ListenableFuture;
import io.katostreams.schemas.avro.VectorDoc;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsIdsList;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * Applies knowledge changes to Qdrant: the started worker of {@link QdrantKnowledgeSinkTask}.
 *
 * <p>Mapping (spec 05 section 3.2 "Required", decision D6):
 * <pre>
 *   vector  item       → upsert one point into vectors_&lt;processor_id&gt; (id and payload: {@link QdrantPoints})
 *   vector  tombstone  → delete that point (nothing to do if the collection does not exist)
 *   cleared item       → delete the collection vectors_&lt;processor_id&gt;
 *   anything else      → skipped (patterns, symbols and totals go to MongoDB)
 * </pre>
 * The collection is created when its first vector arrives: size = that vector's length, cosine
 * distance. A vector of another length is dead-lettered (Qdrant would refuse it). Point ids are
 * derived from the name, so upserts are idempotent and a replay leaves the same points.
 *
 * <p>Batching keeps record order: consecutive changes of one kind for one collection become one
 * request ({@code wait=true}, so a returned call is applied); a NodeCleared ends the run first.
 * When Qdrant refuses a request with several points, they are sent one by one to find and
 * dead-letter the refused one.
 */
final class QdrantKnowledgeWriter implements KnowledgeSinkTask.Writer {

    private final QdrantClient client;
    private final Duration timeout;
    private final SinkCounters counters;
    /** Vector size of each collection this task has created or looked at: a cache, emptied on clear. */
    private final Map<String, Long> sizes = new HashMap<>();

    QdrantKnowledgeWriter(QdrantClient client, Duration timeout, SinkCounters counters) {
        this.client = client;
        this.timeout = timeout;
        this.counters = counters;
    }

    /**
     * Builds the gRPC client. It connects lazily and skips the client's version check (a blocking
     * call at build time), so a Qdrant that is down now only delays the first put().
     */
    static QdrantKnowledgeWriter start(QdrantKnowledgeSinkConfig config, SinkCounters counters) {
        QdrantGrpcClient.Builder grpc = QdrantGrpcClient.newBuilder(config.host(), config.grpcPort(), config.useTls(), false)
                .withTimeout(config.timeout());
        if (config.apiKey() != null) {
            grpc.withApiKey(config.apiKey());
        }
        return new QdrantKnowledgeWriter(new QdrantClient(grpc.build()), config.timeout(), counters);
    }

    /** One vector change: the point to upsert and its dimension (null and 0 for a tombstone), and its id. */
    private record PointOp(KnowledgeChange change, PointStruct point, int dimension, PointId id) {
    }

    /** Consecutive changes of one kind for one collection. */
    private record Run(String collection, boolean delete, List<PointOp> ops) {
        boolean continues(String collection, boolean delete) {
            return this.collection.equals(collection) && this.delete == delete;
        }
    }

    /** Qdrant refused a request because of its data, or the collection does not exist. */
    private static final class Refused extends RuntimeException {
        final QdrantFailures.Kind kind;

        Refused(QdrantFailures.Kind kind, Throwable cause) {
            super(cause.getMessage(), cause);
            this.kind = kind;
        }
    }

    @Override
    public void apply(List<KnowledgeChange> changes, DeadLetters deadLetters) {
        Run run = null;
        for (KnowledgeChange change : changes) {
            switch (change.kind()) {
                case VECTOR -> {
                    PointOp op;
                    try {
                        op = change.isTombstone()
                                ? new PointOp(change, null, 0, QdrantPoints.qdrantId(change.key().name()))
                                : pointOp(change);
                    } catch (BadRecordException e) {
                        deadLetters.report(change.source(), e.getMessage(), e);
                        continue;
                    }
                    String collection = QdrantPoints.collection(change.processorId());
                    if (run == null || !run.continues(collection, change.isTombstone())) {
                        flush(run, deadLetters);
                        run = new Run(collection, change.isTombstone(), new ArrayList<>());
                    }
                    run.ops().add(op);
                }
                case CLEARED -> {
                    if (change.isTombstone()) {
                        counters.skipped(1);
                    } else {
                        flush(run, deadLetters);
                        run = null;
                        clearNode(change, deadLetters);
                    }
                }
                default -> counters.skipped(1);
            }
        }
        flush(run, deadLetters);
    }

    private static PointOp pointOp(KnowledgeChange change) {
        VectorDoc doc = (VectorDoc) change.item();
        PointStruct point = QdrantPoints.point(doc);
        return new PointOp(change, point, doc.getVector().size(), point.getId());
    }

    private void flush(Run run, DeadLetters deadLetters) {
        if (run == null || run.ops().isEmpty()) {
            return;
        }
        if (run.delete()) {
            delete(run.collection(), run.ops(), deadLetters);
        } else {
            upsertRun(run.collection(), run.ops(), deadLetters);
        }
    }

    private void upsertRun(String collection, List<PointOp> ops, DeadLetters deadLetters) {
        long size;
        try {
            size = ensureCollection(collection, ops.get(0).dimension());
        } catch (Refused e) {
            if (e.kind == QdrantFailures.Kind.NOT_FOUND) {
                throw new RetriableException("Qdrant collection " + collection + " vanished while being created; retrying", e);
            }
            for (PointOp op : ops) {
                deadLetters.report(op.change().source(), "Qdrant refused collection " + collection + ": " + e.getMessage(), e);
            }
            return;
        }
        List<PointOp> fitting = new ArrayList<>(ops.size());
        for (PointOp op : ops) {
            if (op.dimension() == size) {
                fitting.add(op);
            } else {
                deadLetters.report(op.change().source(), "VectorDoc.vector: " + op.dimension() + " dimensions, but "
                        + collection + " holds " + size + "-dimensional vectors (set by its first vector)", null);
            }
        }
        upsert(collection, fitting, deadLetters);
    }

    private void upsert(String collection, List<PointOp> ops, DeadLetters deadLetters) {
        if (ops.isEmpty()) {
            return;
        }
        UpsertPoints request = UpsertPoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .addAllPoints(ops.stream().map(PointOp::point).toList())
                .build();
        try {
            call(client.upsertAsync(request));
            counters.written(ops.size());
        } catch (Refused e) {
            if (e.kind == QdrantFailures.Kind.NOT_FOUND) {
                // Deleted behind our back: forget it; the redelivered batch creates it again.
                sizes.remove(collection);
                throw new RetriableException("Qdrant collection " + collection + " disappeared; it will be recreated", e);
            }
            if (ops.size() == 1) {
                deadLetters.report(ops.get(0).change().source(), "Qdrant refused the point: " + e.getMessage(), e);
                return;
            }
            for (PointOp op : ops) {
                upsert(collection, List.of(op), deadLetters);
            }
        }
    }

    private void delete(String collection, List<PointOp> ops, DeadLetters deadLetters) {
        try {
            if (!sizes.containsKey(collection) && !call(client.collectionExistsAsync(collection))) {
                counters.deleted(ops.size()); // no collection, so no point: the tombstone holds already
                return;
            }
            DeletePoints request = DeletePoints.newBuilder()
                    .setCollectionName(collection)
                    .setWait(true)
                    .setPoints(PointsSelector.newBuilder()
                            .setPoints(PointsIdsList.newBuilder().addAllIds(ops.stream().map(PointOp::id).toList())))
                    .build();
            call(client.deleteAsync(request));
            counters.deleted(ops.size());
        } catch (Refused e) {
            if (e.kind == QdrantFailures.Kind.NOT_FOUND) {
                sizes.remove(collection);
                counters.deleted(ops.size());
                return;
            }
            if (ops.size() == 1) {
                deadLetters.report(ops.get(0).change().source(), "Qdrant refused the delete: " + e.getMessage(), e);
                return;
            }
            for (PointOp op : ops) {
                delete(collection, List.of(op), deadLetters);
            }
        }
    }

    /** NodeCleared: delete the node's collection (nothing to do when it does not exist). */
    private void clearNode(KnowledgeChange change, DeadLetters deadLetters) {
        String collection = QdrantPoints.collection(change.processorId());
        try {
            if (call(client.collectionExistsAsync(collection))) {
                call(client.deleteCollectionAsync(collection));
            }
        } catch (Refused e) {
            if (e.kind != QdrantFailures.Kind.NOT_FOUND) {
                deadLetters.report(change.source(), "Qdrant refused to delete collection " + collection + ": " + e.getMessage(), e);
                return;
            }
        }
        sizes.remove(collection);
        counters.cleared(1);
    }

    /**
     * The vector size of {@code collection}, creating it with {@code firstDimension} and cosine
     * distance if it does not exist yet.
     */
    private long ensureCollection(String collection, long firstDimension) {
        Long known = sizes.get(collection);
        if (known != null) {
            return known;
        }
        if (!call(client.collectionExistsAsync(collection))) {
            VectorParams params = VectorParams.newBuilder().setSize(firstDimension).setDistance(Distance.Cosine).build();
            try {
                call(client.createCollectionAsync(collection, params));
                sizes.put(collection, firstDimension);
                return firstDimension;
            } catch (Refused e) {
                if (!call(client.collectionExistsAsync(collection))) {
                    throw e;
                }
                // created meanwhile by someone else: use theirs
            }
        }
        long size = vectorSize(collection, call(client.getCollectionInfoAsync(collection)));
        sizes.put(collection, size);
        return size;
    }

    private static long vectorSize(String collection, CollectionInfo info) {
        VectorsConfig config = info.getConfig().getParams().getVectorsConfig();
        if (!config.hasParams()) {
            throw new Refused(QdrantFailures.Kind.DATA, new IllegalStateException(
                    collection + " exists with named vectors; this sink writes one unnamed vector per point"));
        }
        return config.getParams().getSize();
    }

    /**
     * Waits for {@code future}. Failures become: {@link RetriableException} (transient),
     * {@link ConnectException} (fatal), {@link Refused} (data or not found); anything else is
     * rethrown as it is.
     */
    private <T> T call(ListenableFuture<T> future) {
        try {
            // The gRPC deadline (qdrant.timeout.ms) ends the call; the margin only guards against a lost callback.
            return future.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new RetriableException("interrupted while waiting for Qdrant", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RetriableException("Qdrant did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            QdrantFailures.Kind kind = QdrantFailures.classify(cause);
            switch (kind) {
                case TRANSIENT -> throw new RetriableException("Qdrant unavailable: " + cause.getMessage(), cause);
                case FATAL -> throw new ConnectException("Qdrant refused the sink's configuration (check qdrant.api.key, "
                        + "qdrant.use.tls and the server version): " + cause.getMessage(), cause);
                case DATA, NOT_FOUND -> throw new Refused(kind, cause);
                default -> throw new ConnectException("Qdrant call failed unexpectedly: " + cause, cause);
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
