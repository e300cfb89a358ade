package io.katostreams.engine;

import java.util.Map;

/**
 * Statistics of one symbol over all learn events of a node (spec 03 §12.7).
 *
 * @param frequency              total occurrences over all learn events
 * @param patternMemberFrequency number of learn events whose pattern contained the symbol
 * @param emotives               running sums of the emotive snapshots of those learns; null when none
 */
public record SymbolStats(String name, long frequency, long patternMemberFrequency, Map<String, Double> emotives) {
}
