package io.katostreams.topology;

import io.katostreams.engine.Setting;

import java.util.List;
import java.util.Set;

/**
 * Service-level settings of the topology (spec 02 §4 and the deployment's own), each a typed
 * constant with its environment variable, default, rule and documentation. The per-session
 * defaults are in {@link io.katostreams.engine.SessionSettings}.
 */
public final class ServiceSettings {
    private ServiceSettings() {}

    public static final Setting<String> SERVICE_NAME = Setting.text("service_name", "SERVICE_NAME", "kato", null,
            "Part of every processor_id (spec 02 §2). Changing it makes all previously learned data unreachable.");
    public static final Setting<Long> SESSION_TTL = Setting.integer("session_ttl", "SESSION_TTL", 3600, 60L, 86400L,
            "Default session TTL in seconds, used when a session is created without ttl_seconds.");
    public static final Setting<Boolean> SESSION_AUTO_EXTEND = Setting.bool("session_auto_extend",
            "SESSION_AUTO_EXTEND", true, "Sliding expiration: every access of a live session moves its expiry to "
                    + "now + its TTL (spec 02 §3.3).");
    public static final Setting<String> RANK_SORT_ALGO = Setting.text("rank_sort_algo", "RANK_SORT_ALGO", "potential",
            Set.of("potential", "evidence", "similarity", "fragmentation", "snr", "entropy", "normalized_entropy",
                    "global_normalized_entropy", "confluence", "predictive_information", "confidence",
                    "itfdf_similarity", "pattern_probability", "weighted_strength", "frequency"),
            "The prediction field predictions are ranked by, descending (spec 04 §11); service-wide.");
    public static final Setting<String> TOPIC_PREFIX = Setting.text("topic_prefix", "KATO_TOPIC_PREFIX", "kato.", null,
            "Prefix of every topic name (kato.commands, kato.observations, …).");
    public static final Setting<String> OUTPUT_FORMAT = Setting.text("output_format", "KATO_OUTPUT_FORMAT", "avro",
            Set.of("avro", "json"), "Encoding of the records on kato.predictions and kato.dead-letters: Avro "
                    + "single-object encoding or JSON.");
    public static final Setting<Long> EXPIRY_SCAN_MS = Setting.integer("expiry_scan_ms", "KATO_EXPIRY_SCAN_MS", 1000,
            10L, 3_600_000L, "How often (in stream time) expired sessions are removed and tombstoned.");

    public static final Setting<Long> MAX_RECORD_BYTES = Setting.integer("max_record_bytes", "KATO_MAX_RECORD_BYTES",
            16L * 1024 * 1024, 1024L * 1024, 256L * 1024 * 1024, "Largest record the topology writes (topics, changelogs, "
                    + "producer). An operation that would grow a session beyond it, or a reply larger than it, is "
                    + "answered 413 instead, so no input can make a record unwritable and stall a stream thread.");

    public static final Setting<Boolean> AUDIT_KAFKA_COMMANDS = Setting.bool("audit_kafka_commands",
            "KATO_AUDIT_KAFKA_COMMANDS", true, "The topology writes an audit record (kato.audit, docs/security.md) for "
                    + "every mutating command that arrives on kato.commands without the kato-origin header of the REST "
                    + "bridge or the ops CLI, i.e. published straight to Kafka. Kafka records do not carry the producer's "
                    + "principal: broker ACLs decide who may write kato.commands.");

    public static final List<Setting<?>> ALL = List.of(SERVICE_NAME, SESSION_TTL, SESSION_AUTO_EXTEND, RANK_SORT_ALGO,
            TOPIC_PREFIX, OUTPUT_FORMAT, EXPIRY_SCAN_MS, MAX_RECORD_BYTES, AUDIT_KAFKA_COMMANDS);
}
