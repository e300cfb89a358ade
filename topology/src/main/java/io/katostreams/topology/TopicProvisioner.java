package io.katostreams.topology;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Creates the KATO topics when missing: every topic with the configured partition count;
 * kato.sessions and kato.knowledge compacted (they hold current state, the last record per key wins).
 * Refuses to run when kato.commands, kato.observations and kato.routing have different partition counts.
 *
 * <p>Disk (issue 16): every topic is compressed ({@code KATO_TOPIC_COMPRESSION}, zstd); the
 * delete-policy topics get time and size retention ({@link StorageSettings}) with segments small
 * enough that retention can act (Kafka deletes only closed segments, and its default segment of
 * 1 GiB / 7 days would outlive a 1-hour or 85-MiB-per-partition retention); compacted topics get
 * segments that close within {@code KATO_COMPACTED_SEGMENT_MS} (the cleaner never compacts the
 * active segment). The audit topic ({@code <prefix>audit}) is created when missing, with delete policy
 * and the audit retention ({@code KATO_AUDIT_RETENTION_MS} / {@code _BYTES}), and given that retention
 * when it exists. With {@code KATO_ALIGN_EXISTING_TOPICS} the configs KATO owns
 * ({@link #OWNED}) are set on existing topics too.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    /** The topic configs KATO aligns on existing topics; others (cleanup policy, timestamp type) are the operator's. */
    public static final Set<String> OWNED = Set.of(TopicConfig.COMPRESSION_TYPE_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
            TopicConfig.RETENTION_BYTES_CONFIG, TopicConfig.SEGMENT_MS_CONFIG, TopicConfig.SEGMENT_BYTES_CONFIG,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);

    /** Dirty ratio of the compacted topics and changelogs: compaction starts once a quarter is superseded. */
    static final String MIN_CLEANABLE_DIRTY_RATIO = "0.25";
    private static final long MIB = 1024L * 1024;

    /**
     * Topic name → configs of every topic the topology reads or writes, with default storage settings
     * and 6 partitions (kept for callers that only need the shape).
     */
    public static Map<String, Map<String, String>> topics(ServiceConfig.Topics t, int maxRecordBytes, boolean brokerTimestamps) {
        return topics(t, maxRecordBytes, brokerTimestamps, StorageConfig.defaults(), 6);
    }

    /**
     * Topic name → configs of every topic the topology creates.
     *
     * @param brokerTimestamps the input topics take the broker's append time as record timestamp
     *                         (KATO_INPUT_TIMESTAMPS=broker), so no producer clock moves stream time
     * @param partitions       the partition count: byte budgets are per topic, Kafka's are per partition
     */
    public static Map<String, Map<String, String>> topics(ServiceConfig.Topics t, int maxRecordBytes, boolean brokerTimestamps,
                                                          StorageConfig s, int partitions) {
        Map<String, String> input = deleting(s.input(), maxRecordBytes, s, partitions);
        input.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, brokerTimestamps ? "LogAppendTime" : "CreateTime");
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put(t.commands(), input);
        m.put(t.observations(), input);
        m.put(t.replies(), deleting(s.replies(), maxRecordBytes, s, partitions));
        m.put(t.predictions(), deleting(s.predictions(), maxRecordBytes, s, partitions));
        m.put(t.sessions(), compacted(maxRecordBytes, s));
        m.put(t.knowledge(), compacted(maxRecordBytes, s));
        m.put(t.deadLetters(), deleting(s.deadLetters(), maxRecordBytes, s, partitions));
        // Internal to the topology. CreateTime: a moved record keeps the time it arrived with (its
        // LogAppendTime on the input topic under KATO_INPUT_TIMESTAMPS=broker), written by the topology.
        Map<String, String> internal = deleting(s.input(), maxRecordBytes, s, partitions);
        internal.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        m.put(t.routing(), internal);
        m.put(t.sessionClaims(), new LinkedHashMap<>(internal));
        return m;
    }

    /** The name of the audit topic, which the topology creates when missing and whose retention it sets. */
    public static String auditTopic(ServiceConfig.Topics t) {
        return t.prefix() + "audit";
    }

    /** Configs of a delete-policy topic kept {@code r.ms()} and {@code r.bytes()} (whole topic). */
    static Map<String, String> deleting(StorageConfig.Retention r, int maxRecordBytes, StorageConfig s, int partitions) {
        long maxMessage = maxMessageBytes(maxRecordBytes);
        long perPartition = r.bytes() < 0 ? -1 : Math.max(1, r.bytes() / Math.max(1, partitions));
        // A segment must hold the largest batch (the broker refuses a batch larger than segment.bytes);
        // otherwise a quarter of the partition's budget, so at most ~25 % above the budget stays on disk.
        long segmentBytes = perPartition < 0 ? 1024 * MIB : Math.min(1024 * MIB, Math.max(maxMessage, perPartition / 4));
        long segmentMs = Math.max(60_000L, Math.min(24 * 3_600_000L, r.ms() / 8));
        Map<String, String> c = common(maxRecordBytes, s);
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.ms()));
        c.put(TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(perPartition));
        c.put(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(segmentBytes));
        c.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segmentMs));
        return c;
    }

    /** Configs of a compacted topic (or changelog) whose segments close so the cleaner can run. */
    static Map<String, String> compacted(int maxRecordBytes, StorageConfig s) {
        Map<String, String> c = common(maxRecordBytes, s);
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        c.putAll(compactionSegments(maxRecordBytes, s));
        return c;
    }

    /** The segment and cleaner settings of compacted topics; also given to the changelogs ({@code topic.} prefix). */
    public static Map<String, String> compactionSegments(int maxRecordBytes, StorageConfig s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(s.compactedSegmentMs()));
        c.put(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(Math.max(maxMessageBytes(maxRecordBytes), 64 * MIB)));
        c.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, MIN_CLEANABLE_DIRTY_RATIO);
        c.put(TopicConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        return c;
    }

    private static Map<String, String> common(int maxRecordBytes, StorageConfig s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes(maxRecordBytes)));
        c.put(TopicConfig.COMPRESSION_TYPE_CONFIG, s.compression());
        return c;
    }

    /** Topic/producer limit for records of up to {@code maxRecordBytes}: room for key, headers and batch overhead. */
    public static int maxMessageBytes(int maxRecordBytes) {
        return maxRecordBytes + 64 * 1024;
    }

    /**
     * Creates the missing topics and checks the partition layout.
     *
     * @return the partition count of kato.commands (equal to kato.observations' and kato.routing's)
     */
    public static int ensureTopics(Admin admin, ServiceConfig.Topics t, int partitions, short replication,
                                    int maxRecordBytes, boolean brokerTimestamps) {
        return ensureTopics(admin, t, partitions, replication, maxRecordBytes, brokerTimestamps, StorageConfig.defaults(), List.of());
    }

    /**
     * Creates the missing topics and, when {@code s.alignExistingTopics()}, sets the {@link #OWNED}
     * configs of existing KATO topics, of the audit topic when it exists and of the given changelogs
     * when they exist (Kafka Streams applies its {@code topic.} configs only when it creates them).
     *
     * @return the partition count of kato.commands (equal to kato.observations' and kato.routing's)
     */
    public static int ensureTopics(Admin admin, ServiceConfig.Topics t, int partitions, short replication,
                                    int maxRecordBytes, boolean brokerTimestamps, StorageConfig s,
                                    Collection<String> changelogs) {
        try {
            Set<String> existing = new java.util.HashSet<>(admin.listTopics().names().get());
            Map<String, Map<String, String>> wanted = topics(t, maxRecordBytes, brokerTimestamps, s, partitions);
            List<NewTopic> missing = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
                if (!existing.contains(e.getKey())) {
                    missing.add(new NewTopic(e.getKey(), partitions, replication).configs(e.getValue()));
                }
            }
            for (NewTopic n : missing) {
                try {
                    admin.createTopics(List.of(n)).all().get();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
                    existing.add(n.name()); // created meanwhile, or not yet in the listing: align it like the others
                }
            }
            // The audit trail: the bridge creates it too, but the topology writes to it (commands published
            // straight to Kafka) even when no bridge runs. Delete policy (every record counts, never compacted).
            String auditName = auditTopic(t);
            if (!existing.contains(auditName)) {
                try {
                    admin.createTopics(List.of(new NewTopic(auditName, partitions, replication)
                            .configs(deleting(s.audit(), maxRecordBytes, s, partitions)))).all().get();
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
                    existing.add(auditName); // created meanwhile (e.g. by a bridge): align it like the others
                }
            }
            if (s.alignExistingTopics()) {
                Map<String, Map<String, String>> align = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
                    if (existing.contains(e.getKey())) align.put(e.getKey(), e.getValue());
                }
                String audit = auditTopic(t);
                if (existing.contains(audit)) {
                    int n = retrying(() -> admin.describeTopics(List.of(audit)).allTopicNames().get()).get(audit)
                            .partitions().size();
                    align.put(audit, deleting(s.audit(), maxRecordBytes, s, n));
                }
                for (String c : changelogs) {
                    if (existing.contains(c)) align.put(c, compactionSegments(maxRecordBytes, s));
                }
                align(admin, align);
            }
            Map<String, TopicDescription> d = retrying(() -> admin.describeTopics(List.of(t.commands(), t.observations(), t.routing()))
                    .allTopicNames().get());
            int c = d.get(t.commands()).partitions().size();
            int o = d.get(t.observations()).partitions().size();
            int r = d.get(t.routing()).partitions().size();
            if (c != o || c != r) {
                throw new IllegalStateException(t.commands() + " has " + c + " partitions, " + t.observations() + " " + o
                        + " and " + t.routing() + " " + r + ": they must be equal, because one task owns each node across "
                        + "the three topics");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the KATO topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException;
    }

    /** Retries (for up to 10 s) while a topic created a moment ago has not reached the broker's metadata yet. */
    private static <T> T retrying(AdminCall<T> call) throws InterruptedException, ExecutionException {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || attempt >= 100) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Sets the {@link #OWNED} configs of each topic that differ from {@code wanted}; returns how many were changed. */
    static int align(Admin admin, Map<String, Map<String, String>> wanted) throws InterruptedException, ExecutionException {
        if (wanted.isEmpty()) return 0;
        List<ConfigResource> resources = wanted.keySet().stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> current = retrying(() -> admin.describeConfigs(resources).all().get());
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            Config have = current.get(r);
            List<AlterConfigOp> changes = new ArrayList<>();
            for (Map.Entry<String, String> e : wanted.get(r.name()).entrySet()) {
                if (!OWNED.contains(e.getKey())) continue;
                ConfigEntry now = have == null ? null : have.get(e.getKey());
                if (now != null && e.getValue().equals(now.value())) continue;
                changes.add(new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET));
            }
            if (!changes.isEmpty()) {
                ops.put(r, changes);
                LOG.info("topic {}: setting {}", r.name(), changes.stream()
                        .map(a -> a.configEntry().name() + "=" + a.configEntry().value()).toList());
            }
        }
        if (!ops.isEmpty()) admin.incrementalAlterConfigs(ops).all().get();
        return ops.size();
    }
}
