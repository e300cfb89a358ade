package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail on {@code <prefix>audit}: one JSON record per mutating request, authentication or
 * authorization failure and throttled request, keyed by the node it touched (or the credential id
 * when there is none). Records carry a credential's id, never the credential. The topic is created
 * here when missing, with {@code cleanup.policy=delete} (never compacted: every record counts) and
 * {@code KATO_AUDIT_RETENTION_MS}.
 *
 * <p>Records are handed to Kafka by one background thread, so no request waits for the producer's
 * metadata; the idempotent producer writes each record once even when it retries.
 */
final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final ThreadPoolExecutor sender;
    final AtomicLong written = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    AuditLog(BridgeConfig config) {
        this.topic = config.auditTopic();
        Properties p = new Properties();
        p.putAll(config.kafkaSecurity());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.bridgeId() + "-audit");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(100_000), r -> {
            Thread t = new Thread(r, "kato-audit");
            t.setDaemon(true);
            return t;
        }, (r, e) -> {
            failed.incrementAndGet();
            LOG.error("audit record dropped: the queue of records waiting for Kafka is full");
        });
    }

    String topic() {
        return topic;
    }

    /** Creates the audit topic when it does not exist (broker defaults for partitions and replicas). */
    void ensureTopic(Admin admin, long retentionMs) {
        NewTopic t = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs)));
        admin.createTopics(Set.of(t)).all().whenComplete((v, e) -> {
            if (e == null) {
                LOG.info("created the audit topic {} (retention.ms {})", topic, retentionMs);
            } else if (!(e instanceof TopicExistsException || e.getCause() instanceof TopicExistsException)) {
                LOG.warn("could not create the audit topic {}: {}", topic, e.toString());
            }
        });
    }

    void record(String key, ObjectNode record) {
        String json = Http.write(record);
        sender.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(topic, key, json), (md, e) -> {
                    if (e == null) {
                        written.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        LOG.error("audit record not written to {}: {}", topic, e.toString());
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                LOG.error("audit record not written to {}: {}", topic, e.toString());
            }
        });
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    static boolean exists(Admin admin, String topic) throws InterruptedException, ExecutionException {
        return admin.listTopics().names().get().contains(topic);
    }
}
