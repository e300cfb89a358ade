package io.katostreams.bridge;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Helpers for the bridge's manually assigned consumers (no group, all partitions of one topic). */
final class TopicPartitions {
    private static final Logger LOG = LoggerFactory.getLogger(TopicPartitions.class);

    private TopicPartitions() {}

    static Set<TopicPartition> of(List<PartitionInfo> infos) {
        Set<TopicPartition> s = new HashSet<>();
        for (PartitionInfo i : infos) {
            s.add(new TopicPartition(i.topic(), i.partition()));
        }
        return s;
    }

    /**
     * Picks up partitions added to {@code topic} since {@code assigned} was taken; the new ones are
     * read from their beginning. Returns the assignment now in force.
     */
    static Set<TopicPartition> refresh(Consumer<?, ?> consumer, String topic, Set<TopicPartition> assigned) {
        try {
            Set<TopicPartition> now = of(consumer.partitionsFor(topic, Duration.ofSeconds(2)));
            if (now.size() > assigned.size()) {
                Set<TopicPartition> added = new HashSet<>(now);
                added.removeAll(assigned);
                consumer.assign(now);
                consumer.seekToBeginning(added);
                LOG.info("{} grew to {} partitions", topic, now.size());
                return now;
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.debug("partition refresh of {} failed: {}", topic, e.toString());
        }
        return assigned;
    }
}
