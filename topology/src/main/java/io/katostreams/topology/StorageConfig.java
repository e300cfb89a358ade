package io.katostreams.topology;

import io.katostreams.engine.Setting;

import java.util.Map;

/** The resolved {@link StorageSettings} of one topology instance. */
public record StorageConfig(boolean publishRestPredictions, int topicMaxPredictions, String compression,
                            Retention predictions, Retention replies, Retention deadLetters, Retention audit,
                            Retention input, long compactedSegmentMs, boolean alignExistingTopics, int maxEventSymbols,
                            int maxNewSymbolsPerLearn) {

    /** Time and size retention of a delete-policy topic; {@code bytes} is the whole topic's, -1 unlimited. */
    public record Retention(long ms, long bytes) {}

    public static StorageConfig defaults() {
        return fromEnvironment(Map.of());
    }

    public static StorageConfig fromEnvironment(Map<String, String> env) {
        return new StorageConfig(
                read(StorageSettings.PUBLISH_REST_PREDICTIONS, env),
                read(StorageSettings.TOPIC_MAX_PREDICTIONS, env).intValue(),
                read(StorageSettings.COMPRESSION, env),
                new Retention(read(StorageSettings.PREDICTIONS_RETENTION_MS, env), read(StorageSettings.PREDICTIONS_RETENTION_BYTES, env)),
                new Retention(read(StorageSettings.REPLIES_RETENTION_MS, env), read(StorageSettings.REPLIES_RETENTION_BYTES, env)),
                new Retention(read(StorageSettings.DEAD_LETTERS_RETENTION_MS, env), read(StorageSettings.DEAD_LETTERS_RETENTION_BYTES, env)),
                new Retention(read(StorageSettings.AUDIT_RETENTION_MS, env), read(StorageSettings.AUDIT_RETENTION_BYTES, env)),
                new Retention(read(StorageSettings.INPUT_RETENTION_MS, env), read(StorageSettings.INPUT_RETENTION_BYTES, env)),
                read(StorageSettings.COMPACTED_SEGMENT_MS, env),
                read(StorageSettings.ALIGN_EXISTING_TOPICS, env),
                read(StorageSettings.MAX_EVENT_SYMBOLS, env).intValue(),
                read(StorageSettings.MAX_NEW_SYMBOLS_PER_LEARN, env).intValue());
    }

    /** The producers' compression.type for {@link #compression()}. */
    public String producerCompression() {
        return compression.equals("producer") || compression.equals("uncompressed") ? "none" : compression;
    }

    private static <T> T read(Setting<T> s, Map<String, String> env) {
        String v = env.get(s.envVar());
        return v == null || v.isBlank() ? s.defaultValue() : s.parseText(v);
    }
}
