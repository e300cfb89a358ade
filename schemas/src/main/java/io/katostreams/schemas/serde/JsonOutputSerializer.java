package io.katostreams.schemas.serde;

import io.katostreams.schemas.json.KatoJson;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes records as natural JSON (UTF-8) for {@code KATO_OUTPUT_FORMAT=json}; mapping in
 * {@link KatoJson}. Null stays null (tombstones). Thread-safe.
 */
public final class JsonOutputSerializer<T extends SpecificRecord> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : KatoJson.toJsonBytes(data);
    }
}
