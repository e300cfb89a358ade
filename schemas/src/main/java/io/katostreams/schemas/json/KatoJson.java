package io.katostreams.schemas.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.avro.FuturePotential;
import io.katostreams.schemas.avro.Prediction;
import io.katostreams.schemas.validation.ObservationJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Natural JSON for this project's records (what {@code KATO_OUTPUT_FORMAT=json} writes, and what
 * logs and tools show) and the REST JSON shapes built from them. Not Avro's JSON encoding: no
 * union wrappers, no byte strings in ISO-8859-1.
 *
 * <p>Mapping, driven by the Avro schema so every record type is covered:
 * <ul>
 *   <li>record → object, members in schema order with the Avro field names; a {@link Prediction}
 *       is therefore exactly the 25-member REST object of spec 01 §8.1 and a
 *       {@link FuturePotential} the §8.2 object;</li>
 *   <li>a field marked {@code "kato.json": "text"} holds JSON text: it is embedded as JSON (not as
 *       a string) under its name without the {@code _json} suffix ({@code metadata_json} →
 *       {@code "metadata": {...}}, {@code body_json} → {@code "body"}); text that does not parse is
 *       written as a string, the serializer never fails on it;</li>
 *   <li>a nullable union → the value or {@code null}; a union of several records (Command.op,
 *       KnowledgeRecord.item) → the chosen record's object with a leading
 *       {@code "type": "<RecordName>"} member;</li>
 *   <li>double → Python's repr ({@link PythonFloat}: {@code 1.0}, {@code 1e-05}); a non-finite
 *       double (never produced by a correct engine) → the string {@code "NaN"}/{@code "Infinity"}/
 *       {@code "-Infinity"}; int/long → integer; boolean; string;</li>
 *   <li>{@code timestamp-millis} → ISO-8601 UTC with {@code Z} ({@link #isoZ});</li>
 *   <li>bytes → base64 (standard alphabet, padded);</li>
 *   <li>map → object in map order; array → array.</li>
 * </ul>
 * Output is compact UTF-8 without escaping of non-ASCII characters, like the reference's
 * responses.
 */
public final class KatoJson {

    /** Field property marking a string (or array of strings) field that holds JSON text. */
    public static final String JSON_TEXT_PROP = "kato.json";

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private KatoJson() {
    }

    // ---------------------------------------------------------------- whole records

    /** The natural JSON of any generated record, as UTF-8 bytes. */
    public static byte[] toJsonBytes(IndexedRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeRecord(g, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The natural JSON of any generated record. */
    public static String toJson(IndexedRecord record) {
        return write(g -> writeRecord(g, record));
    }

    /**
     * The body of {@code GET /sessions/{id}/predictions} (spec 01 §4.7, spec 04 §12.2):
     * {@code predictions}, {@code future_potentials}, {@code session_id}, {@code processor_id}
     * null, {@code count}, {@code time} null, {@code unique_id} null.
     */
    public static String predictionsResponse(String sessionId, List<Prediction> predictions,
            List<FuturePotential> futurePotentials) {
        return write(g -> {
            g.writeStartObject();
            g.writeFieldName("predictions");
            g.writeStartArray();
            for (Prediction p : predictions) {
                writeRecord(g, p);
            }
            g.writeEndArray();
            g.writeFieldName("future_potentials");
            g.writeStartArray();
            for (FuturePotential f : futurePotentials) {
                writeRecord(g, f);
            }
            g.writeEndArray();
            g.writeStringField("session_id", sessionId);
            g.writeNullField("processor_id");
            g.writeNumberField("count", predictions.size());
            g.writeNullField("time");
            g.writeNullField("unique_id");
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- building blocks

    /** Writes {@code record} as a JSON object (see the class comment for the mapping). */
    public static void writeRecord(JsonGenerator g, IndexedRecord record) throws IOException {
        writeRecord(g, record.getSchema(), record, null);
    }

    /** Writes a double the way the reference prints it (Python repr); non-finite as a string. */
    public static void writeFloat(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(PythonFloat.repr(d));
        } else {
            g.writeString(Double.toString(d));
        }
    }

    /**
     * Writes a JSON tree with the same number rules as records (integers exact, floats as Python
     * repr), e.g. a parsed {@code metadata_json}.
     */
    public static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            g.writeNull();
        } else if (node.isObject()) {
            g.writeStartObject();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                g.writeFieldName(e.getKey());
                writeTree(g, e.getValue());
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) {
                writeTree(g, item);
            }
            g.writeEndArray();
        } else if (node.isIntegralNumber()) {
            g.writeNumber(node.bigIntegerValue()); // exact, any size
        } else if (node.isNumber()) {
            writeFloat(g, node.doubleValue());
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else {
            g.writeString(node.asText());
        }
    }

    /**
     * ISO-8601 UTC with a {@code Z} suffix and microseconds only when non-zero
     * ({@code 2025-01-01T12:00:00.123000Z}, {@code 2025-01-01T12:00:00Z}): the form of
     * {@code created_at}/{@code expires_at} in REST responses (spec 01 §0.2).
     */
    public static String isoZ(Instant t) {
        return iso(t) + "Z";
    }

    /**
     * The same with a {@code +00:00} offset ({@code 2025-01-01T12:00:00.123000+00:00}): the form
     * of hand-made timestamps (health, status) and of the session record of spec 05 §4.3.
     */
    public static String isoOffset(Instant t) {
        return iso(t) + "+00:00";
    }

    // ---------------------------------------------------------------- internals

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        Writer w = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static String iso(Instant t) {
        Instant micros = t.truncatedTo(ChronoUnit.MICROS);
        int fraction = micros.getNano() / 1000;
        String base = SECONDS.format(micros);
        return fraction == 0 ? base : base + String.format(".%06d", fraction);
    }

    /** @param discriminator when non-null, written first as {@code "type": discriminator} */
    private static void writeRecord(JsonGenerator g, Schema schema, IndexedRecord record, String discriminator)
            throws IOException {
        g.writeStartObject();
        if (discriminator != null) {
            g.writeStringField("type", discriminator);
        }
        for (Schema.Field field : schema.getFields()) {
            boolean jsonText = "text".equals(field.getProp(JSON_TEXT_PROP));
            String name = field.name();
            if (jsonText && name.endsWith("_json")) {
                name = name.substring(0, name.length() - "_json".length());
            }
            g.writeFieldName(name);
            writeValue(g, field.schema(), record.get(field.pos()), jsonText);
        }
        g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, Schema schema, Object value, boolean jsonText) throws IOException {
        switch (schema.getType()) {
            case NULL -> g.writeNull();
            case UNION -> writeUnion(g, schema, value, jsonText);
            case RECORD -> writeRecord(g, schema, (IndexedRecord) value, null);
            case STRING, ENUM -> {
                if (jsonText) {
                    writeJsonText(g, value.toString());
                } else {
                    g.writeString(value.toString());
                }
            }
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            case INT -> g.writeNumber(((Number) value).intValue());
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    Instant t = value instanceof Instant i ? i : Instant.ofEpochMilli(((Number) value).longValue());
                    g.writeString(isoZ(t));
                } else {
                    g.writeNumber(((Number) value).longValue());
                }
            }
            case FLOAT, DOUBLE -> writeFloat(g, ((Number) value).doubleValue());
            case BYTES, FIXED -> g.writeString(Base64.getEncoder().encodeToString(bytes(value)));
            case ARRAY -> {
                g.writeStartArray();
                for (Object item : (Collection<?>) value) {
                    writeValue(g, schema.getElementType(), item, jsonText);
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    writeValue(g, schema.getValueType(), e.getValue(), jsonText);
                }
                g.writeEndObject();
            }
        }
    }

    private static void writeUnion(JsonGenerator g, Schema union, Object value, boolean jsonText) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        Schema branch = union.getTypes().get(SpecificData.get().resolveUnion(union, value));
        long choices = union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).count();
        if (branch.getType() == Schema.Type.RECORD && choices > 1) {
            writeRecord(g, branch, (IndexedRecord) value, branch.getName());
        } else {
            writeValue(g, branch, value, jsonText);
        }
    }

    private static void writeJsonText(JsonGenerator g, String text) throws IOException {
        JsonNode node;
        try {
            node = ObservationJson.readMetadata(text);
        } catch (IllegalArgumentException e) {
            node = null;
        }
        if (node == null || node.isMissingNode()) {
            g.writeString(text); // not JSON: keep the text rather than fail the whole record
        } else {
            writeTree(g, node);
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
        if (value instanceof GenericData.Fixed fixed) {
            return fixed.bytes();
        }
        return (byte[]) value;
    }
}
