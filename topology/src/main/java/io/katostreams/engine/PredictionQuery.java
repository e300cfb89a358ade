package io.katostreams.engine;

/**
 * The settings that shape one prediction request (spec 04 §3, decisions D2/D3).
 *
 * @param maxPatternsConsidered 0 = every pattern of the node; n &gt; 0 = the n most frequent (ties: first stored first)
 * @param exhaustiveCandidates  false = the reference candidate index of spec 04 §5.2
 */
public record PredictionQuery(double recallThreshold, int maxPredictions, boolean useTokenMatching,
                              long maxPatternsConsidered, boolean exhaustiveCandidates) {

    public static PredictionQuery of(double recallThreshold, int maxPredictions, boolean useTokenMatching) {
        return new PredictionQuery(recallThreshold, maxPredictions, useTokenMatching, 0, false);
    }
}
