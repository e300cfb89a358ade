package io.katostreams.engine;

import java.util.List;
import java.util.Map;

/** One prediction with the 25 members of spec 01 §8.1 (computation in spec 04 §8–11). */
public record Prediction(
        String type,
        String name,
        long frequency,
        Map<String, Double> emotives,
        List<String> matches,
        List<List<String>> past,
        List<List<String>> present,
        List<List<String>> missing,
        List<List<String>> extras,
        double potential,
        double evidence,
        double similarity,
        double fragmentation,
        double snr,
        double entropy,
        double normalizedEntropy,
        double globalNormalizedEntropy,
        double confluence,
        double predictiveInformation,
        List<List<String>> sequence,
        List<List<String>> future,
        double confidence,
        double itfdfSimilarity,
        double patternProbability,
        double weightedStrength) {

    /** The 25 members under their wire names, in the reference's order (spec 01 §8.1). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type);
        m.put("name", name);
        m.put("frequency", frequency);
        m.put("emotives", emotives);
        m.put("matches", matches);
        m.put("past", past);
        m.put("present", present);
        m.put("missing", missing);
        m.put("extras", extras);
        m.put("potential", potential);
        m.put("evidence", evidence);
        m.put("similarity", similarity);
        m.put("fragmentation", fragmentation);
        m.put("snr", snr);
        m.put("entropy", entropy);
        m.put("normalized_entropy", normalizedEntropy);
        m.put("global_normalized_entropy", globalNormalizedEntropy);
        m.put("confluence", confluence);
        m.put("predictive_information", predictiveInformation);
        m.put("sequence", sequence);
        m.put("future", future);
        m.put("confidence", confidence);
        m.put("itfdf_similarity", itfdfSimilarity);
        m.put("pattern_probability", patternProbability);
        m.put("weighted_strength", weightedStrength);
        return m;
    }
}
