package io.katostreams.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prediction behaviour beyond the goldens: decisions D2/D3, determinism, truncation, edge cases. */
class PredictorTest {

    private static void learn(KnowledgeBase kb, List<List<String>> events) {
        Session s = Session.restore("s", "n", 0, 0, Long.MAX_VALUE, 3600, events, List.of(), List.of(), 0, Map.of(), 0,
                SessionConfig.EMPTY, 1, 0, Map.of());
        Learner.learn(s, kb, 5, 0);
    }

    private static List<List<String>> singles(String... symbols) {
        List<List<String>> out = new ArrayList<>();
        for (String s : symbols) out.add(List.of(s));
        return out;
    }

    @Test
    void fewerThanTwoSymbolsPredictNothing() {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b"));
        assertEquals(PredictionResult.EMPTY, new Predictor().predict(singles("a"), kb, PredictionQuery.of(0.1, 100, true)));
        assertEquals(PredictionResult.EMPTY, new Predictor().predict(List.of(), kb, PredictionQuery.of(0.1, 100, true)));
    }

    @Test
    void exhaustiveCandidatesSeeShortPatternsThatTheReferenceIndexHides() {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b", "c"));
        List<String> longPattern = new ArrayList<>();
        for (int i = 0; i < 25; i++) longPattern.add("x" + i);
        learn(kb, singles(longPattern.toArray(String[]::new)));
        List<String> stm = new ArrayList<>(List.of("a", "b", "c"));
        for (int i = 0; i < 19; i++) stm.add("x" + i); // 22 symbols: the length window is 10..39
        List<List<String>> events = singles(stm.toArray(String[]::new));
        var reference = new Predictor().predict(events, kb, new PredictionQuery(0.1, 100, true, 0, false));
        var exhaustive = new Predictor().predict(events, kb, new PredictionQuery(0.1, 100, true, 0, true));
        assertEquals(1, reference.predictions().size());
        assertEquals(2, exhaustive.predictions().size());
    }

    @Test
    void theCapKeepsTheMostFrequentPatternsAndTiesByFirstStored() {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b", "x"));
        learn(kb, singles("a", "b", "y"));
        learn(kb, singles("a", "b", "z"));
        learn(kb, singles("a", "b", "z"));
        var one = new Predictor().predict(singles("a", "b"), kb, new PredictionQuery(0.1, 100, true, 1, false));
        assertEquals(List.of(List.of("z")), one.predictions().get(0).future());
        var two = new Predictor().predict(singles("a", "b"), kb, new PredictionQuery(0.1, 100, true, 2, false));
        assertEquals(2, two.predictions().size());
        assertTrue(two.predictions().stream().anyMatch(p -> p.future().equals(List.of(List.of("x")))),
                "x was stored before y");
    }

    @Test
    void truncationNeverChangesTheKeptPredictions() {
        KnowledgeBase kb = randomKnowledge(new SplittableRandom(7), 300);
        List<List<String>> stm = singles("s1", "s2", "s3", "s4");
        var all = new Predictor().predict(stm, kb, PredictionQuery.of(0.0, 10000, true));
        var top = new Predictor().predict(stm, kb, PredictionQuery.of(0.0, 5, true));
        assertTrue(all.predictions().size() > 5);
        assertEquals(all.predictions().subList(0, 5), top.predictions());
        assertEquals(all.futurePotentials(), top.futurePotentials());
    }

    @Test
    void theSameInputsInFreshInstancesGiveIdenticalOutputsIncludingTieOrder() {
        for (long seed = 1; seed <= 5; seed++) {
            KnowledgeBase kb1 = randomKnowledge(new SplittableRandom(seed), 500);
            KnowledgeBase kb2 = randomKnowledge(new SplittableRandom(seed), 500);
            SplittableRandom q = new SplittableRandom(seed * 31);
            for (int i = 0; i < 20; i++) {
                List<List<String>> stm = randomEvents(q, 2 + q.nextInt(4));
                boolean token = q.nextBoolean();
                var a = new Predictor().predict(stm, kb1, PredictionQuery.of(0.1, 100, token));
                var b = new Predictor().predict(stm, kb2, PredictionQuery.of(0.1, 100, token));
                assertEquals(a, b);
                // and a second call on the same instance (scratch reuse) gives the same again
                assertEquals(a, new Predictor().predict(stm, kb1, PredictionQuery.of(0.1, 100, token)));
            }
        }
    }

    @Test
    void exactTiesAreOrderedByName() {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b", "end1"));
        learn(kb, singles("a", "b", "end2"));
        learn(kb, singles("a", "b", "end3"));
        var r = new Predictor().predict(singles("a", "b"), kb, PredictionQuery.of(0.1, 100, true));
        List<String> names = r.predictions().stream().map(Prediction::name).toList();
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals(3, r.futurePotentials().size());
    }

    @Test
    void symbolsUnknownToTheNodeAreExtrasAndNeverMatch() {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b", "c"));
        var r = new Predictor().predict(List.of(List.of("a"), List.of("new1", "new2"), List.of("b")), kb,
                PredictionQuery.of(0.1, 100, true));
        Prediction p = r.predictions().get(0);
        assertEquals(List.of("a", "b"), p.matches());
        assertEquals(List.of(List.of(), List.of("new1", "new2"), List.of()), p.extras());
        assertEquals(List.of(List.of("c")), p.future());
    }

    @Test
    void aLongStmAgainstManyPatternsMatchesTheExhaustiveDefinitionOnSymbolSharing() {
        KnowledgeBase kb = randomKnowledge(new SplittableRandom(11), 2000);
        List<List<String>> stm = randomEvents(new SplittableRandom(12), 60);
        var r = new Predictor().predict(stm, kb, new PredictionQuery(0.05, 10000, true, 0, true));
        for (Prediction p : r.predictions()) {
            assertTrue(p.similarity() >= 0.05);
            assertTrue(!p.matches().isEmpty());
        }
    }

    @Test
    void stampCountersNearTheirLimitDoNotChangeResults() {
        // found by the differential test: a stamp wrapping to a negative value matched stale marks
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        learn(kb, singles("a", "b", "c"));
        learn(kb, singles("k", "q"));
        List<List<String>> stm = singles("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
        PredictionQuery q = PredictionQuery.of(0.1, 100, true);
        PredictionResult expected = new Predictor().predict(stm, kb, q);
        for (int start : new int[]{Integer.MAX_VALUE - 38, Integer.MAX_VALUE - 1, -5}) {
            Predictor.setStampsForTest(start, start);
            for (int i = 0; i < 5; i++) assertEquals(expected, new Predictor().predict(stm, kb, q), "from stamp " + start);
        }
    }

    static KnowledgeBase randomKnowledge(SplittableRandom r, int patterns) {
        KnowledgeBase kb = new InMemoryKnowledgeBase();
        for (int i = 0; i < patterns; i++) learn(kb, randomEvents(r, 2 + r.nextInt(6)));
        return kb;
    }

    static List<List<String>> randomEvents(SplittableRandom r, int events) {
        List<List<String>> out = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            List<String> ev = new ArrayList<>();
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) ev.add("s" + r.nextInt(40));
            ev.sort(CodePointOrder.INSTANCE);
            out.add(ev);
        }
        return out;
    }
}
