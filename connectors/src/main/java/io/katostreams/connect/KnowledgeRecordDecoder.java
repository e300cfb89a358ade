package io.katostreams.connect;

import io.katostreams.schemas.KatoTopics;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a Connect record of {@code kato.knowledge} into a {@link KnowledgeChange}.
 *
 * <p>Expected converters (see connectors/README.md): {@code key.converter=StringConverter} (or
 * {@code ByteArrayConverter}: the key is UTF-8 text) and {@code value.converter=ByteArrayConverter}
 * (the value is Avro single-object encoding, read with {@link KatoSerdes#knowledge()}).
 *
 * <p>Contract:
 * <ul>
 *   <li>a key or value of another Java type means the connector is configured with the wrong
 *       converter: that is not a bad record, so it throws {@link ConnectException} and the task
 *       fails with a message that says what to set;</li>
 *   <li>anything wrong with the record itself throws {@link BadRecordException} naming the rule:
 *       missing or malformed key, undecodable value, a key that is not the one
 *       {@link KnowledgeKeys#keyOf} gives for the value (a mismatch would make compaction keep the
 *       wrong item);</li>
 *   <li>a null value is a tombstone of the item named by the key.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class KnowledgeRecordDecoder {

    private static final AvroSerde<KnowledgeRecord> SERDE = KatoSerdes.knowledge();

    private KnowledgeRecordDecoder() {
    }

    public static KnowledgeChange decode(SinkRecord record) {
        String keyText = keyText(record);
        KnowledgeKeys.Key key;
        try {
            key = KnowledgeKeys.parse(keyText);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("record key: " + e.getMessage(), e);
        }
        Object value = record.value();
        if (value == null) {
            return new KnowledgeChange(record, key, null);
        }
        if (!(value instanceof byte[] bytes)) {
            throw new ConnectException("kato.knowledge values must reach the sink as bytes, got "
                    + value.getClass().getName() + ": set value.converter="
                    + "org.apache.kafka.connect.converters.ByteArrayConverter on the connector");
        }
        KnowledgeRecord decoded;
        try {
            decoded = SERDE.deserializer().deserialize(topicOf(record), bytes);
        } catch (SerializationException e) {
            throw new BadRecordException("record value: " + e.getMessage(), e);
        }
        String expected;
        try {
            expected = KnowledgeKeys.keyOf(decoded);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("record value: " + e.getMessage(), e);
        }
        if (!expected.equals(keyText)) {
            throw new BadRecordException("record key '" + keyText + "' does not match its value, whose key is '"
                    + expected + "'");
        }
        return new KnowledgeChange(record, key, decoded.getItem());
    }

    private static String keyText(SinkRecord record) {
        Object key = record.key();
        if (key == null) {
            throw new BadRecordException("record key: missing (kato.knowledge records are keyed, see KnowledgeKeys)");
        }
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        throw new ConnectException("kato.knowledge keys must reach the sink as text, got " + key.getClass().getName()
                + ": set key.converter=org.apache.kafka.connect.storage.StringConverter on the connector");
    }

    private static String topicOf(SinkRecord record) {
        return record.topic() == null ? KatoTopics.KNOWLEDGE : record.topic();
    }
}
