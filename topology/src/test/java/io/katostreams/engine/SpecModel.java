package io.katostreams.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately naive, literal model of spec 04 §4–11 (plus decisions D2, D3, D5), written from the
 * specification alone and used as the oracle of {@link PredictorDifferentialTest}. It works on plain
 * strings and lists, recomputes everything for every request and favours readability over speed.
 * It shares no code with the optimized {@link Predictor}/{@link Matcher}/{@link PatternIndex}.
 */
final class SpecModel {

    /** One stored pattern as the model sees it (spec 04 §2.1). */
    record StoredPattern(String name, List<List<String>> events, int length, long frequency, long sequence,
                         List<Map<String, Double>> emotives) {
    }

    /** Everything the prediction reads from storage (spec 04 §2): patterns, pmf per symbol, TSP, N. */
    record Knowledge(List<StoredPattern> patterns, Map<String, Long> patternMemberFrequency, long tsp, long n) {
    }

    /** The query settings (spec 04 §3, D2, D3). */
    record Query(double recallThreshold, int maxPredictions, boolean useTokenMatching, long maxPatternsConsidered,
                 boolean exhaustive, String rankField) {
    }

    /**
     * @param predictions      ranked and truncated predictions (wire names of spec 01 §8.1)
     * @param ranked           every prediction ranked, before truncation (to detect truncated tie groups)
     * @param futurePotentials the §10.5 list (wire names of spec 01 §8.2)
     */
    record Result(List<Map<String, Object>> predictions, List<Map<String, Object>> ranked,
                  List<Map<String, Object>> futurePotentials) {
    }

    private SpecModel() {}

    /** Reads the knowledge through the public knowledge-base API only. */
    static Knowledge knowledgeOf(KnowledgeBase kb) {
        List<StoredPattern> patterns = new ArrayList<>();
        kb.forEachPattern(p -> patterns.add(new StoredPattern(p.name(), deepCopy(p.events()), p.length(),
                p.frequency(), p.sequence(), p.emotives() == null ? null : new ArrayList<>(p.emotives()))));
        Map<String, Long> pmf = new LinkedHashMap<>();
        kb.forEachSymbol(s -> {
            if (s.patternMemberFrequency() > 0) pmf.put(s.name(), s.patternMemberFrequency());
        });
        return new Knowledge(patterns, pmf, kb.totals().totalSymbolsInPatternsFrequencies(), pmf.size());
    }

    /** Working record of one surviving candidate. */
    private static final class Cand {
        StoredPattern p;
        double similarity;
        List<int[]> blocks;
        List<String> matches;
        List<List<String>> past, present, future, missing, extras;
        double evidence, confidence, fragmentation, snr;
        double normalizedEntropy, globalNormalizedEntropy, itfdf, patternProbability, weightedStrength,
                predictiveInformation, potential;
    }

