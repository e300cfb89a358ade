package io.katostreams.schemas.validation;

import static io.katostreams.schemas.validation.LenientJson.at;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObservationRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KATO's observation JSON ({@code ObservationData}, spec 01 §4.1) to {@link Observation}, with the
 * validation of spec 03 §1 and the lenient coercion of spec 01 §0.3. Used by the REST bridge
 * (observe, observe-sequence items) and by {@code ObservationInputDeserializer} (JSON records on
 * kato.observations), so both reject exactly the same inputs with the same E2 entries.
 *
 * <p>Members and rules (unknown members are ignored; every member is optional):
 * <ul>
 *   <li>{@code strings}: array of strings ({@code list_type}; element {@code string_type});</li>
 *   <li>{@code vectors}: array of arrays of finite numbers ({@code list_type} at the member or the
 *       element; number rules of {@link LenientJson#finiteFloat});</li>
 *   <li>{@code emotives}: object of finite numbers ({@code dict_type}; value number rules, loc
 *       ending with the key);</li>
 *   <li>{@code metadata}: object of any JSON ({@code dict_type}), kept as text in
 *       {@code metadata_json};</li>
 *   <li>{@code unique_id} (items and topic records only): string or null.</li>
 * </ul>
 * Null for any of the first four is an error of that member's type, as in the reference. All
 * problems of a body are reported together, in member order.
 */
public final class ObservationJson {

    /**
     * The JSON reader for request bodies and records: standard JSON plus the non-standard
     * NaN/Infinity tokens (the reference's parser accepts them; validation then rejects them where
     * numbers must be finite), and trailing content after the value is an error (as in Python).
     * Numbers keep their JSON kind: integers stay integral (any size), floats become doubles.
     */
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Writer of {@code metadata_json}: compact, and non-finite numbers stay bare tokens
     * ({@code NaN}, not the string {@code "NaN"}), so that the learn-time Python str() rules still
     * see a float. Every float is written in a form that parses back to the same double and still
     * reads as a float (it always has a '.' or an exponent); integers are written exactly.
     */
    private static final ObjectMapper METADATA_WRITER = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private static final List<Object> BODY = List.of("body");
    private static final ObjectReader TREE_READER = READER.reader();

    private ObservationJson() {
    }

    // ---------------------------------------------------------------- reading JSON text

    /** An immutable reader with the same settings (NaN/Infinity tokens accepted, trailing content rejected), for other request bodies. */
    public static ObjectReader reader() {
        return TREE_READER;
    }

    /**
     * Parses a request body or record value. Zero bytes (or null) is {@code missing} at
     * {@code ["body"]}; text that is not one JSON value is {@code json_invalid} at
     * {@code ["body", <position>]} with {@code ctx.error} describing the problem.
     */
    public static JsonNode readBody(byte[] json) {
        if (json == null || json.length == 0) {
            throw new RecordValidationException(
                    new ValidationError("missing", BODY, LenientJson.MSG_MISSING, null));
        }
        try {
            JsonNode node = READER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw invalidJson(json.length, "Expecting value");
            }
            rejectLoneSurrogates(node);
            return node;
        } catch (JacksonException e) {
            throw invalidJson(position(e), e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reachable for an in-memory array
        }
    }

    static final String MSG_STRING_UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string";

    /**
     * JSON may spell a lone UTF-16 surrogate ({@code "\ud800"}), which no UTF-8 text can hold:
     * stored, it would silently become {@code "?"} and distinct symbols or node ids would collide.
     * Such a string (value or member name) is refused at its location instead.
     */
    private static void rejectLoneSurrogates(JsonNode root) {
        java.util.ArrayDeque<Map.Entry<JsonNode, List<Object>>> todo = new java.util.ArrayDeque<>();
        todo.push(Map.entry(root, BODY));
        while (!todo.isEmpty()) {
            Map.Entry<JsonNode, List<Object>> e = todo.pop();
            JsonNode n = e.getKey();
            if (n.isTextual()) {
                if (hasLoneSurrogate(n.textValue())) {
                    throw new RecordValidationException(new ValidationError("string_unicode", e.getValue(), MSG_STRING_UNICODE, null));
                }
            } else if (n.isArray()) {
                for (int i = n.size() - 1; i >= 0; i--) todo.push(Map.entry(n.get(i), append(e.getValue(), i)));
            } else if (n.isObject()) {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                n.fields().forEachRemaining(fields::add);
                for (int i = fields.size() - 1; i >= 0; i--) {
                    String name = fields.get(i).getKey();
                    if (hasLoneSurrogate(name)) {
                        throw new RecordValidationException(new ValidationError("string_unicode", e.getValue(), MSG_STRING_UNICODE, null));
                    }
                    todo.push(Map.entry(fields.get(i).getValue(), append(e.getValue(), name)));
                }
            }
        }
    }

    private static List<Object> append(List<Object> loc, Object step) {
        List<Object> l = new ArrayList<>(loc.size() + 1);
        l.addAll(loc);
        l.add(step);
        return l;
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
                else return true;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #readBody(byte[])} for text. */
    public static JsonNode readBody(String json) {
        return readBody(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- observations

    /**
     * The body of {@code POST /sessions/{id}/observe}. A {@code unique_id} member is ignored
     * (spec 01 §4.1 quirk: the service always generates the id), so the result has none.
     *
     * @throws RecordValidationException with every problem, locations starting with {@code "body"}
     */
    public static Observation parseObservationData(JsonNode body) {
        List<ValidationError> errors = new ArrayList<>();
        Observation o = parseObservation(body, BODY, false, errors);
        if (!errors.isEmpty()) {
            throw new RecordValidationException(errors);
        }
        return o;
    }

    /**
     * Parses one {@code ObservationDataItem} of observe-sequence ({@code unique_id} read) at
     * {@code loc}, e.g. {@code ["body", "observations", 3]}. Returns null when it added errors.
     */
    public static Observation parseObservationItem(JsonNode item, List<Object> loc, List<ValidationError> errors) {
        return parseObservation(item, loc, true, errors);
    }

    /**
     * Parses an observation object at {@code loc}, appending every problem to {@code errors}.
     *
     * @param withUniqueId read the {@code unique_id} member (string or null) instead of ignoring it
     * @return the observation, or null when this call added errors
     */
    public static Observation parseObservation(JsonNode node, List<Object> loc, boolean withUniqueId,
            List<ValidationError> errors) {
        int before = errors.size();
        if (node == null || !node.isObject()) {
            errors.add(notAnObject(node, loc));
            return null;
        }
        Observation.Builder b = Observation.newBuilder();
        readObservationFields(node, loc, errors, b::setStrings, b::setVectors, b::setEmotives, b::setMetadataJson);
        if (withUniqueId) {
            b.setUniqueId(optionalString(node, "unique_id", loc, errors));
        }
        return errors.size() == before ? b.build() : null;
    }

    /**
     * A JSON record of kato.observations: the observation members plus {@code node_id},
     * {@code session_id} (string or null) and {@code unique_id} (string or null).
     *
     * @param keyNodeId the record key (the node id) or null when the record has no key. When the
     *                  body has no {@code node_id}, the key is used; when both exist they must be
     *                  equal ({@code value_error}), because the key decides which task owns the node.
     * @throws RecordValidationException with every problem
     */
    public static ObservationRecord parseObservationRecord(JsonNode node, String keyNodeId) {
        List<ValidationError> errors = new ArrayList<>();
        if (node == null || !node.isObject()) {
            throw new RecordValidationException(notAnObject(node, BODY));
        }
        ObservationRecord.Builder b = ObservationRecord.newBuilder();
        JsonNode nodeId = node.get("node_id");
        if (nodeId == null) {
            if (keyNodeId == null) {
                errors.add(LenientJson.missing(at(BODY, "node_id"), node));
            } else {
                b.setNodeId(keyNodeId);
            }
        } else {
            String id = LenientJson.string(nodeId, at(BODY, "node_id"), errors);
            if (id != null) {
                checkKey(id, keyNodeId, errors);
                b.setNodeId(id);
            }
        }
        b.setSessionId(optionalString(node, "session_id", BODY, errors));
        readObservationFields(node, BODY, errors, b::setStrings, b::setVectors, b::setEmotives, b::setMetadataJson);
        b.setUniqueId(optionalString(node, "unique_id", BODY, errors));
        if (!errors.isEmpty()) {
            throw new RecordValidationException(errors);
        }
        return b.build();
    }

    /** {@link #parseObservationRecord(JsonNode, String)} from the record's bytes. */
    public static ObservationRecord parseObservationRecord(byte[] json, String keyNodeId) {
        return parseObservationRecord(readBody(json), keyNodeId);
    }

    /**
     * Checks an ObservationRecord that arrived in Avro form against the same rules: finite
     * numbers, {@code metadata_json} a JSON object, node_id equal to the key (when there is one).
     * Locations use the JSON member names ({@code metadata} for {@code metadata_json}).
     *
     * @throws RecordValidationException with every problem
     */
    public static void validate(ObservationRecord r, String keyNodeId) {
        List<ValidationError> errors = new ArrayList<>();
        checkKey(r.getNodeId(), keyNodeId, errors);
        List<List<Double>> vectors = r.getVectors();
        for (int i = 0; i < vectors.size(); i++) {
            List<Double> v = vectors.get(i);
            for (int j = 0; j < v.size(); j++) {
                if (!Double.isFinite(v.get(j))) {
                    errors.add(new ValidationError("finite_number", List.of("body", "vectors", i, j),
                            LenientJson.MSG_FINITE, JsonNodeFactory.instance.numberNode(v.get(j))));
                }
            }
        }
        for (Map.Entry<String, Double> e : r.getEmotives().entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                errors.add(new ValidationError("finite_number", List.of("body", "emotives", e.getKey()),
                        LenientJson.MSG_FINITE, JsonNodeFactory.instance.numberNode(e.getValue())));
            }
        }
        List<Object> metaLoc = List.of("body", "metadata");
        try {
            JsonNode meta = readBody(r.getMetadataJson());
            LenientJson.object(meta, metaLoc, errors);
        } catch (RecordValidationException e) {
            errors.add(new ValidationError("json_invalid", metaLoc, "metadata_json is not JSON",
                    JsonNodeFactory.instance.textNode(r.getMetadataJson())));
        }
        if (!errors.isEmpty()) {
            throw new RecordValidationException(errors);
        }
    }

    // ---------------------------------------------------------------- metadata text

    /** The canonical {@code metadata_json} text of a metadata object (see {@link #METADATA_WRITER}). */
    public static String metadataJson(JsonNode metadataObject) {
        try {
            return METADATA_WRITER.writeValueAsString(metadataObject);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write metadata", e); // not reachable for a tree
        }
    }

    /**
     * Parses a {@code metadata_json} (or any JSON text written by this module) with
     * {@link #reader()}, accepting NaN/Infinity tokens.
     */
    public static JsonNode readMetadata(String metadataJson) {
        try {
            return READER.readTree(metadataJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata_json is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON form of an ObservationRecord (the shape this class parses), e.g. for producers. */
    public static ObjectNode toJson(ObservationRecord r) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("node_id", r.getNodeId());
        o.put("session_id", r.getSessionId());
        ArrayNode strings = o.putArray("strings");
        r.getStrings().forEach(strings::add);
        ArrayNode vectors = o.putArray("vectors");
        for (List<Double> v : r.getVectors()) {
            ArrayNode a = vectors.addArray();
            v.forEach(a::add);
        }
        ObjectNode emotives = o.putObject("emotives");
        r.getEmotives().forEach(emotives::put);
        o.set("metadata", readMetadata(r.getMetadataJson()));
        o.put("unique_id", r.getUniqueId());
        return o;
    }

    // ---------------------------------------------------------------- internals

    private interface Setter<T> {
        void set(T value);
    }

    /** Reads strings, vectors, emotives, metadata (in that order) and hands over the valid ones. */
    private static void readObservationFields(JsonNode node, List<Object> loc, List<ValidationError> errors,
            Setter<List<String>> strings, Setter<List<List<Double>>> vectors,
            Setter<Map<String, Double>> emotives, Setter<String> metadata) {
        JsonNode s = node.get("strings");
        if (s != null) {
            List<String> out = readStrings(s, at(loc, "strings"), errors);
            if (out != null) {
                strings.set(out);
            }
        }
        JsonNode v = node.get("vectors");
        if (v != null) {
            List<List<Double>> out = readVectors(v, at(loc, "vectors"), errors);
            if (out != null) {
                vectors.set(out);
            }
        }
        JsonNode e = node.get("emotives");
        if (e != null) {
            Map<String, Double> out = readEmotives(e, at(loc, "emotives"), errors);
            if (out != null) {
                emotives.set(out);
            }
        }
        JsonNode m = node.get("metadata");
        if (m != null) {
            ObjectNode obj = LenientJson.object(m, at(loc, "metadata"), errors);
            if (obj != null) {
                metadata.set(metadataJson(obj));
            }
        }
    }

    private static List<String> readStrings(JsonNode s, List<Object> loc, List<ValidationError> errors) {
        ArrayNode arr = LenientJson.array(s, loc, errors);
        if (arr == null) {
            return null;
        }
        int before = errors.size();
        List<String> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            out.add(LenientJson.string(arr.get(i), at(loc, i), errors));
        }
        return errors.size() == before ? out : null;
    }

    private static List<List<Double>> readVectors(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        ArrayNode arr = LenientJson.array(v, loc, errors);
        if (arr == null) {
            return null;
        }
        int before = errors.size();
        List<List<Double>> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            List<Object> vecLoc = at(loc, i);
            ArrayNode vec = LenientJson.array(arr.get(i), vecLoc, errors);
            if (vec == null) {
                continue;
            }
            List<Double> values = new ArrayList<>(vec.size());
            for (int j = 0; j < vec.size(); j++) {
                values.add(LenientJson.finiteFloat(vec.get(j), at(vecLoc, j), errors));
            }
            out.add(values);
        }
        return errors.size() == before ? out : null;
    }

    private static Map<String, Double> readEmotives(JsonNode e, List<Object> loc, List<ValidationError> errors) {
        ObjectNode obj = LenientJson.object(e, loc, errors);
        if (obj == null) {
            return null;
        }
        int before = errors.size();
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : obj.properties()) {
            out.put(entry.getKey(), LenientJson.finiteFloat(entry.getValue(), at(loc, entry.getKey()), errors));
        }
        return errors.size() == before ? out : null;
    }

    private static String optionalString(JsonNode node, String member, List<Object> loc, List<ValidationError> errors) {
        JsonNode v = node.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        return LenientJson.string(v, at(loc, member), errors);
    }

    private static void checkKey(String nodeId, String keyNodeId, List<ValidationError> errors) {
        // The key is the node's canonical id; a raw id keyed as itself is re-keyed by the topology.
        if (keyNodeId != null && !keyNodeId.equals(nodeId)
                && !keyNodeId.equals(io.katostreams.schemas.ProcessorId.sanitizeNode(nodeId))) {
            errors.add(new ValidationError("value_error", List.of("body", "node_id"),
                    "Value error, node_id does not match the record key '" + keyNodeId
                            + "' (the key must be the node id or its canonical form, spec 02 §2.1)",
                    JsonNodeFactory.instance.textNode(nodeId)));
        }
    }

    private static ValidationError notAnObject(JsonNode node, List<Object> loc) {
        // FastAPI reports a non-object body as model_attributes_type, a nested item as model_type.
        return loc.size() == 1
                ? new ValidationError("model_attributes_type", loc,
                        "Input should be a valid dictionary or object to extract fields from", node)
                : new ValidationError("model_type", loc,
                        "Input should be a valid dictionary or instance of ObservationDataItem", node);
    }

    private static RecordValidationException invalidJson(long position, String error) {
        ObjectNode ctx = JsonNodeFactory.instance.objectNode();
        ctx.put("error", error == null ? "Expecting value" : error);
        List<Object> loc = List.of("body", (int) Math.min(Integer.MAX_VALUE, Math.max(0, position)));
        return new RecordValidationException(new ValidationError("json_invalid", loc, "JSON decode error",
                JsonNodeFactory.instance.objectNode(), ctx));
    }

    private static long position(JacksonException e) {
        JsonLocation l = e.getLocation();
        if (l == null) {
            return 0;
        }
        return Math.max(l.getCharOffset(), l.getByteOffset());
    }
}
