package io.katostreams.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One validated observation (spec 03 §1): strings, vectors, emotives and metadata, all possibly empty.
 * Metadata values use the engine's plain JSON model (see {@link PythonStr}).
 *
 * @param uniqueId the client-given id (observe-sequence items only) or null
 */
public record Observation(List<String> strings, List<double[]> vectors, Map<String, Double> emotives,
                          Map<String, Object> metadata, String uniqueId) {

    public Observation {
        strings = List.copyOf(strings);
        vectors = List.copyOf(vectors);
        emotives = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(emotives));
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public static Observation ofStrings(String... strings) {
        return new Observation(List.of(strings), List.of(), Map.of(), Map.of(), null);
    }

    /** True when the observation adds an event to the STM (spec 03 §2 step 8). */
    public boolean hasSymbols() {
        return !strings.isEmpty() || !vectors.isEmpty();
    }
}
