package io.katostreams.topology;

import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;

/**
 * Partitions kato.knowledge records by the {@code <processor_id>} prefix of their key, so that all
 * items of one node are in one partition in the order the node changed them: a sink then applies a
 * node's clear-all after, never before, the writes that preceded it.
 */
final class NodePrefixPartitioner implements StreamPartitioner<byte[], byte[]> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int numPartitions) {
        int end = 0;
        while (end < key.length && key[end] != '/') end++;
        byte[] prefix = java.util.Arrays.copyOf(key, end);
        return Optional.of(Set.of(NodePlacement.partitionOf(prefix, numPartitions)));
    }
}
