package io.katostreams.topology;

import io.katostreams.embedded.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Topics are created (and existing ones aligned) with compression, retention and segment settings (issue 16). */
class TopicProvisionerTest {
    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.builder().start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) admin.close();
        if (kafka != null) kafka.close();
    }

    /** The topic's configs, once the broker's metadata knows the just-created topic. */
    private static Config config(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        for (int attempt = 0; ; attempt++) {
            try {
                return admin.describeConfigs(List.of(r)).all().get().get(r);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || attempt > 100) throw e;
                Thread.sleep(100);
            }
        }
    }

    /** Waits (up to 30 s) until the broker reports {@code key=value} for the topic; the assertions follow. */
    private static void awaitConfig(String topic, String key, String value) throws Exception {
        for (int i = 0; i < 300 && !value.equals(config(topic).get(key).value()); i++) Thread.sleep(100);
    }

    @Test
    void topicsAreCreatedCompressedWithRetentionAndSegmentsThatLetRetentionAndCompactionAct() throws Exception {
        ServiceConfig.Topics t = new ServiceConfig.Topics("p1.");
        StorageConfig s = StorageConfig.defaults();
        TopicProvisioner.ensureTopics(admin, t, 4, (short) 1, 16 * 1024 * 1024, true, s, List.of());

        for (String topic : List.of(t.commands(), t.observations(), t.replies(), t.predictions(), t.sessions(),
                t.knowledge(), t.deadLetters())) {
            assertEquals("zstd", config(topic).get("compression.type").value(), topic);
        }
        Config predictions = config(t.predictions());
        assertEquals("86400000", predictions.get("retention.ms").value());
        assertEquals(Long.toString(2048L * 1024 * 1024 / 4), predictions.get("retention.bytes").value(),
                "2 GiB for the topic, split across 4 partitions");
        assertEquals(Long.toString(2048L * 1024 * 1024 / 16), predictions.get("segment.bytes").value(),
                "a quarter of the partition's budget");
        assertEquals("10800000", predictions.get("segment.ms").value(), "an eighth of the retention time");
        Config replies = config(t.replies());
        assertEquals("3600000", replies.get("retention.ms").value());
        assertEquals("450000", replies.get("segment.ms").value(), "closes well within the hour it is kept");
        assertEquals(Long.toString(512L * 1024 * 1024 / 16), replies.get("segment.bytes").value());
        ServiceConfig.Topics small = new ServiceConfig.Topics("p3.");
        TopicProvisioner.ensureTopics(admin, small, 4, (short) 1, 16 * 1024 * 1024, true,
                StorageConfig.fromEnvironment(Map.of("KATO_REPLIES_RETENTION_BYTES", "67108864")), List.of());
        assertEquals(Long.toString(16 * 1024 * 1024 + 64 * 1024), config(small.replies()).get("segment.bytes").value(),
                "a segment holds the largest record, even when that is more than a quarter of the budget");
        Config audit = config(TopicProvisioner.auditTopic(t));
        assertEquals("delete", audit.get("cleanup.policy").value(), "the audit trail is never compacted");
        assertEquals(Long.toString(30 * 86_400_000L), audit.get("retention.ms").value(), "created with KATO_AUDIT_RETENTION_MS");
        assertEquals(Long.toString(512L * 1024 * 1024 / 4), audit.get("retention.bytes").value());
        Config dl = config(t.deadLetters());
        assertEquals(Long.toString(7 * 86_400_000L), dl.get("retention.ms").value());
        assertEquals(Long.toString(512L * 1024 * 1024 / 4), dl.get("retention.bytes").value());
        Config sessions = config(t.sessions());
        assertEquals("compact", sessions.get("cleanup.policy").value());
        assertEquals("3600000", sessions.get("segment.ms").value());
        assertEquals("0.25", sessions.get("min.cleanable.dirty.ratio").value());
        assertEquals("LogAppendTime", config(t.commands()).get("message.timestamp.type").value());
    }

    @Test
    void existingTopicsTheAuditTopicAndChangelogsAreAlignedOnTheConfigsKatoOwns() throws Exception {
        ServiceConfig.Topics t = new ServiceConfig.Topics("p2.");
        String changelog = "p2app-kato-sessions-changelog";
        admin.createTopics(List.of(new NewTopic(t.predictions(), 2, (short) 1),
                new NewTopic(TopicProvisioner.auditTopic(t), 2, (short) 1),
                new NewTopic(changelog, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        for (int i = 0; i < 300 && !admin.listTopics().names().get().containsAll(List.of(t.predictions(),
                TopicProvisioner.auditTopic(t), changelog)); i++) {
            Thread.sleep(100); // until the broker lists what was just created
        }
        // an operator's own setting that KATO does not own stays
        ConfigResource pr = new ConfigResource(ConfigResource.Type.TOPIC, t.predictions());
        admin.incrementalAlterConfigs(Map.of(pr, List.of(new AlterConfigOp(new ConfigEntry("delete.retention.ms", "1234"),
                AlterConfigOp.OpType.SET)))).all().get();

        StorageConfig s = StorageConfig.fromEnvironment(Map.of("KATO_PREDICTIONS_RETENTION_MS", "7200000",
                "KATO_AUDIT_RETENTION_BYTES", "1073741824"));
        TopicProvisioner.ensureTopics(admin, t, 2, (short) 1, 16 * 1024 * 1024, true, s, List.of(changelog));
        // an altered config reaches the broker's view through the metadata log a moment later
        awaitConfig(t.predictions(), "retention.ms", "7200000");
        awaitConfig(TopicProvisioner.auditTopic(t), "retention.bytes", Long.toString(1024L * 1024 * 1024 / 2));
        awaitConfig(changelog, "segment.ms", "3600000");

        Config predictions = config(t.predictions());
        assertEquals("zstd", predictions.get("compression.type").value());
        assertEquals("7200000", predictions.get("retention.ms").value(), "the typed setting overrides the default");
        assertEquals("1234", predictions.get("delete.retention.ms").value());
        Config audit = config(TopicProvisioner.auditTopic(t));
        assertEquals(Long.toString(30 * 86_400_000L), audit.get("retention.ms").value());
        assertEquals(Long.toString(1024L * 1024 * 1024 / 2), audit.get("retention.bytes").value());
        Config c = config(changelog);
        assertEquals("3600000", c.get("segment.ms").value());
        assertEquals("0.25", c.get("min.cleanable.dirty.ratio").value());
        assertEquals("zstd", c.get("compression.type").value());

        // nothing left to change: a second start alters nothing
        assertEquals(0, TopicProvisioner.align(admin, Map.of(t.predictions(),
                TopicProvisioner.topics(t, 16 * 1024 * 1024, true, s, 2).get(t.predictions()))));
    }
}
