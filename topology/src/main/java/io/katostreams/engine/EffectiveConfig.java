package io.katostreams.engine;

/**
 * The resolved settings an operation runs with (spec 02 §5.2): session value, else service default.
 * {@code stmMode} is kept as stored; anything but ROLLING acts as CLEAR.
 */
public record EffectiveConfig(
        long maxPatternLength,
        String stmMode,
        int persistence,
        double recallThreshold,
        int maxPredictions,
        boolean useTokenMatching,
        boolean sortSymbols,
        boolean processPredictions,
        String indexerType,
        long maxPatternsConsidered,
        boolean exhaustiveCandidates) {

    public static final EffectiveConfig DEFAULTS = SessionConfig.EMPTY.effective(SessionConfig.declaredDefaults());

    public boolean rolling() {
        return SessionSettings.ROLLING.equals(stmMode);
    }

    /** The subset of settings the prediction pipeline reads. */
    public PredictionQuery predictionQuery() {
        return new PredictionQuery(recallThreshold, maxPredictions, useTokenMatching, maxPatternsConsidered,
                exhaustiveCandidates);
    }
}
