package io.katostreams.bridge;

import io.katostreams.schemas.security.KafkaClientEnv;
import io.katostreams.schemas.security.Redact;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The resolved settings of one bridge instance (see {@link BridgeSettings} for each one's rule and
 * documentation).
 *
 * @param redisUrl null when Redis is not configured
 * @param kafkaSecurity the Kafka client security properties of every client of the bridge, from
 *     the {@code KAFKA_*} variables by the rule of {@link KafkaClientEnv} (empty = PLAINTEXT)
 */
public record BridgeConfig(String host, int port, String bootstrapServers, String topicPrefix, String serviceName,
                           String bridgeId, Duration replyTimeout, long maxBodyBytes, Duration directoryCatchUp,
                           Duration tickInterval, boolean v1Routes, String redisUrl, Duration probeTimeout,
                           Duration startupTimeout, Map<String, String> kafkaSecurity, SecurityConfig security,
                           boolean consoleEnabled) {

    public BridgeConfig {
        kafkaSecurity = Map.copyOf(kafkaSecurity);
    }

    /** Never prints the secrets of {@link #kafkaSecurity} or the password of {@link #redisUrl}. */
    @Override
    public String toString() {
        return "BridgeConfig[host=" + host + ", port=" + port + ", bootstrapServers=" + bootstrapServers
                + ", kafka=" + KafkaClientEnv.describe(kafkaSecurity) + ", topicPrefix=" + topicPrefix
                + ", serviceName=" + serviceName + ", bridgeId=" + bridgeId + ", redisUrl=" + Redact.url(redisUrl) + "]";
    }

    /** Reads every setting from {@code env}; an invalid value throws, naming the variable and its rule. */
    public static BridgeConfig fromEnvironment(Map<String, String> env) {
        String id = BridgeSettings.BRIDGE_ID.read(env);
        String host = BridgeSettings.HOST.read(env);
        return new BridgeConfig(
                host,
                BridgeSettings.PORT.read(env).intValue(),
                BridgeSettings.BOOTSTRAP_SERVERS.read(env),
                BridgeSettings.TOPIC_PREFIX.read(env),
                BridgeSettings.SERVICE_NAME.read(env),
                id == null ? "bridge-" + UUID.randomUUID() : id,
                Duration.ofMillis(BridgeSettings.REPLY_TIMEOUT_MS.read(env)),
                BridgeSettings.MAX_BODY_BYTES.read(env),
                Duration.ofMillis(BridgeSettings.DIRECTORY_CATCH_UP_MS.read(env)),
                Duration.ofMillis(BridgeSettings.TICK_INTERVAL_MS.read(env)),
                BridgeSettings.V1_ROUTES.read(env),
                BridgeSettings.REDIS_URL.read(env),
                Duration.ofMillis(BridgeSettings.PROBE_TIMEOUT_MS.read(env)),
                Duration.ofMillis(BridgeSettings.STARTUP_TIMEOUT_MS.read(env)),
                KafkaClientEnv.properties(env),

                SecurityConfig.fromEnvironment(env, host),
                BridgeSettings.CONSOLE_ENABLED.read(env));
    }

    public String commandsTopic() {
        return topicPrefix + "commands";
    }

    public String repliesTopic() {
        return topicPrefix + "replies";
    }

    /** The audit trail (docs/security.md). */
    public String auditTopic() {
        return topicPrefix + "audit";
    }

    public String knowledgeTopic() {
        return topicPrefix + "knowledge";
    }

    public String sessionsTopic() {
        return topicPrefix + "sessions";
    }
}
