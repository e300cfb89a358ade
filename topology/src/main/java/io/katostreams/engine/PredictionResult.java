package io.katostreams.engine;

import java.util.List;

/** The ranked predictions and the aggregated futures of one request (spec 04 §12.2). */
public record PredictionResult(List<Prediction> predictions, List<FuturePotential> futurePotentials) {
    public static final PredictionResult EMPTY = new PredictionResult(List.of(), List.of());
}
