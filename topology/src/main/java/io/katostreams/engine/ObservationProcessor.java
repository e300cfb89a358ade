package io.katostreams.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Observe, observe-sequence and the STM operations of one session against its node's knowledge
 * (spec 03 §2, §9, §11–13). Each call takes the session as it was and returns the session as it is
 * afterwards; on failure the caller keeps the old one (spec 03 §2: a failed request leaves S as before).
 */
public final class ObservationProcessor {

    private final Predictor predictor;
    private final SessionConfig serviceDefaults;

    public ObservationProcessor(Predictor predictor, SessionConfig serviceDefaults) {
        this.predictor = predictor;
        this.serviceDefaults = serviceDefaults;
    }

    public Predictor predictor() {
        return predictor;
    }

    public SessionConfig serviceDefaults() {
        return serviceDefaults;
    }

    public EffectiveConfig effective(Session s) {
        return s.config().effective(serviceDefaults);
    }

    /**
     * What one observation did.
     *
     * @param event              the event appended to the STM, or null when the observation had no symbols
     * @param predictions        observe-time predictions (decision D1), or null when not computed
     *                           (predictions off, no event, or fewer than 2 symbols in the STM)
     * @param autoLearnedPattern {@code PTRN|…} when auto-learning stored a pattern, else null
     */
    public record Step(String uniqueId, long time, List<String> event, PredictionResult predictions,
                       String autoLearnedPattern, List<LearnApplied> learned) {}

    /** The result of {@link #observe}: the session afterwards and what the observation did. */
    public record ObserveOutcome(Session session, Step step) {
        public int stmLength() {
            return session.stm().size();
        }
    }

    /** One observation (spec 03 §2). */
    public ObserveOutcome observe(Session before, Observation o, String uniqueId, KnowledgeBase kb, long timestamp) {
        Session s = before.copy();
        Step step = step(s, o, uniqueId, kb, effective(s), timestamp);
        s.trimForSave();
        return new ObserveOutcome(s, step);
    }

    /** One item's result in an observe-sequence response (spec 01 §4.2). */
    public record ItemResult(int position, int stmLength, long time, String uniqueId, String autoLearnedPattern) {}

    /** The result of {@link #observeSequence}. */
    public record SequenceOutcome(Session session, int initialStmLength, int finalStmLength, List<ItemResult> results,
                                  List<String> learnedPatterns, String finalLearnedPattern, List<Step> steps,
                                  List<LearnApplied> learned) {}

    /**
     * observe-sequence (spec 03 §11). An empty list changes nothing. If an item fails, the exception
     * carries the learns already applied to the knowledge base (they stay learned) and the session
     * must be kept as it was.
     *
     * @param generatedIds the id of item i when it has none ({@code seq-obs-…})
     */
    public SequenceOutcome observeSequence(Session before, List<Observation> items, boolean learnAfterEach,
                                           boolean learnAtEnd, boolean clearStmBetween,
                                           IntFunction<String> generatedIds, KnowledgeBase kb, long timestamp) {
        int initial = before.stm().size();
        if (items.isEmpty()) {
            return new SequenceOutcome(before, initial, initial, List.of(), List.of(), null, List.of(), List.of());
        }
        Session s = before.copy();
        EffectiveConfig c = effective(s);
        List<ItemResult> results = new ArrayList<>(items.size());
        List<String> patterns = new ArrayList<>();
        List<Step> steps = new ArrayList<>(items.size());
        List<LearnApplied> learned = new ArrayList<>();
        String finalPattern = null;
        for (int i = 0; i < items.size(); i++) {
            Observation o = items.get(i);
            String id = o.uniqueId() != null && !o.uniqueId().isEmpty() ? o.uniqueId() : generatedIds.apply(i);
            try {
                if (clearStmBetween && i > 0) s.clearStm();
                Step step = step(s, o, id, kb, c, timestamp);
                steps.add(step);
                learned.addAll(step.learned());
                if (learnAfterEach && !s.stm().isEmpty()) {
                    Learner.Outcome out = Learner.learn(s, kb, c.persistence(), timestamp);
                    patterns.add(out.patternName());
                    if (out.stored()) learned.add(out.applied());
                }
                if (step.autoLearnedPattern() != null) patterns.add(step.autoLearnedPattern());
                results.add(new ItemResult(i, s.stm().size(), s.time(), id, step.autoLearnedPattern()));
            } catch (RuntimeException e) {
                throw new ObservationSequenceException(i, e, learned);
            }
        }
        if (learnAtEnd && !s.stm().isEmpty()) {
            Learner.Outcome out = Learner.learn(s, kb, c.persistence(), timestamp);
            finalPattern = out.patternName();
            patterns.add(finalPattern);
            if (out.stored()) learned.add(out.applied());
        }
        int finalLength = s.stm().size();
        s.trimForSave();
        return new SequenceOutcome(s, initial, finalLength, List.copyOf(results), List.copyOf(patterns), finalPattern,
                List.copyOf(steps), List.copyOf(learned));
    }