    static Result predict(Knowledge kb, List<List<String>> stm, Query q) {
        // §4 step 1
        List<String> state = flat(stm);
        int S = state.size();
        if (S < 2) return new Result(List.of(), List.of(), List.of());

        // §5.1 / D2: the pattern universe
        List<StoredPattern> universe = new ArrayList<>(kb.patterns());
        universe.removeIf(p -> p.frequency() < 1);
        if (q.maxPatternsConsidered() > 0) {
            universe.sort(Comparator.comparingLong((StoredPattern p) -> -p.frequency())
                    .thenComparingLong(StoredPattern::sequence));
            if (universe.size() > q.maxPatternsConsidered()) {
                universe = new ArrayList<>(universe.subList(0, (int) q.maxPatternsConsidered()));
            }
        }

        // §5.2 / D3: candidates
        List<StoredPattern> candidates = new ArrayList<>();
        if (q.exhaustive()) {
            Set<String> stateSymbols = new HashSet<>(state);
            for (StoredPattern p : universe) {
                boolean shares = false;
                for (String s : flat(p.events())) if (stateSymbols.contains(s)) shares = true;
                if (shares) candidates.add(p);
            }
        } else {
            int L = S;
            int tol = Math.max(1, L / 20);
            int key = L / 10;
            Set<String> lengthSet = new LinkedHashSet<>();
            Set<String> symbolSet = new LinkedHashSet<>();
            List<String> firstSymbols = state.subList(0, Math.min(10, L));
            Map<String, StoredPattern> byName = new LinkedHashMap<>();
            for (StoredPattern p : universe) {
                byName.put(p.name(), p);
                int bucket = p.length() / 10;
                if (bucket >= key - tol && bucket <= key + tol) lengthSet.add(p.name());
                boolean shares = false;
                for (String s : flat(p.events())) if (firstSymbols.contains(s)) shares = true;
                if (shares) symbolSet.add(p.name());
            }
            Set<String> chosen = new LinkedHashSet<>();
            if (L <= 2) {
                chosen.addAll(lengthSet);
                chosen.addAll(symbolSet);
            } else if (!lengthSet.isEmpty()) {
                for (String n : lengthSet) if (symbolSet.contains(n)) chosen.add(n);
            } else {
                chosen.addAll(symbolSet);
            }
            for (String n : chosen) candidates.add(byName.get(n));
        }
        candidates.sort(Comparator.comparing(StoredPattern::name));

        // §6–9 per candidate
        List<Cand> E = new ArrayList<>();
        double t = q.recallThreshold();
        for (StoredPattern p : candidates) {
            List<String> P = flat(p.events());
            if (P.size() != p.length()) throw new IllegalStateException("stored length differs from |flat| for " + p.name());
            double raw;
            double similarity;
            if (q.useTokenMatching()) {
                int lcs = lcs(P, state);
                int total = P.size() + S;
                raw = (2.0 * lcs) / total;
                similarity = raw;
            } else {
                List<Integer> pc = codePoints(String.join(" ", P));
                List<Integer> sc = codePoints(String.join(" ", state));
                int m = pc.size() + sc.size();
                int lcs = lcs(pc, sc);
                int d = m - 2 * lcs;
                raw = m == 0 ? 1.0 : 1.0 - ((double) d) / ((double) m);
                similarity = (raw * 100.0) / 100.0;
            }
            boolean pass = raw >= t && raw * 100.0 >= t * 100.0 && (raw * 100.0) / 100.0 >= t && similarity >= t;
            if (!pass) continue;

            List<int[]> blocks = matchingBlocks(P, state);
            if (blocks.isEmpty()) continue; // D5: dropped at every threshold

            Cand c = new Cand();
            c.p = p;
            c.similarity = similarity;
            c.blocks = blocks;
            // §8.1
            c.matches = new ArrayList<>();
            for (int[] b : blocks) for (int x = b[1]; x < b[1] + b[2]; x++) c.matches.add(state.get(x));
            int M = c.matches.size();
            int pastLen = blocks.get(0)[0];
            int[] last = blocks.get(blocks.size() - 1);
            int presentLen = (last[0] + last[2]) - pastLen;
            // §8.2
            List<List<String>> ev = p.events();
            int cnt = 0, e = 0;
            while (cnt < pastLen) {
                cnt += ev.get(e).size();
                e += 1;
            }
            int pastEnd = e;
            while (cnt < pastLen + presentLen) {
                cnt += ev.get(e).size();
                e += 1;
            }
            List<List<String>> past = new ArrayList<>(ev.subList(0, pastEnd));
            List<List<String>> present = new ArrayList<>(ev.subList(pastEnd, e));
            List<List<String>> future = new ArrayList<>(ev.subList(e, ev.size()));
            // §8.3
            if (!past.isEmpty() && past.get(past.size() - 1).contains(c.matches.get(0))) {
                List<String> moved = past.remove(past.size() - 1);
                present.add(0, moved);
            }
            c.past = past;
            c.present = present;
            c.future = future;
            // §8.4
            c.missing = new ArrayList<>();
            for (List<String> pe : present) {
                List<String> miss = new ArrayList<>();
                for (String s : pe) if (!c.matches.contains(s)) miss.add(s);
                c.missing.add(miss);
            }
            List<String> flatPresent = flat(present);
            c.extras = new ArrayList<>();
            for (List<String> se : stm) {
                List<String> ex = new ArrayList<>();
                for (String s : se) if (!flatPresent.contains(s)) ex.add(s);
                c.extras.add(ex);
            }
            // §9
            c.evidence = p.length() == 0 ? 0.0 : ((double) M) / p.length();
            int presentSize = flatPresent.size();
            c.confidence = presentSize == 0 ? 0.0 : ((double) M) / presentSize;
            c.fragmentation = blocks.size() - 1;
            int X = S - M;
            double den = 2.0 * M + X;
            c.snr = den == 0 ? 0.0 : (2.0 * M - X) / den;
            E.add(c);
        }

        // §10.1 Prob table
        Map<String, Double> prob = new HashMap<>();
        for (Cand c : E) {
            List<String> syms = new ArrayList<>(c.matches);
            syms.addAll(flat(c.missing));
            for (String s : syms) {
                double v;
                Long pmf = kb.patternMemberFrequency().get(s);
                if (kb.tsp() == 0) v = 0.0;
                else if (pmf == null) v = 0;
                else v = ((double) pmf) / kb.tsp();
                prob.put(s, v);
            }
        }
        java.util.function.ToDoubleFunction<String> Prob = s -> prob.getOrDefault(s, 0.0);

        // §10.2 entropies (same for all)
        double N = kb.n();
        double normalizedEntropy = 0.0;
        for (String s : state) {
            int count = 0;
            for (String x : state) if (x.equals(s)) count++;
            normalizedEntropy += h(((double) count) / S, N);
        }
        double globalNormalizedEntropy = 0.0;
        for (String s : new LinkedHashSet<>(state)) globalNormalizedEntropy += h(Prob.applyAsDouble(s), N);

        // F
        double F = 0.0;
        for (Cand c : E) F += c.p.frequency();

        // §10.3 itfdf, §10.4 pattern_probability / weighted_strength
        for (Cand c : E) {
            c.normalizedEntropy = normalizedEntropy;
            c.globalNormalizedEntropy = globalNormalizedEntropy;
            List<String> flatPresent = flat(c.present);
            Set<String> U = new LinkedHashSet<>(flatPresent);
            U.addAll(state);
            List<Double> vs = new ArrayList<>();
            List<Double> vp = new ArrayList<>();
            for (String s : U) {
                vs.add(Prob.applyAsDouble(s) * count(state, s));
                vp.add(Prob.applyAsDouble(s) * count(flatPresent, s));
            }
            boolean allVsZero = vs.stream().allMatch(x -> x == 0.0);
            boolean allVpZero = vp.stream().allMatch(x -> x == 0.0);
            double distance;
            if (allVsZero || allVpZero) {
                distance = 1.0;
            } else {
                double dot = 0, ss = 0, pp = 0;
                for (int i = 0; i < vs.size(); i++) {
                    dot += vs.get(i) * vp.get(i);
                    ss += vs.get(i) * vs.get(i);
                    pp += vp.get(i) * vp.get(i);
                }
                distance = 1.0 - dot / (Math.sqrt(ss) * Math.sqrt(pp));
            }
            c.itfdf = F == 0 ? 0.0 : 1 - (distance * c.p.frequency()) / F;
            c.patternProbability = c.p.frequency() / F;
            c.weightedStrength = c.similarity * c.patternProbability;
        }

        // §10.4 future groups
        final class Group {
            List<List<String>> future;
            double twf;
            int supporting;
        }
        Map<List<List<String>>, Group> groups = new LinkedHashMap<>();
        for (Cand c : E) {
            if (c.future.isEmpty()) continue;
            Group g = groups.computeIfAbsent(sortedWithinEvents(c.future), k -> {
                Group ng = new Group();
                ng.future = c.future;
                return ng;
            });
            g.twf += c.p.frequency() * c.similarity;
            g.supporting += 1;
        }
        double T = 0.0;
        for (Group g : groups.values()) T += g.twf;
        Map<List<List<String>>, Double> aggregate = new LinkedHashMap<>();
        for (Map.Entry<List<List<String>>, Group> g : groups.entrySet()) {
            aggregate.put(g.getKey(), T == 0 ? 0.0 : g.getValue().twf / T);
        }
        for (Cand c : E) {
            if (c.future.isEmpty()) {
                c.predictiveInformation = 0.0;
            } else {
                double ap = aggregate.get(sortedWithinEvents(c.future));
                c.predictiveInformation = ap > 0 ? c.weightedStrength / ap : 0.0;
            }
        }
        // §10.5 (stable sort keeps first appearance among ties)
        List<Map<String, Object>> futurePotentials = new ArrayList<>();
        for (Map.Entry<List<List<String>>, Group> g : groups.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("future", g.getValue().future);
            m.put("aggregate_potential", aggregate.get(g.getKey()));
            m.put("supporting_patterns", g.getValue().supporting);
            m.put("total_weighted_frequency", g.getValue().twf);
            futurePotentials.add(m);
        }
        futurePotentials.sort((x, y) -> Double.compare((Double) y.get("aggregate_potential"), (Double) x.get("aggregate_potential")));

        // §11
        List<Map<String, Object>> all = new ArrayList<>();
        for (Cand c : E) {
            c.potential = ((c.evidence + c.confidence) * c.snr + c.itfdf) + 1.0 / (c.fragmentation + 1.0);
            all.add(toMap(c));
        }
        String key = q.rankField();
        all.sort((a, b) -> {
            int byKey = Double.compare(((Number) b.get(key)).doubleValue(), ((Number) a.get(key)).doubleValue());
            if (byKey != 0) return byKey;
            return ((String) a.get("name")).compareTo((String) b.get("name"));
        });
        List<Map<String, Object>> kept = new ArrayList<>(all.subList(0, Math.min(q.maxPredictions(), all.size())));
        return new Result(kept, all, futurePotentials);
    }

