package io.katostreams.engine;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A node's long-term memory (spec 03 §12, spec 05 §2): patterns, symbol statistics, totals and
 * learned vectors, plus the {@link PatternIndex} the prediction pipeline reads.
 *
 * <p>Contract: one learn is applied entirely by {@link #learn} before it returns (pattern upsert,
 * symbol statistics and totals together, spec 02 §3.8); implementations have a single writer.
 */
public interface KnowledgeBase {

    /** The query-ready index of the current patterns and symbols. */
    PatternIndex index();

    /** A stored pattern by bare name (no {@code PTRN|} prefix). */
    Optional<Pattern> pattern(String name);

    Optional<SymbolStats> symbol(String name);

    Totals totals();

    Optional<StoredVector> vector(String name);

    /** The per-key mean of a pattern's emotive window (spec 04 §9); empty when none or unknown. */
    default java.util.Map<String, Double> averageEmotives(String name) {
        return pattern(name).map(Pattern::averageEmotives).orElse(java.util.Map.of());
    }

    /** Applies one learn (spec 03 §12.6–12.8) and reports what it changed. */
    LearnApplied learn(LearnRequest request);

    /** Deletes everything (spec 03 §13 clear-all): patterns, symbols, vectors; totals back to zero. */
    void clear();

    /** Every pattern in first-stored order. */
    void forEachPattern(Consumer<Pattern> action);

    /** Every symbol in first-learned order. */
    void forEachSymbol(Consumer<SymbolStats> action);

    /** Every learned vector in first-learned order. */
    void forEachVector(Consumer<StoredVector> action);
}
