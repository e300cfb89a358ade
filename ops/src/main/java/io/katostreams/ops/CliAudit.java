package io.katostreams.ops;

import io.katostreams.schemas.security.KafkaClientEnv;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.topology.ServiceConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The audit record of an ops command ({@code train}, {@code export}, {@code import}, {@code forget},
 * {@code verify}) on {@code <prefix>audit}, in the shape the REST bridge writes (docs/security.md).
 * These commands talk to Kafka directly, so the principal is the operating-system user running the
 * CLI ({@code cli:<user>}); with Kafka authentication on, the broker's ACLs decide what it may do.
 */
final class CliAudit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliAudit() {}

    /** Writes the record; a failure is reported on stderr and does not change the command's outcome. */
    static void record(Map<String, String> env, String bootstrap, String command, String node, String[] args, int exitCode) {
        String topic = ServiceConfig.fromEnvironment(env).topicPrefix() + "audit";
        ObjectNode r = JSON.createObjectNode();
        r.put("time", Instant.now().toString());
        r.put("bridge_id", (String) null);
        r.put("key_id", "cli:" + System.getProperty("user.name"));
        r.putNull("role");
        r.put("node_id", node);
        r.put("method", "CLI");
        r.put("route", "kato " + command);
        r.put("path", String.join(" ", args));
        r.putNull("session_id");
        r.put("status", exitCode);
        r.put("outcome", exitCode == 0 ? "ok" : "error");
        r.put("trace_id", "kato-" + UUID.randomUUID().toString().replace("-", ""));
        r.put("client", host());
        Properties p = new Properties();
        p.putAll(KafkaClientEnv.properties(System.getenv())); // the KAFKA_* security of the CLI's principal
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, node != null ? node : r.get("key_id").asText(),
                    JSON.writeValueAsString(r))).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("kato " + command + ": the audit record could not be written to " + topic + ": " + e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
