package io.katostreams.topology;

import io.katostreams.engine.RankKey;
import io.katostreams.engine.SessionConfig;
import io.katostreams.engine.Setting;

import java.util.Map;

/**
 * The resolved service configuration of one topology instance.
 *
 * @param sessionDefaults the service defaults of every per-session setting
 * @param storage         what is published, how topics are kept, how much one input may grow (issue 16)
 * @param auditKafkaCommands audit the mutating commands published straight to Kafka (no kato-origin header)
 */
public record ServiceConfig(String serviceName, long sessionTtlSeconds, boolean sessionAutoExtend, RankKey rankKey,
                            String topicPrefix, boolean jsonOutput, long expiryScanMs, int maxRecordBytes,
                            SessionConfig sessionDefaults, StorageConfig storage, boolean auditKafkaCommands) {

    public static ServiceConfig defaults() {
        return fromEnvironment(Map.of());
    }

    /** Reads every setting from the given environment (missing or blank → default); invalid values fail. */
    public static ServiceConfig fromEnvironment(Map<String, String> env) {
        return new ServiceConfig(
                read(ServiceSettings.SERVICE_NAME, env),
                read(ServiceSettings.SESSION_TTL, env),
                read(ServiceSettings.SESSION_AUTO_EXTEND, env),
                RankKey.fromFieldName(read(ServiceSettings.RANK_SORT_ALGO, env)),
                read(ServiceSettings.TOPIC_PREFIX, env),
                "json".equals(read(ServiceSettings.OUTPUT_FORMAT, env)),
                read(ServiceSettings.EXPIRY_SCAN_MS, env),
                read(ServiceSettings.MAX_RECORD_BYTES, env).intValue(),
                SessionConfig.fromEnvironment(env),
                StorageConfig.fromEnvironment(env),
                read(ServiceSettings.AUDIT_KAFKA_COMMANDS, env));
    }

    private static <T> T read(Setting<T> s, Map<String, String> env) {
        String v = env.get(s.envVar());
        return v == null || v.isBlank() ? s.defaultValue() : s.parseText(v);
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The topic names under the configured prefix. */
    public record Topics(String prefix) {
        public String commands() { return prefix + "commands"; }
        public String observations() { return prefix + "observations"; }
        public String replies() { return prefix + "replies"; }
        public String predictions() { return prefix + "predictions"; }
        public String sessions() { return prefix + "sessions"; }
        public String knowledge() { return prefix + "knowledge"; }
        public String deadLetters() { return prefix + "dead-letters"; }
        /** Internal to the topology: input records moved to their node's task, and claim answers. */
        public String routing() { return prefix + "routing"; }
        /** Internal to the topology: claims and releases of user-chosen session ids, keyed by session id. */
        public String sessionClaims() { return prefix + "session-claims"; }
        /** The audit trail (written by the bridge, the ops CLI and, for commands published straight to Kafka, the topology). */
        public String audit() { return prefix + "audit"; }
    }
}
