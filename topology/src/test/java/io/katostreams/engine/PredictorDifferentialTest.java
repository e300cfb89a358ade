package io.katostreams.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential test: the optimized {@link Predictor} (postings, LCS upper-bound prune, stamps) must
 * give the same result as {@link SpecModel}, a naive literal reading of spec 04 §4–11, on thousands of
 * random knowledge bases and queries. Comparison follows the golden README ("Comparing"): numbers
 * within max(1e-9, 1e-9·|x|), strings and lists exact, ties (rank key within 1e-9) as unordered groups
 * matched by name, a truncated last tie group only by size and key, future_potentials by aggregate
 * order with ties matched by their future (symbols sorted within events).
 *
 * <p>The model itself is first checked against the 69 golden cases ({@link #specModelReproducesTheGoldenCases}).
 */
class PredictorDifferentialTest {

    private static final long SEED = 0x4B41_544F_0004L;
    private static final int SCENARIOS = 2000;
    private static final int QUERIES_PER_SCENARIO = 3;
    private static final int MAX_REPORTED = 5;
    private static final double TOL = 1e-9;

    private static final double[] THRESHOLDS = {0.0, 0.05, 0.1, 0.3, 1.0 / 3.0, 0.5, 0.8, 1.0};
    private static final int[] MAX_PREDICTIONS = {1, 3, 100};
    private static final long[] MAX_PATTERNS = {0, 0, 0, 1, 5};

    private static final List<String> POOL = List.of(
            "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
            "hello", "world", "foo", "bar", "end", "x", "y", "z",
            "", " ", "a b", "x y z", "b c", "é", "e\u0301", "日本", "本", "😀", "😀😀", "𝔸", "ß", "Ω", "it's",
            "\"q\"", "back\\slash", "tab\tbed", "\u00a0", "\u200b", "a a", "ñ", "\uD83D\uDE00x");

    // ---- the random scenarios -------------------------------------------------------------------

    record Learn(List<List<String>> events, List<Map<String, Double>> emotives) {
    }

    /** One prediction request, made after the first {@code learnsBefore} learns of the scenario. */
    record Query(int learnsBefore, List<List<String>> stm, double threshold, int maxPredictions, boolean token,
                 long maxPatterns, boolean exhaustive, RankKey rank) {
        PredictionQuery engineQuery() {
            return new PredictionQuery(threshold, maxPredictions, token, maxPatterns, exhaustive);
        }

        SpecModel.Query modelQuery() {
            return new SpecModel.Query(threshold, maxPredictions, token, maxPatterns, exhaustive, rank.fieldName());
        }
    }

    record Scenario(int index, long seed, List<Learn> learns, List<Query> queries) {
    }

    static Scenario generate(int index, long seed) {
        Random r = new Random(seed);
        // vocabulary of 3–30 symbols
        List<String> pool = new ArrayList<>(POOL);
        Collections.shuffle(pool, r);
        int vocabSize = 3 + r.nextInt(28);
        List<String> vocab = new ArrayList<>(pool.subList(0, vocabSize));
        if (r.nextInt(3) == 0 && !vocab.contains("")) vocab.set(r.nextInt(vocab.size()), "");
        if (r.nextInt(3) == 0 && !vocab.contains("a b")) vocab.add("a b");
        if (r.nextInt(4) == 0) {
            vocab.add("a");
            vocab.add("b");
        }
        vocab = new ArrayList<>(new LinkedHashSet<>(vocab));

        // pattern templates
        int templates = 1 + r.nextInt(40);
        List<List<List<String>>> ts = new ArrayList<>();
        for (int t = 0; t < templates; t++) {
            List<List<String>> p;
            if (!ts.isEmpty() && r.nextInt(4) == 0) {
                p = derive(r, ts.get(r.nextInt(ts.size())), vocab);
            } else if (r.nextInt(10) == 0) {
                p = randomEvents(r, vocab, 5 + r.nextInt(4), 3, 4); // 15–32 symbols: beyond the short length window
            } else {
                p = randomEvents(r, vocab, 1 + r.nextInt(6), 1, 4);
            }
            ts.add(p);
        }
        // learns: some templates several times, order shuffled (first-stored ≠ frequency order)
        List<Learn> learns = new ArrayList<>();
        List<List<List<String>>> order = new ArrayList<>();
        for (List<List<String>> p : ts) {
            int roll = r.nextInt(20);
            int times = roll < 14 ? 1 : roll < 19 ? 2 + r.nextInt(3) : 5 + r.nextInt(4);
            for (int k = 0; k < times; k++) order.add(p);
        }
        Collections.shuffle(order, r);
        for (List<List<String>> p : order) learns.add(new Learn(p, randomEmotives(r)));

        List<Query> queries = new ArrayList<>();
        for (int qn = 0; qn < QUERIES_PER_SCENARIO; qn++) {
            if (qn > 0 && r.nextInt(4) == 0) { // learn more between two requests (the index grows under use)
                int more = 1 + r.nextInt(3);
                for (int k = 0; k < more; k++) {
                    List<List<String>> p;
                    if (r.nextBoolean()) {
                        p = ts.get(r.nextInt(ts.size()));
                    } else {
                        p = randomEvents(r, vocab, 1 + r.nextInt(6), 1, 4);
                        if (r.nextBoolean()) p.get(0).add("late-" + r.nextInt(3)); // a symbol new to the node
                        ts.add(p);
                    }
                    learns.add(new Learn(p, randomEmotives(r)));
                }
            }
            List<List<String>> stm = randomStm(r, vocab, ts);
            RankKey rank = r.nextInt(10) < 7 ? RankKey.POTENTIAL : RankKey.SIMILARITY;
            queries.add(new Query(learns.size(), stm, THRESHOLDS[r.nextInt(THRESHOLDS.length)],
                    MAX_PREDICTIONS[r.nextInt(MAX_PREDICTIONS.length)], r.nextInt(3) != 0,
                    MAX_PATTERNS[r.nextInt(MAX_PATTERNS.length)], r.nextInt(10) < 3, rank));
        }
        return new Scenario(index, seed, learns, queries);
    }

    private static List<Map<String, Double>> randomEmotives(Random r) {
        List<Map<String, Double>> acc = new ArrayList<>();
        if (r.nextInt(4) == 0) {
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                Map<String, Double> m = new LinkedHashMap<>();
                int keys = 1 + r.nextInt(2);
                for (int j = 0; j < keys; j++) {
                    String key = List.of("joy", "fear", "calm").get(r.nextInt(3));
                    double[] vals = {0.0, 1.0, -2.5, 0.3, 2.0, 5.0, Math.round(r.nextDouble() * 1000) / 100.0};
                    m.put(key, vals[r.nextInt(vals.length)]);
                }
                acc.add(m);
            }
        }
        return acc;
    }

    private static List<List<String>> randomEvents(Random r, List<String> vocab, int events, int minSyms, int maxSyms) {
        List<List<String>> out = new ArrayList<>();
        for (int e = 0; e < events; e++) out.add(randomEvent(r, vocab, minSyms, maxSyms));
        return out;
    }

    private static List<String> randomEvent(Random r, List<String> vocab, int minSyms, int maxSyms) {
        int n = minSyms + r.nextInt(maxSyms - minSyms + 1);
        List<String> ev = new ArrayList<>();
        for (int i = 0; i < n; i++) ev.add(vocab.get(r.nextInt(vocab.size())));
        if (n >= 2 && r.nextInt(8) == 0) ev.set(1, ev.get(0)); // repeated symbol within an event
        if (r.nextBoolean()) ev.sort(CodePointOrder.INSTANCE); // as sort_symbols would leave it, sometimes
        return ev;
    }

    /** A variant of an existing pattern: same future with another past, reordered event, extra event... */
    private static List<List<String>> derive(Random r, List<List<String>> base, List<String> vocab) {
        List<List<String>> p = new ArrayList<>();
        for (List<String> e : base) p.add(new ArrayList<>(e));
        switch (r.nextInt(4)) {
            case 0 -> { // permute the symbols of one event (futures equal up to order within events)
                List<String> e = p.get(r.nextInt(p.size()));
                Collections.shuffle(e, r);
            }
            case 1 -> p.set(0, randomEvent(r, vocab, 1, 3)); // different past, same rest
            case 2 -> p.add(randomEvent(r, vocab, 1, 3));
            default -> p.add(0, randomEvent(r, vocab, 1, 3));
        }
        return p;
    }

    private static List<List<String>> randomStm(Random r, List<String> vocab, List<List<List<String>>> ts) {
        int mode = r.nextInt(20);
        if (mode == 0) return List.of(List.of(vocab.get(r.nextInt(vocab.size())))); // S = 1: no prediction
        if (mode <= 3) { // exactly two symbols (L = 2: union of the two sets)
            String a = vocab.get(r.nextInt(vocab.size()));
            String b = r.nextInt(5) == 0 ? "unknown-" + r.nextInt(3) : vocab.get(r.nextInt(vocab.size()));
            return r.nextBoolean() ? List.of(List.of(a), List.of(b)) : List.of(List.of(a, b));
        }
        if (mode <= 7) { // random events, possibly with unknown symbols
            List<List<String>> stm = randomEvents(r, vocab, 1 + r.nextInt(6), 1, 4);
            if (r.nextInt(4) == 0) stm.get(r.nextInt(stm.size())).add("unknown-" + r.nextInt(3));
            return stm;
        }
        if (mode <= 10) { // long STM: 12–30 symbols, sometimes 31–45 (tol = L div 20 = 2 from L = 40)
            int target = r.nextInt(5) == 0 ? 31 + r.nextInt(15) : 12 + r.nextInt(19);
            List<List<String>> stm = new ArrayList<>();
            int count = 0;
            while (count < target) {
                List<String> ev;
                if (r.nextBoolean()) {
                    List<List<String>> t = ts.get(r.nextInt(ts.size()));
                    ev = new ArrayList<>(t.get(r.nextInt(t.size())));
                } else {
                    ev = randomEvent(r, vocab, 1, 4);
                }
                while (count + ev.size() > target) ev.remove(ev.size() - 1);
                if (ev.isEmpty()) ev.add(vocab.get(r.nextInt(vocab.size())));
                stm.add(ev);
                count += ev.size();
            }
            return stm;
        }
        // a slice of a learned pattern, sometimes perturbed
        List<List<String>> t = ts.get(r.nextInt(ts.size()));
        int from = r.nextInt(t.size());
        int to = from + 1 + r.nextInt(Math.min(6, t.size() - from));
        List<List<String>> stm = new ArrayList<>();
        for (List<String> e : t.subList(from, to)) stm.add(new ArrayList<>(e));
        switch (r.nextInt(6)) {
            case 0 -> stm.add(0, randomEvent(r, vocab, 1, 3));
            case 1 -> stm.add(randomEvent(r, vocab, 1, 3));
            case 2 -> {
                List<String> e = stm.get(r.nextInt(stm.size()));
                if (e.size() > 1) e.remove(r.nextInt(e.size()));
            }
            case 3 -> Collections.reverse(stm);
            default -> { }
        }
        while (stm.size() > 6) stm.remove(stm.size() - 1);
        return stm;
    }

    // ---- the differential test ------------------------------------------------------------------

    @Test
    void optimizedPredictorEqualsTheSpecModel() {
        Random master = new Random(SEED);
        Map<RankKey, Predictor> predictors = Map.of(RankKey.POTENTIAL, new Predictor(RankKey.POTENTIAL),
                RankKey.SIMILARITY, new Predictor(RankKey.SIMILARITY)); // reused: scratch state carries over
        List<String> reports = new ArrayList<>();
        int failures = 0, queries = 0, nonEmpty = 0, predictions = 0, truncatedTies = 0, charNonEmpty = 0,
                cappedNonEmpty = 0, exhaustiveNonEmpty = 0, longStmNonEmpty = 0, futures = 0, strictFutureNotes = 0;
        for (int i = 0; i < SCENARIOS; i++) {
            Scenario sc = generate(i, master.nextLong());
            InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();
            int learned = 0;
            for (Query q : sc.queries()) {
                while (learned < q.learnsBefore()) {
                    Learn l = sc.learns().get(learned++);
                    Session s = Session.restore("s", "n", 0, 0, Long.MAX_VALUE, 3600, l.events(), l.emotives(),
                            List.of(), 0, Map.of(), 0, SessionConfig.EMPTY, 1, 0, Map.of());
                    Learner.learn(s, kb, 5, learned);
                }
                SpecModel.Knowledge knowledge = SpecModel.knowledgeOf(kb);
                List<String> kbDiffs = checkKnowledgeConsistency(knowledge);
                queries++;
                SpecModel.Result expected = SpecModel.predict(knowledge, q.stm(), q.modelQuery());
                List<String> diffs = new ArrayList<>(kbDiffs);
                PredictionResult actual = null;
                try {
                    actual = predictors.get(q.rank()).predict(q.stm(), kb, q.engineQuery());
                } catch (RuntimeException e) {
                    diffs.add("engine threw " + e);
                }
                boolean truncTie = truncatedTie(expected, q);
                if (actual != null) {
                    List<Map<String, Object>> got = actual.predictions().stream().map(Prediction::toMap).toList();
                    List<Map<String, Object>> gotFp = actual.futurePotentials().stream().map(FuturePotential::toMap).toList();
                    comparePredictions(expected.predictions(), got, q.rank().fieldName(), truncTie, diffs);
                    List<String> notes = new ArrayList<>();
                    compareFutures(expected.futurePotentials(), gotFp, diffs, notes);
                    if (!notes.isEmpty()) strictFutureNotes++;
                }
                if (!expected.predictions().isEmpty()) {
                    nonEmpty++;
                    predictions += expected.predictions().size();
                    if (!q.token()) charNonEmpty++;
                    if (q.maxPatterns() > 0) cappedNonEmpty++;
                    if (q.exhaustive()) exhaustiveNonEmpty++;
                    if (SpecModel.flat(q.stm()).size() >= 12) longStmNonEmpty++;
                }
                if (truncTie) truncatedTies++;
                futures += expected.futurePotentials().size();
                if (!diffs.isEmpty()) {
                    failures++;
                    if (reports.size() < MAX_REPORTED) reports.add(describe(sc, knowledge, q, expected, actual, diffs));
                }
            }
        }
        System.out.printf("PredictorDifferentialTest: %d scenarios, %d queries, %d with predictions (%d predictions, "
                        + "%d future groups), char mode %d, capped %d, exhaustive %d, long STM %d, truncated ties %d, "
                        + "exact-future notes %d, failures %d%n",
                SCENARIOS, queries, nonEmpty, predictions, futures, charNonEmpty, cappedNonEmpty, exhaustiveNonEmpty,
                longStmNonEmpty, truncatedTies, strictFutureNotes, failures);
        if (failures > 0) {
            String all = String.join("\n\n", reports);
            System.out.println(all);
            fail(failures + " of " + queries + " queries differ from the spec model; first " + reports.size() + ":\n" + all);
        }
    }

    /** The model's pmf/TSP/N must agree with what the patterns imply (spec 04 §2.2–2.3). */
    private static List<String> checkKnowledgeConsistency(SpecModel.Knowledge k) {
        List<String> out = new ArrayList<>();
        Map<String, Long> pmf = new LinkedHashMap<>();
        long tsp = 0;
        for (SpecModel.StoredPattern p : k.patterns()) {
            Set<String> distinct = new LinkedHashSet<>(SpecModel.flat(p.events()));
            for (String s : distinct) pmf.merge(s, p.frequency(), Long::sum);
            tsp += distinct.size() * p.frequency();
        }
        if (!pmf.equals(k.patternMemberFrequency())) out.add("KB symbol statistics " + k.patternMemberFrequency()
                + " differ from the patterns' " + pmf);
        if (tsp != k.tsp()) out.add("KB TSP " + k.tsp() + " differs from the patterns' " + tsp);
        return out;
    }

    private static boolean truncatedTie(SpecModel.Result expected, Query q) {
        List<Map<String, Object>> all = expected.ranked();
        int m = q.maxPredictions();
        if (all.size() <= m) return false;
        String key = q.rank().fieldName();
        return close(num(all.get(m - 1).get(key)), num(all.get(m).get(key)));
    }

    // ---- the model against the golden cases ----------------------------------------------------

    @Test
    void specModelReproducesTheGoldenCases() {
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (JsonNode c : Golden.lines("predictions.jsonl")) {
            cases++;
            JsonNode config = c.get("config");
            int persistence = config.has("persistence") ? config.get("persistence").intValue() : 5;
            String rank = config.has("rank_sort_algo") ? config.get("rank_sort_algo").textValue() : "potential";
            InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();
            JsonNode learns = c.get("learn");
            for (int i = 0; i < learns.size(); i++) {
                List<Map<String, Double>> em = new ArrayList<>();
                if (c.has("learn_emotives")) c.get("learn_emotives").get(i).forEach(e -> em.add(Golden.doubles(e)));
                Session s = Session.restore("s", "golden", 0, 0, Long.MAX_VALUE, 3600, Golden.events(learns.get(i)),
                        em, List.of(), 0, Map.of(), 0, SessionConfig.EMPTY, 1, 0, Map.of());
                Learner.learn(s, kb, persistence, i);
            }
            SpecModel.Query q = new SpecModel.Query(config.get("recall_threshold").doubleValue(),
                    config.get("max_predictions").intValue(), config.get("use_token_matching").booleanValue(),
                    config.has("max_patterns_considered") ? config.get("max_patterns_considered").longValue() : 0,
                    false, rank);
            SpecModel.Result got = SpecModel.predict(SpecModel.knowledgeOf(kb), Golden.events(c.get("stm")), q);
            JsonNode expected = c.has("expected_recommended") ? c.get("expected_recommended") : c.get("expected");
            List<String> diffs = new ArrayList<>();
            if (expected.has("error")) {
                diffs.add("case expects an error without a recommended result");
            } else {
                comparePredictions(plainList(expected.get("predictions")), got.predictions(), rank,
                        c.path("truncated_tie").asBoolean(false), diffs);
                compareFutures(plainList(expected.get("future_potentials")), got.futurePotentials(), diffs, new ArrayList<>());
            }
            if (!diffs.isEmpty()) problems.add(c.get("case").textValue() + ": " + diffs);
        }
        if (cases != 69) problems.add("expected 69 golden cases, read " + cases);
        if (!problems.isEmpty()) fail("the spec model disagrees with the golden file:\n" + String.join("\n", problems));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> plainList(JsonNode n) {
        return (List<Map<String, Object>>) Golden.plain(n);
    }

    // ---- comparison (golden README "Comparing") -------------------------------------------------

    static final Set<String> PREDICTION_KEYS = Set.of("type", "name", "frequency", "emotives", "matches", "past",
            "present", "missing", "extras", "potential", "evidence", "similarity", "fragmentation", "snr", "entropy",
            "normalized_entropy", "global_normalized_entropy", "confluence", "predictive_information", "sequence",
            "future", "confidence", "itfdf_similarity", "pattern_probability", "weighted_strength");

    static void comparePredictions(List<Map<String, Object>> expected, List<Map<String, Object>> actual, String key,
                                   boolean truncatedTie, List<String> diffs) {
        if (expected.size() != actual.size()) {
            diffs.add("prediction count: expected " + expected.size() + " " + summary(expected, key) + " but got "
                    + actual.size() + " " + summary(actual, key));
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            double e = num(expected.get(i).get(key)), a = num(actual.get(i).get(key));
            if (!close(e, a)) {
                diffs.add("rank key " + key + " at position " + i + ": expected " + e + " but got " + a
                        + "; expected " + summary(expected, key) + ", got " + summary(actual, key));
                return;
            }
        }
        int start = 0;
        while (start < expected.size()) {
            int end = start + 1;
            while (end < expected.size() && close(num(expected.get(end - 1).get(key)), num(expected.get(end).get(key)))) end++;
            boolean lastGroup = end == expected.size();
            Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
            for (int i = start; i < end; i++) byName.put((String) actual.get(i).get("name"), actual.get(i));
            if (byName.size() != end - start) diffs.add("duplicate names in tie group " + start + ".." + (end - 1));
            for (int i = start; i < end; i++) {
                Map<String, Object> e = expected.get(i);
                Map<String, Object> a = byName.get((String) e.get("name"));
                if (a == null) {
                    if (!(lastGroup && truncatedTie)) {
                        diffs.add("prediction " + e.get("name") + " missing from tie group " + start + ".." + (end - 1)
                                + "; got " + byName.keySet());
                    }
                    continue;
                }
                comparePrediction(e, a, diffs);
            }
            start = end;
        }
    }

    @SuppressWarnings("unchecked")
    private static void comparePrediction(Map<String, Object> e, Map<String, Object> a, List<String> diffs) {
        String name = (String) e.get("name");
        if (!a.keySet().equals(PREDICTION_KEYS)) diffs.add(name + ": members " + a.keySet());
        for (Map.Entry<String, Object> f : e.entrySet()) {
            String field = f.getKey();
            Object ev = f.getValue();
            Object av = a.get(field);
            String where = name + "." + field;
            if (ev instanceof Number en) {
                if (!(av instanceof Number an) || !close(en.doubleValue(), an.doubleValue())) {
                    diffs.add(where + ": expected " + ev + " but got " + av);
                }
            } else if (field.equals("emotives")) {
                Map<String, Object> em = (Map<String, Object>) ev;
                Map<String, Object> am = (Map<String, Object>) av;
                boolean ok = am != null && em.keySet().equals(am.keySet());
                if (ok) for (String k : em.keySet()) ok &= close(num(em.get(k)), num(am.get(k)));
                if (!ok) diffs.add(where + ": expected " + em + " but got " + am);
            } else if (!ev.equals(av)) {
                diffs.add(where + ": expected " + render(ev) + " but got " + render(av));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void compareFutures(List<Map<String, Object>> expected, List<Map<String, Object>> actual, List<String> diffs,
                               List<String> notes) {
        if (expected.size() != actual.size()) {
            diffs.add("future_potentials count: expected " + render(expected) + " but got " + render(actual));
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            double e = num(expected.get(i).get("aggregate_potential")), a = num(actual.get(i).get("aggregate_potential"));
            if (!close(e, a)) {
                diffs.add("aggregate_potential at " + i + ": expected " + render(expected) + " but got " + render(actual));
                return;
            }
        }
        int start = 0;
        while (start < expected.size()) {
            int end = start + 1;
            while (end < expected.size() && close(num(expected.get(end - 1).get("aggregate_potential")),
                    num(expected.get(end).get("aggregate_potential")))) end++;
            Map<List<List<String>>, Map<String, Object>> byFuture = new LinkedHashMap<>();
            for (int i = start; i < end; i++) {
                byFuture.put(SpecModel.sortedWithinEvents((List<List<String>>) actual.get(i).get("future")), actual.get(i));
            }
            for (int i = start; i < end; i++) {
                Map<String, Object> e = expected.get(i);
                List<List<String>> k = SpecModel.sortedWithinEvents((List<List<String>>) e.get("future"));
                Map<String, Object> a = byFuture.get(k);
                if (a == null) {
                    diffs.add("future " + render(k) + " missing among " + render(byFuture.keySet()));
                    continue;
                }
                if (num(e.get("supporting_patterns")) != num(a.get("supporting_patterns"))) {
                    diffs.add("supporting_patterns of " + render(k) + ": expected " + e.get("supporting_patterns")
                            + " but got " + a.get("supporting_patterns"));
                }
                if (!close(num(e.get("total_weighted_frequency")), num(a.get("total_weighted_frequency")))) {
                    diffs.add("total_weighted_frequency of " + render(k) + ": expected " + e.get("total_weighted_frequency")
                            + " but got " + a.get("total_weighted_frequency"));
                }
                if (!e.get("future").equals(a.get("future"))) {
                    // allowed by the README; spec 04 §10.5 defines it as the first member's future in name order
                    notes.add("future shown " + render(a.get("future")) + " instead of " + render(e.get("future")));
                }
            }
            start = end;
        }
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= Math.max(TOL, TOL * Math.max(Math.abs(a), Math.abs(b)));
    }

    private static String summary(List<Map<String, Object>> ps, String key) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> p : ps) out.add(((String) p.get("name")).substring(0, 8) + "=" + p.get(key));
        return out.toString();
    }

    // ---- reproduction output --------------------------------------------------------------------

    private static String describe(Scenario sc, SpecModel.Knowledge k, Query q, SpecModel.Result expected,
                                   PredictionResult actual, List<String> diffs) {
        StringBuilder b = new StringBuilder();
        b.append("=== scenario ").append(sc.index()).append(" (scenario seed ").append(sc.seed()).append("L)\n");
        b.append("learns in order before this request (events, emotive accumulator):\n");
        for (Learn l : sc.learns().subList(0, q.learnsBefore())) b.append("  ").append(render(l.events())).append("  ").append(l.emotives()).append('\n');
        b.append("stored patterns (first-stored order): name, frequency, events, emotives:\n");
        for (SpecModel.StoredPattern p : k.patterns()) {
            b.append("  ").append(p.name()).append(" f=").append(p.frequency()).append(' ').append(render(p.events()))
                    .append(' ').append(p.emotives() == null ? "{}" : p.emotives()).append('\n');
        }
        b.append("TSP=").append(k.tsp()).append(" N=").append(k.n()).append('\n');
        b.append("STM: ").append(render(q.stm())).append('\n');
        b.append("query: new PredictionQuery(").append(q.threshold()).append(", ").append(q.maxPredictions()).append(", ")
                .append(q.token()).append(", ").append(q.maxPatterns()).append(", ").append(q.exhaustive())
                .append("), rank ").append(q.rank()).append('\n');
        String key = q.rank().fieldName();
        b.append("model (all ranked): ").append(summary(expected.ranked(), key)).append('\n');
        if (actual != null) {
            b.append("engine: ").append(summary(actual.predictions().stream().map(Prediction::toMap).toList(), key)).append('\n');
        }
        b.append("differences:\n");
        for (String d : diffs.subList(0, Math.min(20, diffs.size()))) b.append("  ").append(d).append('\n');
        return b.toString();
    }

    /** Renders lists/strings as Java literals (non-ASCII and controls escaped) so a scenario can be pasted back. */
    static String render(Object o) {
        if (o instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char ch : s.toCharArray()) {
                if (ch == '"' || ch == '\\') b.append('\\').append(ch);
                else if (ch < 0x20 || ch > 0x7e) b.append(String.format("\\u%04x", (int) ch));
                else b.append(ch);
            }
            return b.append('"').toString();
        }
        if (o instanceof Iterable<?> it) {
            List<String> parts = new ArrayList<>();
            for (Object x : it) parts.add(render(x));
            return "List.of(" + String.join(", ", parts) + ")";
        }
        if (o instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) parts.add(render(e.getKey()) + "=" + render(e.getValue()));
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(o);
    }
}
