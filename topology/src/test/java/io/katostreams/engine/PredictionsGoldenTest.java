package io.katostreams.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every case of {@code golden/predictions.jsonl} as its own test: replay the learns, check the
 * learned names and the stored knowledge, request predictions and compare every field with the
 * rules of the golden README (tolerance 1e-9, tie groups, truncated ties, future groups).
 */
class PredictionsGoldenTest {

    private static final double TOL = 1e-9;

    @TestFactory
    Stream<DynamicTest> goldenPredictionCases() {
        return Golden.lines("predictions.jsonl").stream()
                .map(c -> DynamicTest.dynamicTest(c.get("case").textValue(), () -> replay(c)));
    }

    private static void replay(JsonNode c) {
        JsonNode config = c.get("config");
        int persistence = config.has("persistence") ? config.get("persistence").intValue() : 5;
        RankKey rank = config.has("rank_sort_algo") ? RankKey.fromFieldName(config.get("rank_sort_algo").textValue())
                : RankKey.POTENTIAL;
        boolean followsRecommendation = c.has("expected_recommended");
        InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();

        JsonNode learns = c.get("learn");
        for (int i = 0; i < learns.size(); i++) {
            Session s = Session.restore("s", "golden", 0, 0, Long.MAX_VALUE, 3600, Golden.events(learns.get(i)),
                    emotives(c, i), metadata(c, i), 0, Map.of(), 0, SessionConfig.EMPTY, 1, 0, Map.of());
            Learner.Outcome out = Learner.learn(s, kb, persistence, i);
            JsonNode expectedName = c.get("learned_names").get(i);
            if (expectedName.isNull()) {
                // The reference failed here (spec 04 Q10); the required fix learns onto the same pattern.
                assertTrue(followsRecommendation, "a failed reference learn must come with expected_recommended");
                assertEquals(c.get("learned_names").get(0).textValue(), out.patternName(), "learn " + i + " (Q10 fix)");
            } else {
                assertEquals(expectedName.textValue(), out.patternName(), "learned name of learn " + i);
            }
        }
        checkKnowledge(c, kb);

        Predictor predictor = new Predictor(rank);
        PredictionQuery q = new PredictionQuery(config.get("recall_threshold").doubleValue(),
                config.get("max_predictions").intValue(), config.get("use_token_matching").booleanValue(),
                config.has("max_patterns_considered") ? config.get("max_patterns_considered").longValue() : 0,
                false);
        PredictionResult result = predictor.predict(Golden.events(c.get("stm")), kb, q);

        JsonNode expected = followsRecommendation ? c.get("expected_recommended") : c.get("expected");
        if (expected.has("error")) fail("the case expects an error and no recommended result: " + expected);
        comparePredictions(expected.get("predictions"), result.predictions(), rank,
                c.path("truncated_tie").asBoolean(false));
        compareFutures(expected.get("future_potentials"), result.futurePotentials());
    }

