package io.katostreams.engine;

import java.util.List;

/** One aggregated future (spec 04 §10.5). */
public record FuturePotential(List<List<String>> future, double aggregatePotential, int supportingPatterns,
                              double totalWeightedFrequency) {

    /** The members under their wire names (spec 01 §8.2). */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("future", future);
        m.put("aggregate_potential", aggregatePotential);
        m.put("supporting_patterns", supportingPatterns);
        m.put("total_weighted_frequency", totalWeightedFrequency);
        return m;
    }
}
