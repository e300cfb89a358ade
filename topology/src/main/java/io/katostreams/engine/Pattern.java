package io.katostreams.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learned pattern as stored (spec 03 §12.6, spec 05 §2.3).
 *
 * @param name      bare 40-hex SHA-1 name (no {@code PTRN|} prefix)
 * @param events    the learned events exactly as they were in the STM
 * @param length    total number of symbols, duplicates counted
 * @param emotives  the rolling window of emotive snapshots, newest last; {@code null} when the
 *                  pattern was never learned with emotives (stored and shown as the empty object {@code {}})
 * @param metadata  key → distinct value texts in insertion order ({@code {}} when none)
 * @param sequence  position in first-stored order within the node (ties of decision D2)
 * @param createdAt timestamp (epoch ms) of the record that first stored the pattern
 * @param updatedAt timestamp (epoch ms) of the record that last learned it
 */
public record Pattern(String name, List<List<String>> events, int length, long frequency,
                      List<Map<String, Double>> emotives, Map<String, List<String>> metadata,
                      long sequence, long createdAt, long updatedAt) {

    /**
     * Per-key mean over the stored snapshots (spec 04 §9 "emotives"): sum in stored order divided by
     * the number of snapshots holding the key; keys in order of first appearance.
     */
    public Map<String, Double> averageEmotives() {
        if (emotives == null) return new LinkedHashMap<>();
        return Learner.averageEmotives(emotives);
    }
}
