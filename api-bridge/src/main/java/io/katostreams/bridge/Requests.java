package io.katostreams.bridge;

import static io.katostreams.schemas.validation.LenientJson.at;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.ExtendSession;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.UpdateConfig;
import io.katostreams.schemas.validation.LenientJson;
import io.katostreams.schemas.validation.ObservationJson;
import io.katostreams.schemas.validation.RecordValidationException;
import io.katostreams.schemas.validation.ValidationError;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation of the request bodies and query values that are not observations (those are
 * {@link ObservationJson}'s), with the lenient coercion of spec 01 §0.3. Each method returns the
 * Command operation to send, or throws {@link RecordValidationException} carrying every problem of
 * the request as E2 entries, in the order the reference reports them (member order).
 */
final class Requests {
    private Requests() {
    }

    private static final List<Object> BODY = List.of("body");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Largest accepted TTL in seconds (about 317 years). The spec sets no upper bound; the reference
     * fails with a 500 on values its store cannot represent. Bounding them keeps every expiry a valid
     * timestamp (decision D5: no 500s).
     */
    static final long MAX_TTL_SECONDS = 10_000_000_000L;

    /** Default of {@code POST /sessions/{id}/extend?ttl_seconds} (spec 01 §3.6). */
    static final long DEFAULT_EXTEND_SECONDS = 3600;

    /** {@code POST /sessions} (spec 01 §3.1). */
    static CreateSession createSession(JsonNode body, String sessionId) {
        requireObject(body);
        List<ValidationError> errors = new ArrayList<>();
        String nodeId = null;
        JsonNode node = body.get("node_id");
        if (node == null) {
            errors.add(LenientJson.missing(at(BODY, "node_id"), body));
        } else {
            nodeId = LenientJson.string(node, at(BODY, "node_id"), errors);
        }
        String metadataJson = optionalObjectJson(body, "metadata", errors);
        Long ttl = null;
        JsonNode t = body.get("ttl_seconds");
        if (t != null && !t.isNull()) {
            ttl = ttlSeconds(t, at(BODY, "ttl_seconds"), 0, errors);
        }
        String configJson = optionalObjectJson(body, "config", errors);
        throwIfAny(errors);
        return new CreateSession(sessionId, nodeId, metadataJson == null ? "{}" : metadataJson, ttl, configJson);
    }

    /**
     * {@code POST /sessions/{id}/extend}: the {@code ttl_seconds} query value (absent → 3600), an
     * integer &gt; 0 (≤ 0 would delete the session at once: 422 instead, spec 01 §3.6).
     */
    static ExtendSession extend(String queryValue) {
        if (queryValue == null) {
            return new ExtendSession(DEFAULT_EXTEND_SECONDS);
        }
        List<ValidationError> errors = new ArrayList<>();
        Long ttl = ttlSeconds(NODES.textNode(queryValue), List.of("query", "ttl_seconds"), 1, errors);
        throwIfAny(errors);
        return new ExtendSession(ttl);
    }

    /**
     * {@code POST /sessions/{id}/config}: a JSON object; its {@code config} member when present,
     * else the whole body, is the update (spec 01 §3.7). The keys are validated by the topology,
     * which owns the settings' rules.
     */
    static UpdateConfig updateConfig(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new RecordValidationException(new ValidationError("dict_type", BODY, LenientJson.MSG_DICT, body));
        }
        JsonNode update = body.has("config") ? body.get("config") : body;
        if (!update.isObject()) {
            throw new RecordValidationException(new ValidationError("dict_type", at(BODY, "config"),
                    LenientJson.MSG_DICT, update));
        }
        return new UpdateConfig(ObservationJson.metadataJson(update));
    }

    /** {@code POST /sessions/{id}/observe-sequence} (spec 01 §4.2). */
    static ObserveSequence observeSequence(JsonNode body) {
        requireObject(body);
        List<ValidationError> errors = new ArrayList<>();
        List<Observation> items = new ArrayList<>();
        JsonNode obs = body.get("observations");
        if (obs == null) {
            errors.add(LenientJson.missing(at(BODY, "observations"), body));
        } else {
            ArrayNode array = LenientJson.array(obs, at(BODY, "observations"), errors);
            if (array != null) {
                for (int i = 0; i < array.size(); i++) {
                    Observation o = ObservationJson.parseObservationItem(array.get(i),
                            List.of("body", "observations", i), errors);
                    items.add(o);
                }
            }
        }
        boolean learnAfterEach = flag(body, "learn_after_each", errors);
        boolean learnAtEnd = flag(body, "learn_at_end", errors);
        boolean clearStmBetween = flag(body, "clear_stm_between", errors);
        throwIfAny(errors);
        return new ObserveSequence(items, learnAfterEach, learnAtEnd, clearStmBetween);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** FastAPI reports a body that is not an object, for a model, as model_attributes_type at ["body"]. */
    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new RecordValidationException(new ValidationError("model_attributes_type", BODY,
                    "Input should be a valid dictionary or object to extract fields from", body));
        }
    }

    /** An optional object member (absent or null → null), as JSON text. */
    private static String optionalObjectJson(JsonNode body, String name, List<ValidationError> errors) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        ObjectNode o = LenientJson.object(v, at(BODY, name), errors);
        return o == null ? null : ObservationJson.metadataJson(o);
    }

    /** An optional boolean member with default false; JSON null is an error (not nullable). */
    private static boolean flag(JsonNode body, String name, List<ValidationError> errors) {
        JsonNode v = body.get(name);
        if (v == null) {
            return false;
        }
        Boolean b = LenientJson.bool(v, at(BODY, name), errors);
        return b != null && b;
    }

    /** A TTL in seconds: lenient integer, at least {@code min}, at most {@link #MAX_TTL_SECONDS}. */
    private static Long ttlSeconds(JsonNode v, List<Object> loc, long min, List<ValidationError> errors) {
        Long ttl = LenientJson.integer(v, loc, errors);
        if (ttl == null) {
            return null;
        }
        if (ttl < min) {
            ObjectNode ctx = NODES.objectNode();
            if (min == 0) {
                ctx.put("ge", 0);
                errors.add(new ValidationError("greater_than_equal", loc, "Input should be greater than or equal to 0",
                        v, ctx));
            } else {
                ctx.put("gt", min - 1);
                errors.add(new ValidationError("greater_than", loc, "Input should be greater than " + (min - 1), v, ctx));
            }
            return null;
        }
        if (ttl > MAX_TTL_SECONDS) {
            ObjectNode ctx = NODES.objectNode();
            ctx.put("le", MAX_TTL_SECONDS);
            errors.add(new ValidationError("less_than_equal", loc,
                    "Input should be less than or equal to " + MAX_TTL_SECONDS, v, ctx));
            return null;
        }
        return ttl;
    }

    private static void throwIfAny(List<ValidationError> errors) {
        if (!errors.isEmpty()) {
            throw new RecordValidationException(errors);
        }
    }
}