    /** Manual learn (spec 03 §12); the caller rejects an empty STM first. */
    public Learner.Outcome learn(Session s, KnowledgeBase kb, long timestamp) {
        Learner.Outcome out = Learner.learn(s, kb, effective(s).persistence(), timestamp);
        s.trimForSave();
        return out;
    }

    /** Predictions for the session's current STM with its settings (spec 04 §1.1, decision D1). */
    public PredictionResult predict(Session s, KnowledgeBase kb) {
        return predictor.predict(s.stm().events(), kb, effective(s).predictionQuery());
    }

    /** Spec 03 §2 steps 1–8 on the working copy {@code s}. */
    private Step step(Session s, Observation o, String uniqueId, KnowledgeBase kb, EffectiveConfig c, long timestamp) {
        // The vector symbol first: a dimension mismatch must fail before anything changes.
        List<String> event = new ArrayList<>(o.strings().size() + 1);
        if (!o.vectors().isEmpty()) {
            double[] summed = VectorSymbol.sum(o.vectors());
            String name = VectorSymbol.name(summed);
            event.add(name);
            s.rememberVector(name, summed);
        }
        List<String> strings = new ArrayList<>(o.strings());
        if (c.sortSymbols()) strings.sort(CodePointOrder.INSTANCE);
        event.addAll(strings);

        long time = s.tick();
        if (!o.emotives().isEmpty()) s.addEmotives(o.emotives());
        if (!o.metadata().isEmpty()) s.addMetadata(o.metadata());
        if (!o.hasSymbols()) {
            return new Step(uniqueId, time, null, null, null, List.of());
        }
        s.stm().append(event);
        PredictionResult predictions = null;
        if (c.processPredictions() && s.stm().symbolCount() >= 2) {
            predictions = predictor.predict(s.stm().events(), kb, c.predictionQuery());
        }
        Learner.Outcome auto = autoLearn(s, kb, c, timestamp);
        return new Step(uniqueId, time, List.copyOf(event), predictions,
                auto != null && auto.stored() ? auto.patternName() : null,
                auto != null && auto.stored() ? List.of(auto.applied()) : List.of());
    }

    /** Spec 03 §9; null when no learn happened. */
    private static Learner.Outcome autoLearn(Session s, KnowledgeBase kb, EffectiveConfig c, long timestamp) {
        long m = c.maxPatternLength();
        int n = s.stm().size();
        if (m <= 0 || n < m) return null;
        if (n == 1 || !c.rolling()) return Learner.learn(s, kb, c.persistence(), timestamp);
        List<List<String>> keep = s.stm().newest((int) (m - 1));
        Learner.Outcome out = Learner.learn(s, kb, c.persistence(), timestamp);
        s.stm().replaceWith(keep);
        return out;
    }
}
