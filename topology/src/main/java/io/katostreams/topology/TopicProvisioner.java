package io.katostreams.topology;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Creates the KATO topics when missing: every topic with the configured partition count;
 * kato.sessions and kato.knowledge compacted (they hold current state, the last record per key wins).
 * Refuses to run when kato.commands and kato.observations have different partition counts.
 */
public final class TopicProvisioner {
    private TopicProvisioner() {}

    /**
     * Topic name → configs of every topic the topology reads or writes.
     *
     * @param brokerTimestamps the input topics take the broker's append time as record timestamp
     *                         (KATO_INPUT_TIMESTAMPS=broker), so no producer clock moves stream time
     */
    public static Map<String, Map<String, String>> topics(ServiceConfig.Topics t, int maxRecordBytes, boolean brokerTimestamps) {
        String max = Integer.toString(maxMessageBytes(maxRecordBytes));
        Map<String, String> plain = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, max);
        Map<String, String> input = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, max,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, brokerTimestamps ? "LogAppendTime" : "CreateTime");
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, max);
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put(t.commands(), input);
        m.put(t.observations(), input);
        m.put(t.replies(), Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, max));
        m.put(t.predictions(), plain);
        m.put(t.sessions(), compacted);
        m.put(t.knowledge(), compacted);
        m.put(t.deadLetters(), plain);
        return m;
    }

    /** Topic/producer limit for records of up to {@code maxRecordBytes}: room for key, headers and batch overhead. */
    public static int maxMessageBytes(int maxRecordBytes) {
        return maxRecordBytes + 64 * 1024;
    }

    /**
     * Describes topics this admin may have created a moment ago: the controller has committed them
     * but the broker answering may not have applied that metadata yet (UnknownTopicOrPartition),
     * so that answer is polled away for up to 30 s.
     */
    private static Map<String, TopicDescription> describeCreated(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // poll interval while the broker catches up with the controller
            }
        }
    }

    public static void ensureTopics(Admin admin, ServiceConfig.Topics t, int partitions, short replication,
                                    int maxRecordBytes, boolean brokerTimestamps) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> e : topics(t, maxRecordBytes, brokerTimestamps).entrySet()) {
                if (!existing.contains(e.getKey())) {
                    missing.add(new NewTopic(e.getKey(), partitions, replication).configs(e.getValue()));
                }
            }
            for (NewTopic n : missing) {
                try {
                    admin.createTopics(List.of(n)).all().get();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
                }
            }
            Map<String, TopicDescription> d = describeCreated(admin, List.of(t.commands(), t.observations()));
            int c = d.get(t.commands()).partitions().size();
            int o = d.get(t.observations()).partitions().size();
            if (c != o) {
                throw new IllegalStateException(t.commands() + " has " + c + " partitions but " + t.observations()
                        + " has " + o + ": they must be equal, because one task owns each node across both topics");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the KATO topics: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
