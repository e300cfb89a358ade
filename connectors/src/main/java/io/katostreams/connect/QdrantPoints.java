package io.katostreams.connect;

import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.value;

import io.katostreams.schemas.avro.VectorDoc;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Qdrant names and points of a node's vectors (spec 05 section 3.2, "Required"): collection
 * {@code vectors_<processor_id>}, one point per {@code VCTR|} symbol with a deterministic id and
 * payload {@code {"vector_name": "VCTR|…", "patterns": [...]}}.
 */
final class QdrantPoints {

    static final String COLLECTION_PREFIX = "vectors_";

    private static final Pattern VECTOR_NAME = Pattern.compile("VCTR\\|[0-9a-f]{40}");

    private QdrantPoints() {
    }

    static String collection(String processorId) {
        return COLLECTION_PREFIX + processorId;
    }

    /**
     * The point id of a vector symbol: the UUID whose 32 hex digits are the first 32 of the SHA-1
     * in the name, e.g. {@code VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43} →
     * {@code fe5de447-2f7e-4d5c-9cdd-19cadebfa06f}. Qdrant accepts only unsigned integers and UUIDs
     * as ids, and the same name always gives the same id, so upserts are idempotent.
     *
     * @throws BadRecordException when {@code name} is not {@code VCTR|} + 40 lowercase hex digits
     */
    static UUID pointId(String name) {
        if (!VECTOR_NAME.matcher(name).matches()) {
            throw new BadRecordException("VectorDoc.name: must be VCTR| followed by 40 lowercase hex digits, got '" + name + "'");
        }
        String hex = name.substring(5, 37);
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20, 32));
    }

    static PointId qdrantId(String name) {
        return PointIdFactory.id(pointId(name));
    }

    /**
     * The point of {@code doc}: Qdrant stores 32-bit floats, so each component is narrowed.
     *
     * @throws BadRecordException for a bad name, an empty vector or a component that is not finite
     */
    static PointStruct point(VectorDoc doc) {
        List<Double> vector = doc.getVector();
        if (vector.isEmpty()) {
            throw new BadRecordException("VectorDoc.vector: empty; Qdrant cannot store a 0-dimensional vector");
        }
        List<Float> floats = new ArrayList<>(vector.size());
        for (int i = 0; i < vector.size(); i++) {
            float f = vector.get(i).floatValue();
            if (!Float.isFinite(f)) {
                throw new BadRecordException("VectorDoc.vector[" + i + "]: " + vector.get(i) + " is not a finite 32-bit float");
            }
            floats.add(f);
        }
        List<Value> patterns = new ArrayList<>(doc.getPatterns().size());
        for (String p : doc.getPatterns()) {
            patterns.add(value(p));
        }
        return PointStruct.newBuilder()
                .setId(qdrantId(doc.getName()))
                .setVectors(VectorsFactory.vectors(floats))
                .putPayload("vector_name", value(doc.getName()))
                .putPayload("patterns", list(patterns))
                .build();
    }
}
