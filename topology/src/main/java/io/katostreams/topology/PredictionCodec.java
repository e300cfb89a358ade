package io.katostreams.topology;

import io.katostreams.engine.FuturePotential;
import io.katostreams.engine.Prediction;
import io.katostreams.engine.PredictionResult;
import io.katostreams.schemas.avro.PredictionSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Engine predictions → the Avro records of kato.predictions and of REST replies. */
public final class PredictionCodec {
    private PredictionCodec() {}

    public static io.katostreams.schemas.avro.Prediction toRecord(Prediction p) {
        return io.katostreams.schemas.avro.Prediction.newBuilder()
                .setType(p.type()).setName(p.name()).setFrequency(p.frequency())
                .setEmotives(new LinkedHashMap<>(p.emotives()))
                .setMatches(new ArrayList<>(p.matches()))
                .setPast(new ArrayList<>(p.past())).setPresent(new ArrayList<>(p.present()))
                .setMissing(new ArrayList<>(p.missing())).setExtras(new ArrayList<>(p.extras()))
                .setPotential(p.potential()).setEvidence(p.evidence()).setSimilarity(p.similarity())
                .setFragmentation(p.fragmentation()).setSnr(p.snr()).setEntropy(p.entropy())
                .setNormalizedEntropy(p.normalizedEntropy()).setGlobalNormalizedEntropy(p.globalNormalizedEntropy())
                .setConfluence(p.confluence()).setPredictiveInformation(p.predictiveInformation())
                .setSequence(new ArrayList<>(p.sequence())).setFuture(new ArrayList<>(p.future()))
                .setConfidence(p.confidence()).setItfdfSimilarity(p.itfdfSimilarity())
                .setPatternProbability(p.patternProbability()).setWeightedStrength(p.weightedStrength())
                .build();
    }

    public static io.katostreams.schemas.avro.FuturePotential toRecord(FuturePotential f) {
        return new io.katostreams.schemas.avro.FuturePotential(new ArrayList<>(f.future()), f.aggregatePotential(),
                (long) f.supportingPatterns(), f.totalWeightedFrequency());
    }

    public static List<io.katostreams.schemas.avro.Prediction> predictions(PredictionResult r) {
        List<io.katostreams.schemas.avro.Prediction> out = new ArrayList<>(r.predictions().size());
        for (Prediction p : r.predictions()) out.add(toRecord(p));
        return out;
    }

    public static List<io.katostreams.schemas.avro.FuturePotential> futures(PredictionResult r) {
        List<io.katostreams.schemas.avro.FuturePotential> out = new ArrayList<>(r.futurePotentials().size());
        for (FuturePotential f : r.futurePotentials()) out.add(toRecord(f));
        return out;
    }

    /**
     * The set published on kato.predictions, with at most {@code maxPredictions} predictions (the
     * best ranked; 0 = all); the future potentials are those of all predictions.
     */
    public static PredictionSet set(String nodeId, String sessionId, String uniqueId, long time, long observedAt,
                                    PredictionResult r, int maxPredictions) {
        PredictionSet all = set(nodeId, sessionId, uniqueId, time, observedAt, r);
        if (maxPredictions > 0 && all.getPredictions().size() > maxPredictions) {
            all.setPredictions(new java.util.ArrayList<>(all.getPredictions().subList(0, maxPredictions)));
        }
        return all;
    }

    public static PredictionSet set(String nodeId, String sessionId, String uniqueId, long time, long observedAt,
                                    PredictionResult r) {
        return PredictionSet.newBuilder().setNodeId(nodeId).setSessionId(sessionId).setUniqueId(uniqueId)
                .setTime(time).setObservedAt(Instant.ofEpochMilli(observedAt))
                .setPredictions(predictions(r)).setFuturePotentials(futures(r)).build();
    }
}
