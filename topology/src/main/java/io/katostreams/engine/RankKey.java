package io.katostreams.engine;

import java.util.Locale;

/**
 * The prediction field predictions are ranked by, descending (spec 04 §11, service setting
 * {@code RANK_SORT_ALGO}, default {@code potential}). An unknown name is rejected at start-up.
 */
public enum RankKey {
    POTENTIAL, EVIDENCE, SIMILARITY, FRAGMENTATION, SNR, ENTROPY, NORMALIZED_ENTROPY, GLOBAL_NORMALIZED_ENTROPY,
    CONFLUENCE, PREDICTIVE_INFORMATION, CONFIDENCE, ITFDF_SIMILARITY, PATTERN_PROBABILITY, WEIGHTED_STRENGTH,
    FREQUENCY;

    /** The field name as clients spell it, e.g. {@code itfdf_similarity}. */
    public String fieldName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RankKey fromFieldName(String field) {
        for (RankKey k : values()) {
            if (k.fieldName().equals(field)) return k;
        }
        throw new IllegalArgumentException("RANK_SORT_ALGO: unknown prediction field '" + field
                + "'; expected one of " + java.util.Arrays.stream(values()).map(RankKey::fieldName).toList());
    }
}
