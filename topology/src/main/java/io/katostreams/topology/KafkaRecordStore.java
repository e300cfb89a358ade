package io.katostreams.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.function.BiConsumer;

/** A {@link RecordStore} over a Kafka Streams key-value store holding serialized records. */
final class KafkaRecordStore<V> implements RecordStore<V> {
    private final KeyValueStore<String, byte[]> store;
    private final Serde<V> serde;
    private final String topic;

    KafkaRecordStore(KeyValueStore<String, byte[]> store, Serde<V> serde) {
        this.store = store;
        this.serde = serde;
        this.topic = store.name();
    }

    @Override
    public V get(String key) {
        byte[] b = store.get(key);
        return b == null ? null : serde.deserializer().deserialize(topic, b);
    }

    @Override
    public int storedSize(String key) {
        byte[] b = store.get(key);
        return b == null ? 0 : b.length;
    }

    @Override
    public void put(String key, V value) {
        store.put(key, serde.serializer().serialize(topic, value));
    }

    @Override
    public void delete(String key) {
        store.delete(key);
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, V> action) {
        try (KeyValueIterator<String, byte[]> it = prefix.isEmpty() ? store.all()
                : store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                action.accept(kv.key, serde.deserializer().deserialize(topic, kv.value));
            }
        }
    }
}
