package io.katostreams.engine;

/** The node's global counters (spec 03 §12.8). */
public record Totals(long totalPatternFrequencies, long totalSymbolFrequencies,
                     long totalSymbolsInPatternsFrequencies) {
    public static final Totals ZERO = new Totals(0, 0, 0);
}
