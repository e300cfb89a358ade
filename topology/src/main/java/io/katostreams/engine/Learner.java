package io.katostreams.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Learning a session's STM as a pattern (spec 03 §12). */
public final class Learner {
    private Learner() {}

    /**
     * The result of one learn.
     *
     * @param patternName {@code "PTRN|<hash>"}, or {@code ""} when fewer than 2 symbols were in the STM
     * @param applied     what the knowledge base changed, or null when nothing was stored
     */
    public record Outcome(String patternName, LearnApplied applied) {
        public boolean stored() {
            return applied != null;
        }
    }

    /**
     * Learns the session's STM (spec 03 §12.2): the STM is emptied; with at least 2 symbols the pattern
     * is upserted with the emotive snapshot and metadata; both accumulators are emptied either way.
     * The caller handles the empty-STM case (400 on the learn endpoint).
     */
    public static Outcome learn(Session session, KnowledgeBase kb, int persistence, long timestamp) {
        List<List<String>> events = session.stm().newest(0);
        int length = session.stm().symbolCount();
        session.stm().clear();
        if (length < 2) {
            session.clearAccumulators();
            return new Outcome("", null);
        }
        String name = PatternName.of(events);
        Map<String, double[]> vectors = new LinkedHashMap<>();
        for (List<String> e : events) {
            for (String s : e) {
                double[] v = session.pendingVectors().get(s);
                if (v != null) vectors.putIfAbsent(s, v);
            }
        }
        LearnRequest request = new LearnRequest(name, events, length,
                emotiveSnapshot(session.emotivesAccumulator()), metadataTexts(session.metadataAccumulator()),
                persistence, vectors, timestamp);
        LearnApplied applied = kb.learn(request);
        session.clearAccumulators();
        return new Outcome(PatternName.withPrefix(name), applied);
    }

    /**
     * Spec 03 §12.4 steps 1–2: per-key mean over the entries holding the key (summed in order from
     * 0.0), keys whose mean is exactly 0.0 dropped ([QUIRK]). Null when the accumulator is empty.
     */
    public static Map<String, Double> emotiveSnapshot(List<Map<String, Double>> accumulator) {
        if (accumulator.isEmpty()) return null;
        Map<String, Double> snapshot = averageEmotives(accumulator);
        snapshot.values().removeIf(mean -> mean == 0.0);
        return snapshot;
    }

    /**
     * Per-key mean over the entries holding the key, summed in order from 0.0, zeros kept: the
     * node's "current emotives" (spec 03 §5) and the basis of the learn snapshot.
     */
    public static Map<String, Double> averageEmotives(List<Map<String, Double>> accumulator) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (Map<String, Double> entry : accumulator) {
            for (Map.Entry<String, Double> e : entry.entrySet()) {
                double[] sc = acc.computeIfAbsent(e.getKey(), k -> new double[2]);
                sc[0] += e.getValue();
                sc[1] += 1;
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : acc.entrySet()) means.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
        return means;
    }

    /**
     * Spec 03 §12.5 step 1: per key, the distinct Python {@code str} texts of its values, sorted by
     * code point; keys in order of first appearance. Keys are kept verbatim (no dot nesting).
     */
    public static Map<String, List<String>> metadataTexts(List<Map<String, Object>> accumulator) {
        Map<String, TreeSet<String>> sets = new LinkedHashMap<>();
        for (Map<String, Object> entry : accumulator) {
            for (Map.Entry<String, Object> e : entry.entrySet()) {
                sets.computeIfAbsent(e.getKey(), k -> new TreeSet<>(CodePointOrder.INSTANCE))
                        .add(PythonStr.str(e.getValue()));
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, TreeSet<String>> e : sets.entrySet()) out.put(e.getKey(), new ArrayList<>(e.getValue()));
        return out;
    }
}