    private static List<Map<String, Double>> emotives(JsonNode c, int i) {
        List<Map<String, Double>> out = new ArrayList<>();
        if (c.has("learn_emotives")) c.get("learn_emotives").get(i).forEach(e -> out.add(Golden.doubles(e)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metadata(JsonNode c, int i) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (c.has("learn_metadata")) c.get("learn_metadata").get(i).forEach(e -> out.add((Map<String, Object>) Golden.plain(e)));
        return out;
    }

    // ---- knowledge ----------------------------------------------------------------------------

    private static void checkKnowledge(JsonNode c, KnowledgeBase kb) {
        JsonNode expected = c.get("kb");
        boolean q10Fix = c.get("case").textValue().equals("emotives_after_plain_learn_fails");
        Totals t = kb.totals();
        if (q10Fix) {
            // golden README: under the fix, storage holds frequency 2, emotives [{"joy": 2.0}], totals 2/6/6
            assertEquals(new Totals(2, 6, 6), t, "totals under the Q10 fix");
            Pattern p = kb.pattern(PatternName.stripPrefix(c.get("learned_names").get(0).textValue())).orElseThrow();
            assertEquals(2, p.frequency());
            assertEquals(List.of(Map.of("joy", 2.0)), p.emotives());
            return;
        }
        JsonNode totals = expected.get("totals");
        assertEquals(totals.get("total_pattern_frequencies").longValue(), t.totalPatternFrequencies(), "totals");
        assertEquals(totals.get("total_symbol_frequencies").longValue(), t.totalSymbolFrequencies(), "totals");
        assertEquals(totals.get("total_symbols_in_patterns_frequencies").longValue(),
                t.totalSymbolsInPatternsFrequencies(), "totals");
        assertEquals(expected.get("distinct_symbols").intValue(), kb.index().learnedSymbolCount(), "distinct symbols");
        if (expected.get("symbols").isTextual()) return; // "omitted (large KB)"
        expected.get("symbols").properties().forEach(e -> {
            SymbolStats s = kb.symbol(e.getKey()).orElseThrow(() -> new AssertionError("missing symbol " + e.getKey()));
            assertEquals(e.getValue().get(0).longValue(), s.frequency(), "frequency of symbol " + e.getKey());
            assertEquals(e.getValue().get(1).longValue(), s.patternMemberFrequency(), "pmf of symbol " + e.getKey());
        });
        int[] count = {0};
        kb.forEachPattern(p -> count[0]++);
        assertEquals(expected.get("patterns").size(), count[0], "pattern count");
        for (JsonNode ep : expected.get("patterns")) {
            String name = ep.get("name").textValue();
            Pattern p = kb.pattern(name).orElseThrow(() -> new AssertionError("missing pattern " + name));
            assertEquals(ep.get("frequency").longValue(), p.frequency(), "frequency of " + name);
            assertEquals(ep.get("length").intValue(), p.length(), "length of " + name);
            JsonNode em = ep.get("emotives");
            if (em.isObject()) {
                assertTrue(em.isEmpty() && p.emotives() == null, "emotives of " + name + " must be the {} object");
            } else {
                List<Map<String, Double>> window = new ArrayList<>();
                em.forEach(x -> window.add(Golden.doubles(x)));
                assertEquals(window, p.emotives(), "emotive window of " + name);
            }
            Map<String, List<String>> md = new LinkedHashMap<>();
            ep.get("metadata").properties().forEach(e -> {
                List<String> vals = new ArrayList<>();
                e.getValue().forEach(v -> vals.add(v.textValue()));
                md.put(e.getKey(), vals);
            });
            assertEquals(md, p.metadata(), "metadata of " + name);
        }
    }

    // ---- predictions ---------------------------------------------------------------------------

    private static void comparePredictions(JsonNode expected, List<Prediction> actual, RankKey rank, boolean truncatedTie) {
        assertEquals(expected.size(), actual.size(), () -> "prediction count; got names "
                + actual.stream().map(Prediction::name).toList());
        String key = rank.fieldName();
        List<Map<String, Object>> got = actual.stream().map(Prediction::toMap).toList();
        for (int i = 0; i < expected.size(); i++) {
            assertNumber(expected.get(i).get(key).doubleValue(), ((Number) got.get(i).get(key)).doubleValue(),
                    "rank key " + key + " at position " + i);
        }
        // Tie groups: consecutive expected predictions whose rank keys are within 1e-9.
        int start = 0;
        while (start < expected.size()) {
            int end = start + 1;
            while (end < expected.size() && close(expected.get(end - 1).get(key).doubleValue(),
                    expected.get(end).get(key).doubleValue())) end++;
            boolean lastGroup = end == expected.size();
            if (lastGroup && truncatedTie) {
                // membership is free: every actual member must still be a full, consistent prediction
                for (int i = start; i < end; i++) assertEquals("prototypical", got.get(i).get("type"));
            } else {
                Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
                for (int i = start; i < end; i++) byName.put((String) got.get(i).get("name"), got.get(i));
                for (int i = start; i < end; i++) {
                    JsonNode e = expected.get(i);
                    Map<String, Object> a = byName.get(e.get("name").textValue());
                    if (a == null) fail("prediction " + e.get("name").textValue() + " missing from tie group at "
                            + start + ".." + (end - 1) + "; got " + byName.keySet());
                    comparePrediction(e, a);
                }
            }
            start = end;
        }
    }

    private static void comparePrediction(JsonNode e, Map<String, Object> a) {
        String name = e.get("name").textValue();
        assertEquals(e.size(), a.size(), "member count of " + name + ": " + a.keySet());
        Iterator<Map.Entry<String, JsonNode>> it = e.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = f.getKey();
            assertTrue(a.containsKey(field), "member " + field + " of " + name);
            JsonNode ev = f.getValue();
            Object av = a.get(field);
            String where = name + "." + field;
            if (ev.isNumber()) {
                assertNumber(ev.doubleValue(), ((Number) av).doubleValue(), where);
            } else if (field.equals("emotives")) {
                @SuppressWarnings("unchecked") Map<String, Double> am = (Map<String, Double>) av;
                assertEquals(ev.size(), am.size(), where);
                ev.properties().forEach(x -> assertNumber(x.getValue().doubleValue(),
                        am.getOrDefault(x.getKey(), Double.NaN), where + "." + x.getKey()));
            } else {
                assertEquals(Golden.plain(ev), av, where);
            }
        }
    }

    private static void compareFutures(JsonNode expected, List<FuturePotential> actual) {
        assertEquals(expected.size(), actual.size(), "future_potentials count");
        for (int i = 0; i < expected.size(); i++) {
            assertNumber(expected.get(i).get("aggregate_potential").doubleValue(), actual.get(i).aggregatePotential(),
                    "aggregate_potential at " + i);
        }
        int start = 0;
        while (start < expected.size()) {
            int end = start + 1;
            while (end < expected.size() && close(expected.get(end - 1).get("aggregate_potential").doubleValue(),
                    expected.get(end).get("aggregate_potential").doubleValue())) end++;
            Map<List<List<String>>, FuturePotential> byFuture = new LinkedHashMap<>();
            for (int i = start; i < end; i++) byFuture.put(sortedEvents(actual.get(i).future()), actual.get(i));
            for (int i = start; i < end; i++) {
                JsonNode e = expected.get(i);
                List<List<String>> k = sortedEvents(Golden.events(e.get("future")));
                FuturePotential a = byFuture.get(k);
                if (a == null) fail("future " + k + " missing among " + byFuture.keySet());
                assertEquals(e.get("supporting_patterns").intValue(), a.supportingPatterns(), "supporting_patterns " + k);
                assertNumber(e.get("total_weighted_frequency").doubleValue(), a.totalWeightedFrequency(),
                        "total_weighted_frequency " + k);
            }
            start = end;
        }
    }

    private static List<List<String>> sortedEvents(List<List<String>> events) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> e : events) {
            List<String> s = new ArrayList<>(e);
            s.sort(CodePointOrder.INSTANCE);
            out.add(s);
        }
        return out;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= Math.max(TOL, TOL * Math.max(Math.abs(a), Math.abs(b)));
    }

    private static void assertNumber(double expected, double actual, String what) {
        if (!close(expected, actual)) fail(what + ": expected " + expected + " but was " + actual);
    }
}
