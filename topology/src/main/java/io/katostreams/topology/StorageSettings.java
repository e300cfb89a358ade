package io.katostreams.topology;

import io.katostreams.engine.Setting;

import java.util.List;
import java.util.Set;

/**
 * Settings that bound what KATO writes to disk (issue 16): which prediction sets are published and
 * how large they are, the compression, retention and segment settings the topology gives the topics
 * it creates (and aligns on existing ones), and how much knowledge one input may create. Byte
 * budgets are per topic (split evenly across its partitions), not per partition as Kafka's own
 * {@code retention.bytes} is.
 */
public final class StorageSettings {
    private StorageSettings() {}

    private static final long MIB = 1024L * 1024;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    public static final Setting<Boolean> PUBLISH_REST_PREDICTIONS = Setting.bool("publish_rest_predictions",
            "KATO_PUBLISH_REST_PREDICTIONS", false, "Also publish a prediction set on kato.predictions for observations "
                    + "made through the REST API (observe, observe-sequence). Off by default: a REST client reads "
                    + "GET …/predictions, and a set nobody consumes costs encoding time and disk. Observations "
                    + "published to kato.observations always get their sets (process_predictions permitting).");
    public static final Setting<Long> TOPIC_MAX_PREDICTIONS = Setting.integer("topic_max_predictions",
            "KATO_TOPIC_MAX_PREDICTIONS", 0, 0L, 1_000_000L, "At most this many predictions (the best ranked) in a "
                    + "set published on kato.predictions, independently of the session's max_predictions (which "
                    + "still bounds GET …/predictions); future_potentials are computed from all of them. 0: no "
                    + "cap beyond max_predictions.");
    public static final Setting<String> COMPRESSION = Setting.text("topic_compression", "KATO_TOPIC_COMPRESSION",
            "zstd", Set.of("zstd", "lz4", "snappy", "gzip", "uncompressed", "producer"), "compression.type of the "
                    + "topics and changelogs the topology creates, and the codec of the topology's and the bridge's "
                    + "producers (\"producer\"/\"uncompressed\": producers do not compress).");

    public static final Setting<Long> PREDICTIONS_RETENTION_MS = Setting.integer("predictions_retention_ms",
            "KATO_PREDICTIONS_RETENTION_MS", DAY, 60_000L, null, "retention.ms of kato.predictions.");
    public static final Setting<Long> PREDICTIONS_RETENTION_BYTES = Setting.integer("predictions_retention_bytes",
            "KATO_PREDICTIONS_RETENTION_BYTES", 2048 * MIB, -1L, null, "Bytes kept of kato.predictions (the whole topic, "
                    + "split across its partitions); -1: no size limit.");
    public static final Setting<Long> REPLIES_RETENTION_MS = Setting.integer("replies_retention_ms",
            "KATO_REPLIES_RETENTION_MS", HOUR, 60_000L, null, "retention.ms of kato.replies (a reply is read within "
                    + "the reply timeout).");
    public static final Setting<Long> REPLIES_RETENTION_BYTES = Setting.integer("replies_retention_bytes",
            "KATO_REPLIES_RETENTION_BYTES", 512 * MIB, -1L, null, "Bytes kept of kato.replies (whole topic); -1: no "
                    + "size limit.");
    public static final Setting<Long> DEAD_LETTERS_RETENTION_MS = Setting.integer("dead_letters_retention_ms",
            "KATO_DEAD_LETTERS_RETENTION_MS", 7 * DAY, 60_000L, null, "retention.ms of kato.dead-letters.");
    public static final Setting<Long> DEAD_LETTERS_RETENTION_BYTES = Setting.integer("dead_letters_retention_bytes",
            "KATO_DEAD_LETTERS_RETENTION_BYTES", 512 * MIB, -1L, null, "Bytes kept of kato.dead-letters (whole topic); "
                    + "-1: no size limit.");
    public static final Setting<Long> AUDIT_RETENTION_MS = Setting.integer("audit_retention_ms",
            "KATO_AUDIT_RETENTION_MS", 30 * DAY, 60_000L, null, "retention.ms of the audit topic (kato.audit), set when "
                    + "the topology creates it (delete policy, never compacted) and applied when it exists.");
    public static final Setting<Long> AUDIT_RETENTION_BYTES = Setting.integer("audit_retention_bytes",
            "KATO_AUDIT_RETENTION_BYTES", 512 * MIB, -1L, null, "Bytes kept of the audit topic (whole topic); -1: no "
                    + "size limit.");
    public static final Setting<Long> INPUT_RETENTION_MS = Setting.integer("input_retention_ms",
            "KATO_INPUT_RETENTION_MS", 7 * DAY, 60_000L, null, "retention.ms of kato.commands and kato.observations. "
                    + "Input not yet processed when it expires is lost: keep it well above any expected outage.");
    public static final Setting<Long> INPUT_RETENTION_BYTES = Setting.integer("input_retention_bytes",
            "KATO_INPUT_RETENTION_BYTES", 4096 * MIB, -1L, null, "Bytes kept of kato.commands and of kato.observations "
                    + "(each, whole topic); -1: no size limit.");
    public static final Setting<Long> COMPACTED_SEGMENT_MS = Setting.integer("compacted_segment_ms",
            "KATO_COMPACTED_SEGMENT_MS", HOUR, 60_000L, null, "segment.ms of kato.sessions, kato.knowledge and the "
                    + "changelogs: the log cleaner only compacts closed segments, and Kafka's default (7 days, 1 GiB) "
                    + "would let superseded records pile up for a week.");
    public static final Setting<Boolean> ALIGN_EXISTING_TOPICS = Setting.bool("align_existing_topics",
            "KATO_ALIGN_EXISTING_TOPICS", true, "At start, set the configs above on KATO topics (and changelogs) "
                    + "that already exist with other values (incrementalAlterConfigs). Off: only new topics get them.");

    public static final Setting<Long> MAX_EVENT_SYMBOLS = Setting.integer("max_event_symbols", "KATO_MAX_EVENT_SYMBOLS",
            10_000, 1L, 10_000_000L, "Most symbols one observation may add to the STM (its strings, plus one for its "
                    + "vectors). A larger observation is refused: 413 over REST, a dead letter on kato.observations.");
    public static final Setting<Long> MAX_NEW_SYMBOLS_PER_LEARN = Setting.integer("max_new_symbols_per_learn",
            "KATO_MAX_NEW_SYMBOLS_PER_LEARN", 100_000, 1L, 100_000_000L, "Most symbol records one learn may create "
                    + "(distinct symbols of the pattern the node does not know yet). A larger learn is refused before "
                    + "anything changes: 413 over REST, a dead letter for an auto-learn from kato.observations.");

    public static final List<Setting<?>> ALL = List.of(PUBLISH_REST_PREDICTIONS, TOPIC_MAX_PREDICTIONS, COMPRESSION,
            PREDICTIONS_RETENTION_MS, PREDICTIONS_RETENTION_BYTES, REPLIES_RETENTION_MS, REPLIES_RETENTION_BYTES,
            DEAD_LETTERS_RETENTION_MS, DEAD_LETTERS_RETENTION_BYTES, AUDIT_RETENTION_MS, AUDIT_RETENTION_BYTES,
            INPUT_RETENTION_MS, INPUT_RETENTION_BYTES, COMPACTED_SEGMENT_MS, ALIGN_EXISTING_TOPICS, MAX_EVENT_SYMBOLS,
            MAX_NEW_SYMBOLS_PER_LEARN);
}
