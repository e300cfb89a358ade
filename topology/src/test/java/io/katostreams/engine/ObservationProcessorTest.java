package io.katostreams.engine;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Observation processing, auto-learning and observe-sequence (spec 03 §2–11). */
class ObservationProcessorTest {

    private final InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();
    private final ObservationProcessor proc = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());

    private static Session session(Map<String, ?> config) {
        return Session.create("s1", "alice", Map.of(), 3600, SessionConfig.forCreation(config), 0);
    }

    private static Observation obs(List<String> strings, Map<String, Double> emotives, Map<String, Object> metadata) {
        return new Observation(strings, List.of(), emotives, metadata, null);
    }

    private Session observe(Session s, String... strings) {
        return proc.observe(s, Observation.ofStrings(strings), "obs", kb, 1).session();
    }

    @Test
    void stringsAreSortedByCodePointAndTheVectorSymbolComesFirst() {
        Session s = observe(session(Map.of()), "z", "a", "m");
        assertEquals(List.of(List.of("a", "m", "z")), s.stm().events());
        Observation withVector = new Observation(List.of("A"), List.of(new double[]{1, 2, 3}), Map.of(), Map.of(), null);
        s = proc.observe(s, withVector, "obs", kb, 2).session();
        assertEquals(List.of("VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", "A"), s.stm().events().get(1));
    }

    @Test
    void sortingOffKeepsTheRequestOrder() {
        Session s = observe(session(Map.of("sort_symbols", false)), "z", "a", "a");
        assertEquals(List.of(List.of("z", "a", "a")), s.stm().events());
    }

    @Test
    void emptyObservationsAdvanceTheCounterOnlyAndEmotivesStillAccumulate() {
        Session s = session(Map.of());
        var out = proc.observe(s, obs(List.of(), Map.of("joy", 1.0), Map.of()), "obs", kb, 1);
        assertEquals(1, out.step().time());
        assertEquals(0, out.stmLength());
        assertNull(out.step().event());
        assertEquals(List.of(Map.of("joy", 1.0)), out.session().emotivesAccumulator());
        // {} is valid and empty; {} emotives are not appended
        out = proc.observe(out.session(), obs(List.of(), Map.of(), Map.of()), "obs", kb, 2);
        assertEquals(2, out.step().time());
        assertEquals(1, out.session().emotivesAccumulator().size());
    }

    @Test
    void theEndToEndLearningExampleOfSpec03() {
        Session s = session(Map.of());
        s = proc.observe(s, obs(List.of("b", "a"), ordered("joy", 1.0, "fear", 0.0), Map.of("book", "Alice")), "o", kb, 1).session();
        s = proc.observe(s, obs(List.of("c"), Map.of("joy", 0.5), ordered("book", "Alice", "page", BigInteger.TWO)), "o", kb, 2).session();
        assertEquals(List.of(List.of("a", "b"), List.of("c")), s.stm().events());
        assertEquals(2, s.time());
        Learner.Outcome out = proc.learn(s, kb, 3);
        assertEquals("PTRN|e9e43f2309079f2843665ab773996d99489306d6", out.patternName());
        assertTrue(s.stm().isEmpty());
        Pattern p = kb.pattern("e9e43f2309079f2843665ab773996d99489306d6").orElseThrow();
        assertEquals(List.of(Map.of("joy", 0.75)), p.emotives());
        assertEquals(Map.of("book", List.of("Alice"), "page", List.of("2")), p.metadata());
        assertEquals(new SymbolStats("a", 1, 1, Map.of("joy", 0.75)), kb.symbol("a").orElseThrow());
        assertEquals(new Totals(1, 3, 3), kb.totals());

        s = proc.observe(s, obs(List.of("a", "b"), Map.of("joy", 0.25), Map.of()), "o", kb, 4).session();
        s = proc.observe(s, obs(List.of("c"), Map.of(), ordered("book", "Through the Looking-Glass", "chapter", "1")), "o", kb, 5).session();
        assertEquals("PTRN|e9e43f2309079f2843665ab773996d99489306d6", proc.learn(s, kb, 6).patternName());
        p = kb.pattern("e9e43f2309079f2843665ab773996d99489306d6").orElseThrow();
        assertEquals(2, p.frequency());
        assertEquals(List.of(Map.of("joy", 0.75), Map.of("joy", 0.25)), p.emotives());
        assertEquals(List.of("book", "page", "chapter"), new ArrayList<>(p.metadata().keySet()));
        assertEquals(List.of("Alice", "Through the Looking-Glass"), p.metadata().get("book"));
        assertEquals(new SymbolStats("c", 2, 2, Map.of("joy", 1.0)), kb.symbol("c").orElseThrow());
        assertEquals(new Totals(2, 6, 6), kb.totals());

        s = observe(s, "a");
        s = observe(s, "a", "b");
        Learner.Outcome third = proc.learn(s, kb, 7);
        assertEquals("PTRN|0c9c789111fdc87799898d2e8aff1a79e7d2b9ae", third.patternName());
        Pattern plain = kb.pattern("0c9c789111fdc87799898d2e8aff1a79e7d2b9ae").orElseThrow();
        assertNull(plain.emotives(), "a pattern learned without emotives stores the {} object");
        assertEquals(Map.of(), plain.metadata());
        assertEquals(4, kb.symbol("a").orElseThrow().frequency());
        assertEquals(3, kb.symbol("a").orElseThrow().patternMemberFrequency());
        assertEquals(new Totals(3, 9, 8), kb.totals());

        s = observe(s, "z");
        assertEquals("", proc.learn(s, kb, 8).patternName());
        assertEquals(new Totals(3, 9, 8), kb.totals());
        assertTrue(s.stm().isEmpty());
    }

    @Test
    void autoLearnClearMode() {
        Session s = session(Map.of("max_pattern_length", 3));
        s = observe(s, "A");
        s = observe(s, "B");
        var out = proc.observe(s, Observation.ofStrings("C"), "o", kb, 1);
        assertEquals("PTRN|5b93697e1e591a765dd0b3c91ae7b57fa44589d9", out.step().autoLearnedPattern());
        assertEquals(0, out.stmLength());
        s = observe(out.session(), "D");
        assertEquals(List.of(List.of("D")), s.stm().events());
    }

    @Test
    void autoLearnRollingModeKeepsTheLastEvents() {
        Session s = session(Map.of("max_pattern_length", 3, "stm_mode", "ROLLING"));
        List<String> learned = new ArrayList<>();
        for (String x : List.of("A", "B", "C", "D", "E")) {
            var out = proc.observe(s, Observation.ofStrings(x), "o", kb, 1);
            if (out.step().autoLearnedPattern() != null) learned.add(out.step().autoLearnedPattern());
            s = out.session();
        }
        assertEquals(List.of(PatternName.withPrefix(PatternName.of(List.of(List.of("A"), List.of("B"), List.of("C")))),
                PatternName.withPrefix(PatternName.of(List.of(List.of("B"), List.of("C"), List.of("D")))),
                PatternName.withPrefix(PatternName.of(List.of(List.of("C"), List.of("D"), List.of("E"))))), learned);
        assertEquals(List.of(List.of("D"), List.of("E")), s.stm().events());
    }

    @Test
    void autoLearnTableRowsOfSpec03() {
        // m = 4 ROLLING, A..E: at D ABCD, at E BCDE, final [[C],[D],[E]]
        Session s = session(Map.of("max_pattern_length", 4, "stm_mode", "ROLLING"));
        for (String x : List.of("A", "B", "C", "D", "E")) s = observe(s, x);
        assertEquals(List.of(List.of("C"), List.of("D"), List.of("E")), s.stm().events());
        assertEquals(2, kb.totals().totalPatternFrequencies());
        // m = 1: ["a"] stores nothing, clears; ["a","b"] stores the one-event pattern
        Session one = session(Map.of("max_pattern_length", 1));
        var out = proc.observe(one, Observation.ofStrings("a"), "o", kb, 1);
        assertNull(out.step().autoLearnedPattern());
        assertEquals(0, out.stmLength());
        out = proc.observe(out.session(), Observation.ofStrings("a", "b"), "o", kb, 2);
        assertEquals("PTRN|3814b8c03c137909546d6993c0acf351981bccae", PatternName.withPrefix(
                PatternName.of(List.of(List.of("hello", "world")))));
        assertEquals(PatternName.withPrefix(PatternName.of(List.of(List.of("a", "b")))), out.step().autoLearnedPattern());
        // m = 0 ROLLING never learns
        Session never = session(Map.of("stm_mode", "ROLLING"));
        for (int i = 0; i < 10; i++) never = observe(never, "x" + i);
        assertEquals(10, never.stm().size());
        // m = 3 ROLLING with multi-symbol events learns at the 3rd and 4th observation
        Session mixed = session(Map.of("max_pattern_length", 3, "stm_mode", "ROLLING"));
        mixed = observe(mixed, "single");
        mixed = observe(mixed, "multi", "symbol");
        mixed = observe(mixed, "another");
        mixed = observe(mixed, "last", "event");
        assertEquals(List.of(List.of("another"), List.of("event", "last")), mixed.stm().events());
    }

    @Test
    void rollingWithMaxPatternLengthLoweredToOneKeepsEverything() {
        // spec 03 §9 [QUIRK]: the "last 0 events" slice is all events
        Session s = session(Map.of("stm_mode", "ROLLING"));
        s = observe(s, "a");
        s = observe(s, "b");
        s.setConfig(s.config().update(Map.of("max_pattern_length", 1), List.of("body")), 3);
        var out = proc.observe(s, Observation.ofStrings("c"), "o", kb, 3);
        assertNotNull(out.step().autoLearnedPattern());
        assertEquals(3, out.stmLength());
    }

    @Test
    void theStmKeepsTheNewestThousandEvents() {
        Session s = session(Map.of("process_predictions", false));
        ObservationProcessor.ObserveOutcome out = null;
        for (int i = 0; i < 1005; i++) {
            out = proc.observe(s, Observation.ofStrings("e" + i), "o", kb, i);
            s = out.session();
        }
        assertEquals(1000, out.stmLength());
        assertEquals(1005, out.step().time());
        assertEquals(List.of("e5"), s.stm().events().get(0));
    }

    @Test
    void aVectorLengthMismatchChangesNothing() {
        Session s = observe(session(Map.of()), "a");
        Observation bad = new Observation(List.of("b"), List.of(new double[]{1, 2, 3}, new double[]{1, 2}), Map.of(),
                Map.of(), null);
        VectorDimensionException e = assertThrows(VectorDimensionException.class, () -> proc.observe(s, bad, "o", kb, 2));
        assertEquals("Vector dimension mismatch: expected 3, got 2", e.getMessage());
        assertEquals(1, s.time());
        assertEquals(1, s.stm().size());
    }

    @Test
    void observeTimePredictionsNeedTwoSymbolsAndTheSetting() {
        Session s = session(Map.of());
        s = observe(s, "a");
        s = observe(s, "b");
        proc.learn(s, kb, 1);
        var out = proc.observe(s, Observation.ofStrings("a"), "o", kb, 2);
        assertNull(out.step().predictions(), "one symbol: nothing computed");
        out = proc.observe(out.session(), Observation.ofStrings("b"), "o", kb, 3);
        assertEquals(1, out.step().predictions().predictions().size());
        Session off = session(Map.of("process_predictions", false));
        off = observe(off, "a");
        assertNull(proc.observe(off, Observation.ofStrings("b"), "o", kb, 4).step().predictions());
    }

    @Test
    void sessionPersistenceBoundsTheEmotiveWindow() {
        Session s = session(Map.of("persistence", 2));
        for (int i = 1; i <= 4; i++) {
            s = proc.observe(s, obs(List.of("a", "b"), Map.of("joy", (double) i), Map.of()), "o", kb, i).session();
            proc.learn(s, kb, i);
        }
        Pattern p = kb.pattern(PatternName.of(List.of(List.of("a", "b")))).orElseThrow();
        assertEquals(List.of(Map.of("joy", 3.0), Map.of("joy", 4.0)), p.emotives());
    }

    @Test
    void observeSequenceWithLearnAtEnd() {
        Session s = session(Map.of());
        List<Observation> items = List.of(Observation.ofStrings("a"),
                new Observation(List.of("b"), List.of(), Map.of(), Map.of(), "custom-2"), Observation.ofStrings("c"));
        var out = proc.observeSequence(s, items, false, true, false, i -> "seq-obs-" + i, kb, 1);
        assertEquals(0, out.initialStmLength());
        assertEquals(0, out.finalStmLength());
        assertEquals(List.of("PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9"), out.learnedPatterns());
        assertEquals("PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9", out.finalLearnedPattern());
        assertEquals(List.of(new ObservationProcessor.ItemResult(0, 1, 1, "seq-obs-0", null),
                new ObservationProcessor.ItemResult(1, 2, 2, "custom-2", null),
                new ObservationProcessor.ItemResult(2, 3, 3, "seq-obs-2", null)), out.results());
    }

    @Test
    void observeSequenceListsLearnAfterEachBeforeAutoLearnAndKeepsEmptyNames() {
        Session s = session(Map.of("max_pattern_length", 2));
        var out = proc.observeSequence(s, List.of(Observation.ofStrings("x"), Observation.ofStrings("y", "z")),
                true, false, false, i -> "g" + i, kb, 1);
        // item 0: learn_after_each learns [["x"]] -> "" ; item 1: [["y","z"]] alone, auto-learn needs 2 events
        assertEquals(List.of("", PatternName.withPrefix(PatternName.of(List.of(List.of("y", "z"))))), out.learnedPatterns());

        // An STM that already holds [[p]]: item [q] auto-learns [[p],[q]] (ROLLING keeps [[q]]), then
        // learn_after_each learns [[q]] -> "". The learn_after_each name is listed first ([QUIRK]).
        Session rolling = observe(session(Map.of("max_pattern_length", 2, "stm_mode", "ROLLING")), "p");
        out = proc.observeSequence(rolling, List.of(Observation.ofStrings("q")), true, false, false, i -> "g" + i, kb, 2);
        assertEquals(List.of("", PatternName.withPrefix(PatternName.of(List.of(List.of("p"), List.of("q"))))),
                out.learnedPatterns());
        assertEquals(PatternName.withPrefix(PatternName.of(List.of(List.of("p"), List.of("q")))),
                out.results().get(0).autoLearnedPattern());
    }

    @Test
    void observeSequenceClearBetweenKeepsOnlyTheLastEvent() {
        var out = proc.observeSequence(session(Map.of()), List.of(Observation.ofStrings("a"), Observation.ofStrings("b"),
                Observation.ofStrings("c")), false, false, true, i -> "g" + i, kb, 1);
        assertEquals(List.of(List.of("c")), out.session().stm().events());
        assertEquals(3, out.session().time());
    }

    @Test
    void aFailingSequenceItemKeepsTheSessionButEarlierLearnsStay() {
        Session s = session(Map.of());
        Observation bad = new Observation(List.of(), List.of(new double[]{1, 2}, new double[]{1, 2, 3}), Map.of(), Map.of(), null);
        ObservationSequenceException e = assertThrows(ObservationSequenceException.class, () -> proc.observeSequence(s,
                List.of(Observation.ofStrings("a", "b"), bad), true, false, false, i -> "g" + i, kb, 1));
        assertEquals(1, e.observationIndex());
        assertEquals(1, e.learned().size());
        assertEquals(1, kb.totals().totalPatternFrequencies());
        assertEquals(0, s.time());
        assertTrue(s.stm().isEmpty());
    }

    @Test
    void emptySequenceChangesNothing() {
        Session s = observe(session(Map.of()), "a");
        var out = proc.observeSequence(s, List.of(), true, true, true, i -> "g", kb, 1);
        assertEquals(1, out.initialStmLength());
        assertEquals(1, out.finalStmLength());
        assertTrue(out.results().isEmpty());
        assertNull(out.finalLearnedPattern());
    }

    @Test
    void learnedVectorsAreRecordedWithTheirPatterns() {
        Session s = proc.observe(session(Map.of()), new Observation(List.of("a"), List.of(new double[]{0.5, 0.5},
                new double[]{1.0, 0.0}), Map.of(), Map.of(), null), "o", kb, 1).session();
        Learner.Outcome out = proc.learn(s, kb, 2);
        StoredVector v = kb.vector("VCTR|f11daefdddee30b6a7a043c084fad802f0553a99").orElseThrow();
        assertEquals(List.of(PatternName.stripPrefix(out.patternName())), v.patterns());
        assertEquals(1.5, v.vector()[0]);
        assertTrue(s.pendingVectors().isEmpty());
    }

    @Test
    void clearAllEmptiesTheNodeAndResetsTheCounter() {
        Session s = observe(observe(session(Map.of()), "a"), "b");
        proc.learn(s, kb, 1);
        kb.clear();
        s.clearAll();
        assertEquals(Totals.ZERO, kb.totals());
        assertEquals(0, kb.index().patternCount());
        assertEquals(1, proc.observe(s, Observation.ofStrings("a"), "o", kb, 2).step().time());
    }

    private static Map<String, Double> ordered(String k1, double v1, String k2, double v2) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
