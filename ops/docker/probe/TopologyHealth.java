import io.katostreams.engine.Setting;
import io.katostreams.schemas.security.KafkaClientEnv;
import io.katostreams.topology.DeploymentSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Health check of a topology container (the HEALTHCHECK of the topology image, ops/docker/Dockerfile).
 *
 * <p>Healthy (exit 0) when this instance's Kafka Streams client is a member of its group (the
 * application id): it has started, reached the broker and joined, and owns partitions or is
 * restoring them. Unhealthy (exit 1) before that, while the broker is unreachable, or when the
 * instance has fallen out of the group.
 *
 * <p>The instance is recognised by its process id: Kafka Streams keeps it in
 * {@code <state dir>/<application id>/kafka-streams-process-metadata} and puts it into the client id
 * of each of its members ({@code <application id>-<process id>-StreamThread-<n>-consumer}). The
 * probe reads the same variables as the topology, through the same {@link Setting} constants.
 */
public final class TopologyHealth {
    private static final Pattern PROCESS_ID = Pattern.compile("\"processId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    public static void main(String[] args) throws InterruptedException {
        // The verdict is the probe's only output (docker inspect shows it): no Kafka client logging.
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> env = System.getenv();
        String appId = read(DeploymentSettings.APPLICATION_ID, env);
        Path processFile = Path.of(read(DeploymentSettings.STATE_DIR, env), appId, "kafka-streams-process-metadata");
        try {
            System.out.println("healthy: " + check(read(DeploymentSettings.BOOTSTRAP_SERVERS, env),
                    KafkaClientEnv.properties(env), appId, processFile));
            System.exit(0);
        } catch (Unhealthy e) {
            System.out.println("unhealthy: " + e.getMessage());
        } catch (ExecutionException e) {
            System.out.println("unhealthy: cannot describe group " + appId + ": " + e.getCause());
        } catch (Exception e) {
            System.out.println("unhealthy: " + e);
        }
        System.exit(1);
    }

    /** @param security the topology's Kafka client security properties (same KAFKA_* variables) */
    static String check(String bootstrap, Map<String, String> security, String appId, Path processFile) throws Exception {
        if (!Files.exists(processFile)) {
            throw new Unhealthy("Kafka Streams has not started yet (" + processFile + " does not exist)");
        }
        Matcher m = PROCESS_ID.matcher(Files.readString(processFile));
        if (!m.find()) {
            throw new Unhealthy("no process id in " + processFile);
        }
        String clientIdPrefix = appId + "-" + m.group(1) + "-";
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(config)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(appId)).all()
                    .get(8, TimeUnit.SECONDS).get(appId);
            List<String> members = group.members().stream().map(MemberDescription::clientId)
                    .filter(id -> id.startsWith(clientIdPrefix)).toList();
            if (members.isEmpty()) {
                throw new Unhealthy("process " + m.group(1) + " is not a member of group " + appId + " (group "
                        + group.groupState() + ", " + group.members().size() + " members)");
            }
            return "member of group " + appId + " (" + group.groupState() + ") as " + String.join(", ", members);
        }
    }

    private static <T> T read(Setting<T> s, Map<String, String> env) {
        String v = env.get(s.envVar());
        return v == null || v.isBlank() ? s.defaultValue() : s.parseText(v);
    }

    private static final class Unhealthy extends Exception {
        private static final long serialVersionUID = 1L;

        Unhealthy(String message) {
            super(message);
        }
    }
}
