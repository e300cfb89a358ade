package io.katostreams.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type, in Avro single-object encoding: the bytes
 * {@code C3 01}, the 8-byte little-endian fingerprint of the writer schema, then the Avro binary
 * body. The encoding is self-describing, so no schema registry is needed; the reader finds the
 * writer schema in {@link SchemaHistory} and resolves it against the current schema, filling
 * defaults of fields the writer did not know.
 *
 * <p>Contracts:
 * <ul>
 *   <li>{@code null} serialises to {@code null} and back (tombstones of compacted topics);</li>
 *   <li>the same record always encodes to the same bytes (map order included, see
 *       {@link KatoSpecificData});</li>
 *   <li>decode failures throw Kafka's {@link SerializationException} naming the topic, the record
 *       type and the cause (unknown fingerprint, another record type, not Avro, corrupt body);</li>
 *   <li>instances are immutable and thread-safe; {@code configure}/{@code close} do nothing.</li>
 * </ul>
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static {
        AvroTrust.ensure();
    }

    /** First two bytes of every single-object encoded record. */
    public static final byte MARKER_0 = (byte) 0xC3;
    public static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final Schema schema;
    private final SchemaHistory history;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final Serializer<T> serializer = (topic, data) -> data == null ? null : encode(topic, data);
    private final Deserializer<T> deserializer = (topic, data) -> data == null ? null : decode(topic, data);

    /** A serde for {@code type} reading every version in {@link SchemaHistory#get()}. */
    public AvroSerde(Class<T> type) {
        this(type, SchemaHistory.get());
    }

    /** A serde for {@code type} reading every version in {@code history}. */
    public AvroSerde(Class<T> type, SchemaHistory history) {
        this.type = Objects.requireNonNull(type, "type");
        this.history = Objects.requireNonNull(history, "history");
        this.schema = SpecificData.get().getSchema(type);
        KatoSpecificData model = KatoSpecificData.INSTANCE;
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, history.storeFor(schema));
    }

    public Class<T> type() {
        return type;
    }

    /** The current (reader and writer) schema. */
    public Schema schema() {
        return schema;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** Encodes {@code record} (not null) with the current schema. */
    public byte[] encode(T record) {
        return encode(null, record);
    }

    /** Decodes single-object encoded {@code bytes} (not null) written with any known version. */
    public T decode(byte[] bytes) {
        return decode(null, bytes);
    }

    /** Whether {@code bytes} start with the single-object encoding marker {@code C3 01}. */
    public static boolean isSingleObjectEncoded(byte[] bytes) {
        return bytes != null && bytes.length >= 2 && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
    }

    private byte[] encode(String topic, T record) {
        if (!type.isInstance(record)) {
            throw new SerializationException(where(topic) + "expected " + type.getName() + ", got " + record.getClass().getName());
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            encoder.encode(record, out);
            return out.toByteArray();
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            // Avro reports a null in a non-null field as NPE and a wrong value type as ClassCastException.
            throw new SerializationException(where(topic) + "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private T decode(String topic, byte[] bytes) {
        if (!isSingleObjectEncoded(bytes)) {
            throw new SerializationException(where(topic) + "not an Avro single-object encoded "
                    + type.getSimpleName() + " (the record does not start with C3 01)");
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new SerializationException(where(topic) + "truncated Avro record: " + bytes.length + " bytes");
        }
        try {
            return decoder.decode(ByteBuffer.wrap(bytes));
        } catch (MissingSchemaException e) {
            throw new SerializationException(where(topic) + unknownSchema(fingerprintOf(bytes)), e);
        } catch (BadHeaderException e) {
            throw new SerializationException(where(topic) + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(where(topic) + "corrupt " + type.getSimpleName() + " record: " + e, e);
        }
    }

    private String unknownSchema(long fingerprint) {
        String fp = String.format("%016x", fingerprint);
        Optional<SchemaHistory.Version> other = history.find(fingerprint);
        if (other.isPresent()) {
            return "expected a " + schema.getFullName() + " record but got " + other.get();
        }
        return "record written with an unknown schema (fingerprint " + fp + ") for " + schema.getFullName()
                + ": not one of the " + history.versions(schema.getFullName()).size()
                + " shipped versions; was it written by a newer release? (upgrade readers before writers)";
    }

    /** The writer fingerprint of a single-object encoded record (bytes 2..9, little-endian). */
    static long fingerprintOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static String where(String topic) {
        return topic == null ? "" : topic + ": ";
    }
}
