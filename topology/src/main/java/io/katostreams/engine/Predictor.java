package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prediction pipeline of spec 04 §4–11 (with decisions D2, D3, D5).
 *
 * <p>Cost grows with the patterns that share symbols with the STM, not with the node's size:
 * candidates come from the postings of the STM's symbols; in token mode a candidate whose
 * shared-symbol count already fails the threshold is skipped before its LCS is computed (the
 * threshold test is monotone in the LCS, so this never changes a result); prediction objects are
 * materialised only for the predictions that survive truncation and the futures that are shown.
 *
 * <p>Reads the knowledge base only; safe to call from several threads on an unchanging base.
 */
public final class Predictor {

    private final RankKey rankKey;

    public Predictor(RankKey rankKey) {
        this.rankKey = rankKey;
    }

    public Predictor() {
        this(RankKey.POTENTIAL);
    }

    /** Predictions for the STM against everything the node has learned (spec 04 §1.1). */
    public PredictionResult predict(List<List<String>> stm, KnowledgeBase kb, PredictionQuery q) {
        PatternIndex ix = kb.index();
        if (ix.patternCount() == 0) return PredictionResult.EMPTY;
        Scratch sc = Scratch.get(ix.patternCount(), ix.symbolCount());
        State state = new State(stm, ix, sc);
        if (state.size < 2) return PredictionResult.EMPTY;
        List<Survivor> survivors = survivors(state, ix, q, sc);
        if (survivors.isEmpty()) return PredictionResult.EMPTY;
        survivors.sort(Comparator.comparing(s -> s.name)); // candidate order, spec 04 §5.2
        return rankAndBuild(state, ix, kb, q, sc, survivors);
    }

    // ---- candidates and the threshold (spec 04 §5–7) ---------------------------------------

    private static List<Survivor> survivors(State st, PatternIndex ix, PredictionQuery q, Scratch sc) {
        int n = ix.patternCount();
        boolean[] universe = q.maxPatternsConsidered() > 0 && q.maxPatternsConsidered() < n
                ? mostFrequent(ix, (int) q.maxPatternsConsidered()) : null;

        int length = st.size;
        int tol = Math.max(1, length / 20);
        int key = length / 10;
        int lo = key - tol;
        int hi = key + tol;
        boolean lengthFilter = !q.exhaustiveCandidates() && length > 2 && anyLengthIn(ix, universe, lo, hi);
        int firstSymbols = Math.min(10, length);

        // Walk the postings of every distinct known state symbol once: count shared occurrences
        // (an upper bound of the LCS) and flag patterns holding one of the first 10 state symbols.
        int stamp = sc.nextPatternStamp();
        int[] touched = sc.touched;
        int touchedCount = 0;
        for (int t = 0; t < st.size; t++) {
            int id = st.ids[t];
            if (id < 0) continue;
            int[] positions = st.positions.of(id);
            if (positions[0] != t) continue; // not the first occurrence
            int count = positions.length;
            boolean early = positions[0] < firstSymbols;
            int[] postings = ix.postings(id);
            int pc = ix.postingCount(id);
            for (int x = 0; x < pc; x++) {
                int pid = postings[x];
                if (universe != null && !universe[pid]) continue;
                if (sc.seen[pid] != stamp) {
                    sc.seen[pid] = stamp;
                    sc.shared[pid] = 0;
                    touched[touchedCount++] = pid;
                }
                sc.shared[pid] += count;
                if (early) sc.early[pid] = stamp;
            }
        }

        List<Survivor> out = new ArrayList<>();
        int[] stateCodePoints = q.useTokenMatching() ? null : Matcher.joinedCodePoints(st.symbols);
        double t = q.recallThreshold();
        for (int x = 0; x < touchedCount; x++) {
            int pid = touched[x];
            int len = ix.length(pid);
            if (!q.exhaustiveCandidates()) {
                if (sc.early[pid] != stamp) continue;
                if (lengthFilter) {
                    int bucket = len / 10;
                    if (bucket < lo || bucket > hi) continue;
                }
            }
            int[] flat = ix.flat(pid);
            double raw;
            double similarity;
            if (q.useTokenMatching()) {
                int bound = Math.min(sc.shared[pid], Math.min(len, length));
                double best = Matcher.tokenSimilarity(bound, len, length);
                if (!Matcher.passes(best, best, t)) continue;
                raw = Matcher.tokenSimilarity(Matcher.lcs(flat, st.ids, sc.work), len, length);
                similarity = raw;
            } else {
                String[] symbols = new String[flat.length];
                for (int i = 0; i < flat.length; i++) symbols[i] = ix.symbol(flat[i]);
                raw = Matcher.characterRaw(Matcher.joinedCodePoints(symbols), stateCodePoints);
                similarity = (raw * 100.0) / 100.0;
            }
            if (!Matcher.passes(raw, similarity, t)) continue;
            List<Matcher.Block> blocks = Matcher.matchingBlocks(flat, st.ids, st.positions, sc.work);
            if (blocks.isEmpty()) continue; // D5: never a zero-match prediction
            out.add(new Survivor(pid, ix.name(pid), similarity, blocks));
        }
        return out;
    }

