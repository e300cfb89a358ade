package io.katostreams.engine;

import java.util.List;
import java.util.Map;

/**
 * Everything one learn writes to a node's knowledge (spec 03 §12.2 step 4), computed by {@link Learner}.
 *
 * @param emotiveSnapshot the snapshot to append, or null when the emotive accumulator was empty
 * @param metadataTexts   key → sorted distinct value texts to union into the pattern's metadata
 * @param vectors         raw summed vectors of the pattern's {@code VCTR|} symbols, when known
 * @param timestamp       epoch ms of the record that caused the learn
 */
public record LearnRequest(String name, List<List<String>> events, int length, Map<String, Double> emotiveSnapshot,
                           Map<String, List<String>> metadataTexts, int persistence,
                           Map<String, double[]> vectors, long timestamp) {
}
