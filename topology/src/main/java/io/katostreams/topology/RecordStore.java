package io.katostreams.topology;

import java.util.function.BiConsumer;

/**
 * The key-value view the topology logic needs of a state store; the processor adapts a Kafka
 * Streams {@code KeyValueStore}, tests may use a sorted map. Iteration is in key order (deterministic).
 */
public interface RecordStore<V> {
    V get(String key);

    void put(String key, V value);

    void delete(String key);

    /** The encoded size in bytes of the stored value, or 0 when absent (-1 when the store cannot tell). */
    default int storedSize(String key) {
        return -1;
    }

    /** Every entry whose key starts with {@code prefix}, in key order. */
    void forEachWithPrefix(String prefix, BiConsumer<String, V> action);
}
