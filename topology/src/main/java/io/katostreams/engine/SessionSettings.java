package io.katostreams.engine;

import java.util.List;
import java.util.Set;

/**
 * The per-session settings of spec 02 §5.1 (plus the two of decisions D2 and D3). Each is unset on a
 * new session and then falls back to the service default read from its environment variable.
 */
public final class SessionSettings {
    private SessionSettings() {}

    public static final String CLEAR = "CLEAR";
    public static final String ROLLING = "ROLLING";
    public static final String FILTER_REFERENCE = "reference";
    public static final String FILTER_EXHAUSTIVE = "exhaustive";

    public static final Setting<Long> MAX_PATTERN_LENGTH = Setting.integer("max_pattern_length", "MAX_PATTERN_LENGTH",
            0, 0L, null, "Auto-learn threshold: when the STM holds at least this many events after an observation "
                    + "that added one, the STM is learned (spec 03 §9). 0 = manual learning only.");
    public static final Setting<String> STM_MODE = Setting.text("stm_mode", "STM_MODE", CLEAR, null,
            "What stays in the STM after an auto-learn: CLEAR empties it, ROLLING keeps the last "
                    + "max_pattern_length − 1 events. Any other stored value acts as CLEAR.");
    public static final Setting<Long> PERSISTENCE = Setting.integer("persistence", "PERSISTENCE", 5, 1L, 100L,
            "Length of the per-pattern rolling window of emotive snapshots (spec 03 §12.4).");
    public static final Setting<Double> RECALL_THRESHOLD = Setting.decimal("recall_threshold", "RECALL_THRESHOLD",
            0.1, 0.0, 1.0, "Minimum similarity for a pattern to become a prediction (spec 04 §6).");
    public static final Setting<Long> MAX_PREDICTIONS = Setting.integer("max_predictions", "MAX_PREDICTIONS", 100,
            1L, 10000L, "Maximum number of predictions returned (spec 04 §11).");
    public static final Setting<Boolean> USE_TOKEN_MATCHING = Setting.bool("use_token_matching", "USE_TOKEN_MATCHING",
            true, "Similarity on symbols (true) or on the characters of the space-joined symbols (false), spec 04 §6.");
    public static final Setting<Boolean> SORT_SYMBOLS = Setting.bool("sort_symbols", "SORT_SYMBOLS", true,
            "Sort the strings of each observation by code point before they enter the STM (spec 03 §3).");
    public static final Setting<Boolean> PROCESS_PREDICTIONS = Setting.bool("process_predictions",
            "PROCESS_PREDICTIONS", true, "Compute (and publish) predictions after every observation that adds an "
                    + "event; GET predictions always computes.");
    public static final Setting<String> INDEXER_TYPE = Setting.text("indexer_type", "INDEXER_TYPE", "VI",
            Set.of("VI", "LSH", "ANNOY", "FAISS"), "Vector indexer name; stored and reported only (no effect).");
    public static final Setting<Long> MAX_PATTERNS_CONSIDERED = Setting.integer("max_patterns_considered",
            "MAX_PATTERNS_CONSIDERED", 0, 0L, null, "Consider only this many patterns, most frequent first (ties: "
                    + "first stored first); 0 = all patterns (decision D2; 1000 reproduces the reference).");
    public static final Setting<String> CANDIDATE_FILTER = Setting.text("candidate_filter", "CANDIDATE_FILTER",
            FILTER_REFERENCE, Set.of(FILTER_REFERENCE, FILTER_EXHAUSTIVE), "reference: the reference's candidate "
                    + "index (length window, first 10 STM symbols); exhaustive: every pattern sharing a symbol "
                    + "with the STM (decision D3).");

    /** Every session setting, in the order they are reported. */
    public static final List<Setting<?>> ALL = List.of(MAX_PATTERN_LENGTH, PERSISTENCE, RECALL_THRESHOLD, STM_MODE,
            INDEXER_TYPE, MAX_PREDICTIONS, SORT_SYMBOLS, PROCESS_PREDICTIONS, USE_TOKEN_MATCHING,
            MAX_PATTERNS_CONSIDERED, CANDIDATE_FILTER);

    public static Setting<?> byName(String name) {
        for (Setting<?> s : ALL) {
            if (s.name().equals(name)) return s;
        }
        return null;
    }
}
