package io.katostreams.engine;

import java.util.List;

/**
 * What one learn changed in a knowledge base: the pattern, each distinct symbol of it and the totals
 * after the learn, plus the vectors it recorded. The topology publishes these as knowledge records.
 */
public record LearnApplied(Pattern pattern, boolean created, List<SymbolStats> symbols, Totals totals,
                           List<StoredVector> vectors) {
}
