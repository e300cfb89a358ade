package io.katostreams.topology;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Which partition owns a key: {@code toPositive(murmur2(key bytes)) % partitions}, exactly what the
 * Java producer's default partitioner does for a keyed record (BuiltInPartitioner.partitionForKey),
 * hence what the REST bridge gets when it sends a command keyed by the canonical node id. The
 * topology uses this one function for every placement decision: the task of partition
 * {@code partitionOf(canonical node id)} of kato.commands / kato.observations owns the node, and a
 * record that arrives anywhere else is moved there.
 */
final class NodePlacement {
    private NodePlacement() {
    }

    static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    static int partitionOf(String key, int partitions) {
        return partitionOf(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** A sink partitioner placing each record at {@link #partitionOf} its key (never the producer's choice). */
    static final class ByKey implements StreamPartitioner<byte[], byte[]> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int numPartitions) {
            return Optional.of(Set.of(partitionOf(key, numPartitions)));
        }
    }
}