    private static Map<String, Object> toMap(Cand c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "prototypical");
        m.put("name", c.p.name());
        m.put("frequency", c.p.frequency());
        m.put("emotives", averageEmotives(c.p.emotives()));
        m.put("matches", c.matches);
        m.put("past", c.past);
        m.put("present", c.present);
        m.put("missing", c.missing);
        m.put("extras", c.extras);
        m.put("potential", c.potential);
        m.put("evidence", c.evidence);
        m.put("similarity", c.similarity);
        m.put("fragmentation", c.fragmentation);
        m.put("snr", c.snr);
        m.put("entropy", 0.0);
        m.put("normalized_entropy", c.normalizedEntropy);
        m.put("global_normalized_entropy", c.globalNormalizedEntropy);
        m.put("confluence", 0.0);
        m.put("predictive_information", c.predictiveInformation);
        m.put("sequence", c.p.events());
        m.put("future", c.future);
        m.put("confidence", c.confidence);
        m.put("itfdf_similarity", c.itfdf);
        m.put("pattern_probability", c.patternProbability);
        m.put("weighted_strength", c.weightedStrength);
        return m;
    }

    /** §9 emotives: per-key mean over the stored records, keys in first-appearance order; {} → {}. */
    static Map<String, Double> averageEmotives(List<Map<String, Double>> records) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (records == null) return out;
        List<String> keys = new ArrayList<>();
        for (Map<String, Double> r : records) for (String k : r.keySet()) if (!keys.contains(k)) keys.add(k);
        for (String k : keys) {
            double sum = 0;
            int count = 0;
            for (Map<String, Double> r : records) {
                if (r.containsKey(k)) {
                    sum += r.get(k);
                    count++;
                }
            }
            out.put(k, sum / count);
        }
        return out;
    }

    // ---- helpers --------------------------------------------------------------------------------

    static double h(double p, double n) {
        if (p > 0 && n > 1) return -p * (Math.log(p) / Math.log(n));
        return 0.0;
    }

    static <T> List<T> flat(List<List<T>> events) {
        List<T> out = new ArrayList<>();
        for (List<T> e : events) out.addAll(e);
        return out;
    }

    static int count(List<String> list, String s) {
        int c = 0;
        for (String x : list) if (x.equals(s)) c++;
        return c;
    }

    static List<Integer> codePoints(String s) {
        List<Integer> out = new ArrayList<>();
        s.codePoints().forEach(out::add);
        return out;
    }

    static List<List<String>> sortedWithinEvents(List<List<String>> events) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> e : events) {
            List<String> s = new ArrayList<>(e);
            s.sort(Comparator.naturalOrder());
            out.add(s);
        }
        return out;
    }

    private static List<List<String>> deepCopy(List<List<String>> events) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> e : events) out.add(new ArrayList<>(e));
        return out;
    }

    /** Classic O(n·m) dynamic-programming longest common subsequence length. */
    static <T> int lcs(List<T> a, List<T> b) {
        int[][] d = new int[a.size() + 1][b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                if (a.get(i - 1).equals(b.get(j - 1))) d[i][j] = d[i - 1][j - 1] + 1;
                else d[i][j] = Math.max(d[i - 1][j], d[i][j - 1]);
            }
        }
        return d[a.size()][b.size()];
    }

    /** §7 longest block in a window, literally with dict semantics. */
    static int[] longestBlock(List<String> a, Map<String, List<Integer>> positions, int alo, int ahi, int blo, int bhi) {
        int bi = alo, bj = blo, bk = 0;
        Map<Integer, Integer> run = new HashMap<>();
        for (int i = alo; i < ahi; i++) {
            Map<Integer, Integer> next = new HashMap<>();
            for (int j : positions.getOrDefault(a.get(i), List.of())) {
                if (j < blo) continue;
                if (j >= bhi) break;
                int k = run.getOrDefault(j - 1, 0) + 1;
                next.put(j, k);
                if (k > bk) {
                    bi = i - k + 1;
                    bj = j - k + 1;
                    bk = k;
                }
            }
            run = next;
        }
        return new int[] {bi, bj, bk};
    }

    /** §7 recursion: blocks (i, j, k) of a = pattern against b = state, sorted, merged. */
    static List<int[]> matchingBlocks(List<String> a, List<String> b) {
        Map<String, List<Integer>> positions = new HashMap<>();
        for (int j = 0; j < b.size(); j++) positions.computeIfAbsent(b.get(j), k -> new ArrayList<>()).add(j);
        Deque<int[]> work = new ArrayDeque<>();
        work.push(new int[] {0, a.size(), 0, b.size()});
        List<int[]> found = new ArrayList<>();
        while (!work.isEmpty()) {
            int[] w = work.pop();
            int alo = w[0], ahi = w[1], blo = w[2], bhi = w[3];
            int[] best = longestBlock(a, positions, alo, ahi, blo, bhi);
            int i = best[0], j = best[1], k = best[2];
            if (k > 0) {
                found.add(best);
                if (alo < i && blo < j) work.push(new int[] {alo, i, blo, j});
                if (i + k < ahi && j + k < bhi) work.push(new int[] {i + k, ahi, j + k, bhi});
            }
        }
        found.sort(Comparator.<int[]>comparingInt(x -> x[0]).thenComparingInt(x -> x[1]).thenComparingInt(x -> x[2]));
        List<int[]> merged = new ArrayList<>();
        for (int[] f : found) {
            if (!merged.isEmpty()) {
                int[] prev = merged.get(merged.size() - 1);
                if (prev[0] + prev[2] == f[0] && prev[1] + prev[2] == f[1]) {
                    prev[2] += f[2];
                    continue;
                }
            }
            merged.add(new int[] {f[0], f[1], f[2]});
        }
        return merged;
    }
}