    /** Decision D2: the {@code cap} most frequent patterns, ties by first stored. */
    private static boolean[] mostFrequent(PatternIndex ix, int cap) {
        int n = ix.patternCount();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Long.compare(ix.frequency(b), ix.frequency(a));
            return c != 0 ? c : Integer.compare(a, b);
        });
        boolean[] keep = new boolean[n];
        for (int i = 0; i < cap; i++) keep[order[i]] = true;
        return keep;
    }

    private static boolean anyLengthIn(PatternIndex ix, boolean[] universe, int lo, int hi) {
        if (universe == null) return ix.anyLengthBucketIn(lo, hi);
        for (int pid = 0; pid < universe.length; pid++) {
            if (!universe[pid]) continue;
            int b = ix.length(pid) / 10;
            if (b >= lo && b <= hi) return true;
        }
        return false;
    }

    // ---- predictions, ensemble quantities, ranking (spec 04 §8–11) --------------------------

    private PredictionResult rankAndBuild(State st, PatternIndex ix, KnowledgeBase kb, PredictionQuery q,
                                          Scratch sc, List<Survivor> survivors) {
        // Pass 1: split each survivor into past/present/future and collect the symbols of the
        // probability table (matches and missing of every survivor, spec 04 §10.1).
        int probStamp = sc.nextSymbolStamp();
        for (Survivor s : survivors) {
            s.split(st, ix);
            int mark = sc.nextSymbolStamp();
            for (int id : s.matches) {
                sc.symbolMark[id] = mark;
                sc.inTable[id] = probStamp;
            }
            int[] flat = ix.flat(s.pid);
            for (int x = s.presentFrom; x < s.presentTo; x++) {
                if (sc.symbolMark[flat[x]] != mark) sc.inTable[flat[x]] = probStamp;
            }
        }

        long tsp = kb.totals().totalSymbolsInPatternsFrequencies();
        int distinctSymbols = ix.learnedSymbolCount();
        double[] stateProb = new double[st.distinct.length];
        for (int d = 0; d < st.distinct.length; d++) {
            int id = st.distinct[d];
            stateProb[d] = id >= 0 ? probability(id, ix, sc, probStamp, tsp) : 0.0;
        }
        double normalizedEntropy = 0.0;
        for (int t = 0; t < st.size; t++) {
            normalizedEntropy += h((double) st.positions.of(st.ids[t]).length / st.size, distinctSymbols);
        }
        double globalEntropy = 0.0;
        for (double p : stateProb) globalEntropy += h(p, distinctSymbols);

        long totalFrequency = 0;
        for (Survivor s : survivors) totalFrequency += ix.frequency(s.pid);

        // Pass 2: per-prediction metrics and future groups.
        Map<FutureKey, Group> groups = new LinkedHashMap<>();
        for (Survivor s : survivors) {
            long freq = ix.frequency(s.pid);
            int len = ix.length(s.pid);
            int m = s.matches.length;
            s.evidence = len == 0 ? 0.0 : (double) m / len;
            int presentCount = s.presentTo - s.presentFrom;
            s.confidence = presentCount == 0 ? 0.0 : (double) m / presentCount;
            s.fragmentation = s.blocks.size() - 1;
            int unmatched = st.size - m;
            double den = 2.0 * m + unmatched;
            s.snr = den == 0 ? 0.0 : (2.0 * m - unmatched) / den;
            s.itfdf = totalFrequency == 0 ? 0.0
                    : 1 - (cosineDistance(s, st, stateProb, ix, sc, probStamp, tsp) * freq) / totalFrequency;
            s.patternProbability = (double) freq / totalFrequency;
            s.weightedStrength = s.similarity * s.patternProbability;
            if (s.futureFromEvent < ix.eventEnds(s.pid).length) {
                Group g = groups.computeIfAbsent(new FutureKey(ix, s.pid, s.futureFromEvent), k -> new Group(s));
                g.totalWeightedFrequency += freq * s.similarity;
                g.supporting++;
                s.group = g;
            }
        }
        double allGroups = 0.0;
        for (Group g : groups.values()) allGroups += g.totalWeightedFrequency;
        for (Group g : groups.values()) g.aggregate = allGroups == 0 ? 0.0 : g.totalWeightedFrequency / allGroups;
        for (Survivor s : survivors) {
            s.predictiveInformation = s.group != null && s.group.aggregate > 0
                    ? s.weightedStrength / s.group.aggregate : 0.0;
            s.potential = ((s.evidence + s.confidence) * s.snr + s.itfdf) + 1.0 / (s.fragmentation + 1.0);
        }

        // Rank: key descending, ties keep candidate (name) order — the sort is stable.
        List<Survivor> ranked = new ArrayList<>(survivors);
        ranked.sort((a, b) -> Double.compare(rankValue(b, ix), rankValue(a, ix)));
        int keep = Math.min(q.maxPredictions(), ranked.size());
        List<Prediction> predictions = new ArrayList<>(keep);
        for (int i = 0; i < keep; i++) {
            predictions.add(materialise(ranked.get(i), st, ix, kb, sc, normalizedEntropy, globalEntropy));
        }

        List<Group> ordered = new ArrayList<>(groups.values());
        ordered.sort((a, b) -> Double.compare(b.aggregate, a.aggregate));
        List<FuturePotential> futures = new ArrayList<>(ordered.size());
        for (Group g : ordered) {
            int events = ix.eventEnds(g.first.pid).length;
            futures.add(new FuturePotential(ix.events(g.first.pid, g.first.futureFromEvent, events),
                    g.aggregate, g.supporting, g.totalWeightedFrequency));
        }
        return new PredictionResult(List.copyOf(predictions), List.copyOf(futures));
    }

    private static double probability(int id, PatternIndex ix, Scratch sc, int probStamp, long tsp) {
        if (sc.inTable[id] != probStamp || tsp <= 0) return 0.0;
        return (double) ix.memberFrequency(id) / tsp;
    }

    /** {@code h(p, n) = −p·(ln p / ln n)} for p &gt; 0 and n &gt; 1, else 0 (spec 04 §10.2). */
    static double h(double p, int n) {
        if (p > 0 && n > 1) return -p * (Math.log(p) / Math.log(n));
        return 0.0;
    }

    /** {@code 1 − cos(vs, vp)} of spec 04 §10.3, or 1.0 when either vector is all zero. */
    private static double cosineDistance(Survivor s, State st, double[] stateProb, PatternIndex ix, Scratch sc,
                                         int probStamp, long tsp) {
        int[] flat = ix.flat(s.pid);
        int mark = sc.nextSymbolStamp();
        int distinctPresent = 0;
        int[] present = sc.presentDistinct;
        for (int x = s.presentFrom; x < s.presentTo; x++) {
            int id = flat[x];
            if (sc.symbolMark[id] != mark) {
                sc.symbolMark[id] = mark;
                sc.presentCount[id] = 0;
                present[distinctPresent++] = id;
            }
            sc.presentCount[id]++;
        }
        double dot = 0.0, vs2 = 0.0, vp2 = 0.0;
        for (int d = 0; d < st.distinct.length; d++) {
            int id = st.distinct[d];
            double p = stateProb[d];
            double a = p * st.positions.of(id).length;
            double b = id >= 0 && sc.symbolMark[id] == mark ? p * sc.presentCount[id] : 0.0;
            dot += a * b;
            vs2 += a * a;
            vp2 += b * b;
        }
        for (int x = 0; x < distinctPresent; x++) {
            int id = present[x];
            if (st.positions.of(id).length > 0) continue; // counted with the state symbols
            double b = probability(id, ix, sc, probStamp, tsp) * sc.presentCount[id];
            vp2 += b * b;
        }
        if (vs2 == 0.0 || vp2 == 0.0) return 1.0;
        return 1.0 - dot / (Math.sqrt(vs2) * Math.sqrt(vp2));
    }

    private double rankValue(Survivor s, PatternIndex ix) {
        switch (rankKey) {
            case POTENTIAL: return s.potential;
            case EVIDENCE: return s.evidence;
            case SIMILARITY: return s.similarity;
            case FRAGMENTATION: return s.fragmentation;
            case SNR: return s.snr;
            case ENTROPY:
            case CONFLUENCE: return 0.0;
            case NORMALIZED_ENTROPY:
            case GLOBAL_NORMALIZED_ENTROPY: return 0.0; // identical for every prediction
            case PREDICTIVE_INFORMATION: return s.predictiveInformation;
            case CONFIDENCE: return s.confidence;
            case ITFDF_SIMILARITY: return s.itfdf;
            case PATTERN_PROBABILITY: return s.patternProbability;
            case WEIGHTED_STRENGTH: return s.weightedStrength;
            case FREQUENCY: return ix.frequency(s.pid);
            default: throw new IllegalStateException(rankKey.toString());
        }
    }

    private static Prediction materialise(Survivor s, State st, PatternIndex ix, KnowledgeBase kb, Scratch sc,
                                          double normalizedEntropy, double globalEntropy) {
        List<List<String>> events = ix.events(s.pid);
        List<String> matches = new ArrayList<>(s.matches.length);
        for (Matcher.Block b : s.blocks) {
            for (int j = b.j(); j < b.j() + b.k(); j++) matches.add(st.symbols[j]);
        }
        List<List<String>> present = events.subList(s.presentFromEvent, s.futureFromEvent);
        int matchMark = sc.nextSymbolStamp();
        for (int id : s.matches) sc.symbolMark[id] = matchMark;
        int[] flat = ix.flat(s.pid);
        int[] ends = ix.eventEnds(s.pid);
        List<List<String>> missing = new ArrayList<>(present.size());
        int presentMark = sc.nextSymbolStamp();
        for (int e = s.presentFromEvent; e < s.futureFromEvent; e++) {
            List<String> miss = new ArrayList<>();
            for (int x = e == 0 ? 0 : ends[e - 1]; x < ends[e]; x++) {
                if (sc.symbolMark[flat[x]] != matchMark) miss.add(ix.symbol(flat[x]));
            }
            missing.add(miss);
        }
        for (int x = s.presentFrom; x < s.presentTo; x++) sc.symbolMark[flat[x]] = presentMark;
        List<List<String>> extras = new ArrayList<>(st.eventEnds.length);
        int start = 0;
        for (int end : st.eventEnds) {
            List<String> extra = new ArrayList<>();
            for (int t = start; t < end; t++) {
                int id = st.ids[t];
                if (id < 0 || sc.symbolMark[id] != presentMark) extra.add(st.symbols[t]);
            }
            extras.add(extra);
            start = end;
        }
        return new Prediction("prototypical", s.name, ix.frequency(s.pid), kb.averageEmotives(s.name),
                List.copyOf(matches), List.copyOf(events.subList(0, s.presentFromEvent)), List.copyOf(present),
                List.copyOf(missing), List.copyOf(extras), s.potential, s.evidence, s.similarity,
                s.fragmentation, s.snr, 0.0, normalizedEntropy, globalEntropy, 0.0, s.predictiveInformation,
                events, List.copyOf(events.subList(s.futureFromEvent, events.size())), s.confidence, s.itfdf,
                s.patternProbability, s.weightedStrength);
    }

    // ---- request-local structures ------------------------------------------------------------

    /** The flattened STM with symbol ids; symbols unknown to the node get distinct negative ids. */
    private static final class State {
        final String[] symbols;
        final int[] ids;
        final int[] eventEnds;
        final int size;
        /** Distinct ids in order of first appearance. */
        final int[] distinct;
        final Matcher.StatePositions positions;

        State(List<List<String>> stm, PatternIndex ix, Scratch sc) {
            int n = 0;
            for (List<String> e : stm) n += e.size();
            size = n;
            symbols = new String[n];
            ids = new int[n];
            eventEnds = new int[stm.size()];
            Map<String, Integer> unknown = new HashMap<>();
            int k = 0;
            for (int e = 0; e < stm.size(); e++) {
                for (String s : stm.get(e)) {
                    symbols[k] = s;
                    int id = ix.symbolId(s);
                    ids[k++] = id >= 0 ? id : unknown.computeIfAbsent(s, x -> -2 - unknown.size());
                }
                eventEnds[e] = k;
            }
            distinct = PatternIndex.distinct(ids);
            positions = new Matcher.StatePositions(ids, sc.stateSlot, sc.stateSlotStamp, sc.nextSymbolStamp());
        }
    }

    /** A candidate that passed the threshold and has matching blocks, with its metrics. */
    private static final class Survivor {
        final int pid;
        final String name;
        final double similarity;
        final List<Matcher.Block> blocks;
        int[] matches;
        int presentFromEvent, futureFromEvent; // event indexes
        int presentFrom, presentTo;            // flat offsets of the present events
        double evidence, confidence, fragmentation, snr, itfdf, patternProbability, weightedStrength;
        double predictiveInformation, potential;
        Group group;

        Survivor(int pid, String name, double similarity, List<Matcher.Block> blocks) {
            this.pid = pid;
            this.name = name;
            this.similarity = similarity;
            this.blocks = blocks;
        }

        /** Spec 04 §8.1–8.3: matches, the flat split, the event walk and the misaligned-event fix. */
        void split(State st, PatternIndex ix) {
            int m = 0;
            for (Matcher.Block b : blocks) m += b.k();
            matches = new int[m];
            int x = 0;
            for (Matcher.Block b : blocks) {
                for (int j = b.j(); j < b.j() + b.k(); j++) matches[x++] = st.ids[j];
            }
            Matcher.Block first = blocks.get(0);
            Matcher.Block last = blocks.get(blocks.size() - 1);
            int pastLen = first.i();
            int presentLen = last.i() + last.k() - pastLen;
            int[] ends = ix.eventEnds(pid);
            int c = 0, e = 0;
            while (c < pastLen) c = ends[e++];
            int pastEnd = e;
            while (c < pastLen + presentLen) c = ends[e++];
            if (pastEnd > 0) {
                int[] flat = ix.flat(pid);
                int from = pastEnd == 1 ? 0 : ends[pastEnd - 2];
                for (int y = from; y < ends[pastEnd - 1]; y++) {
                    if (flat[y] == matches[0]) {
                        pastEnd--;
                        break;
                    }
                }
            }
            presentFromEvent = pastEnd;
            futureFromEvent = e;
            presentFrom = pastEnd == 0 ? 0 : ends[pastEnd - 1];
            presentTo = e == 0 ? 0 : ends[e - 1];
        }
    }

    /** Predictions whose futures are equal up to the order of symbols inside each event. */
    private static final class FutureKey {
        private final int[] key;
        private final int hash;

        FutureKey(PatternIndex ix, int pid, int fromEvent) {
            int[] flat = ix.flat(pid);
            int[] ends = ix.eventEnds(pid);
            int start = fromEvent == 0 ? 0 : ends[fromEvent - 1];
            int[] k = new int[flat.length - start + (ends.length - fromEvent)];
            int w = 0;
            int s = start;
            for (int e = fromEvent; e < ends.length; e++) {
                int from = w;
                for (int y = s; y < ends[e]; y++) k[w++] = flat[y];
                Arrays.sort(k, from, w);
                k[w++] = -1; // event separator
                s = ends[e];
            }
            key = k;
            hash = Arrays.hashCode(k);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FutureKey f && Arrays.equals(f.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class Group {
        final Survivor first;
        double totalWeightedFrequency;
        int supporting;
        double aggregate;

        Group(Survivor first) {
            this.first = first;
        }
    }

    /** Test hook: moves this thread's stamp counters, to exercise their wrap-around handling. */
    static void setStampsForTest(int patternStamp, int symbolStamp) {
        Scratch s = Scratch.LOCAL.get();
        s.patternStamp = patternStamp;
        s.symbolStamp = symbolStamp;
    }

    /** Per-thread arrays indexed by pattern id or symbol id, reused through stamps (never cleared). */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        int[] seen = new int[0], shared = new int[0], early = new int[0], touched = new int[0];
        int[] symbolMark = new int[0], inTable = new int[0], presentCount = new int[0], presentDistinct = new int[0];
        int[] stateSlot = new int[0], stateSlotStamp = new int[0];
        final Matcher.Work work = new Matcher.Work();
        private int patternStamp, symbolStamp;

        static Scratch get(int patterns, int symbols) {
            Scratch s = LOCAL.get();
            if (s.seen.length < patterns) {
                int n = Math.max(patterns, s.seen.length * 2);
                s.seen = new int[n];
                s.shared = new int[n];
                s.early = new int[n];
                s.touched = new int[n];
                s.patternStamp = 0;
            }
            if (s.symbolMark.length < symbols) {
                int n = Math.max(symbols, s.symbolMark.length * 2);
                s.symbolMark = new int[n];
                s.inTable = new int[n];
                s.presentCount = new int[n];
                s.presentDistinct = new int[n];
                s.stateSlot = new int[n];
                s.stateSlotStamp = new int[n];
                s.symbolStamp = 0;
            }
            // a request takes at most 4 symbol stamps per survivor plus a few of its own
            s.resetIfNearWrap(4 * patterns + 16);
            return s;
        }

        int nextPatternStamp() {
            return ++patternStamp;
        }

        int nextSymbolStamp() {
            return ++symbolStamp;
        }

        /** Called once per request, so that no stamp in use can wrap around during it. */
        void resetIfNearWrap(int maxPerRequest) {
            if (patternStamp < 0 || patternStamp > Integer.MAX_VALUE - 4) {
                Arrays.fill(seen, 0);
                Arrays.fill(early, 0);
                patternStamp = 0;
            }
            if (symbolStamp < 0 || symbolStamp > Integer.MAX_VALUE - maxPerRequest) {
                Arrays.fill(symbolMark, 0);
                Arrays.fill(inTable, 0);
                Arrays.fill(stateSlotStamp, 0);
                symbolStamp = 0;
            }
        }
    }
}
