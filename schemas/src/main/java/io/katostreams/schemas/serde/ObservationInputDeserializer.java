package io.katostreams.schemas.serde;

import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.validation.ObservationJson;
import io.katostreams.schemas.validation.RecordValidationException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads values of {@code kato.observations}, which external producers may write in either form:
 * <ul>
 *   <li>Avro single-object encoded {@link ObservationRecord} (the value starts with {@code C3 01};
 *       no JSON text can start with byte C3), any shipped schema version;</li>
 *   <li>JSON in KATO's observation shape: spec 01 §4.1 {@code ObservationData} plus
 *       {@code node_id}, {@code session_id} and {@code unique_id} members (see
 *       {@link ObservationJson#parseObservationRecord(com.fasterxml.jackson.databind.JsonNode, String)}).</li>
 * </ul>
 * Both forms pass the same checks (spec 03 §1: finite numbers, metadata an object; node_id equal
 * to the record key when both exist).
 *
 * <p>Failures: {@link RecordValidationException} for input that breaks a rule (message
 * {@code <path>: <rule>}, E2 entries attached), {@link SerializationException} for bytes that
 * are not a readable Avro record (unknown schema, corrupt body). A null value (tombstone) gives
 * null. The Kafka {@code deserialize} methods have no access to the key, so for them a JSON
 * record must carry {@code node_id}; callers that have the key (a processor reading raw bytes)
 * use {@link #deserializeWithKey}. Thread-safe.
 */
public final class ObservationInputDeserializer implements Deserializer<ObservationRecord> {

    static {
        AvroTrust.ensure();
    }

    private final AvroSerde<ObservationRecord> avro;

    public ObservationInputDeserializer() {
        this(new AvroSerde<>(ObservationRecord.class));
    }

    ObservationInputDeserializer(AvroSerde<ObservationRecord> avro) {
        this.avro = avro;
    }

    @Override
    public ObservationRecord deserialize(String topic, byte[] data) {
        return deserializeWithKey(topic, (String) null, data);
    }

    @Override
    public ObservationRecord deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    /**
     * Decodes a value of {@code kato.observations} knowing its key.
     *
     * @param key the record key, i.e. the node id (null when the record has none); fills a
     *            missing JSON {@code node_id} and must equal a present one
     * @return the record, or null for a null value
     */
    public ObservationRecord deserializeWithKey(String topic, String key, byte[] data) {
        if (data == null) {
            return null;
        }
        if (AvroSerde.isSingleObjectEncoded(data)) {
            ObservationRecord r = avro.deserializer().deserialize(topic, data);
            ObservationJson.validate(r, key);
            return r;
        }
        return ObservationJson.parseObservationRecord(data, key);
    }

    /** {@link #deserializeWithKey(String, String, byte[])} with the raw key bytes (UTF-8). */
    public ObservationRecord deserializeWithKeyBytes(String topic, byte[] key, byte[] data) {
        return deserializeWithKey(topic, key == null ? null : new String(key, StandardCharsets.UTF_8), data);
    }

    /** Whether a value is in the Avro form (else it is treated as JSON). */
    public static boolean isAvro(byte[] data) {
        return AvroSerde.isSingleObjectEncoded(data);
    }
}
