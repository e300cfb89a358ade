package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact, query-ready form of a node's patterns and symbols, maintained incrementally on every
 * learn so that no request ever re-indexes (issue: "fast by construction").
 *
 * <p>Symbols are interned to dense ids; each pattern is stored once as its flat symbol-id array plus
 * the end offset of every event; each symbol keeps a postings list of the patterns that contain it
 * (each pattern once). Pattern ids are dense and assigned in first-stored order, so the id is the
 * tie-breaker of decision D2. Patterns are also counted per length bucket ({@code length div 10})
 * for the candidate index of spec 04 §5.2.
 *
 * <p>Not thread-safe: a node's knowledge has a single writer (design principle 1).
 */
public final class PatternIndex {

    private final Map<String, Integer> symbolIds = new HashMap<>();
    private String[] symbols = new String[256];
    private long[] symbolFrequency = new long[256];
    private long[] memberFrequency = new long[256];
    private int[][] postings = new int[256][];
    private int[] postingCount = new int[256];
    private int symbolCount;
    /** Number of symbols with pattern_member_frequency &gt; 0: the "N" of spec 04 §2.3. */
    private int learnedSymbolCount;

    private final Map<String, Integer> patternIds = new HashMap<>();
    private String[] names = new String[256];
    private int[][] flat = new int[256][];
    private int[][] eventEnds = new int[256][];
    private long[] frequency = new long[256];
    private int patternCount;

    private int[] lengthBuckets = new int[8];

    // ---- symbols ----------------------------------------------------------------------------

    /** The id of a known symbol, or -1. */
    public int symbolId(String symbol) {
        Integer id = symbolIds.get(symbol);
        return id == null ? -1 : id;
    }

    public String symbol(int id) {
        return symbols[id];
    }

    public int symbolCount() {
        return symbolCount;
    }

    /** Distinct symbols ever learned (spec 04 §2.3 "N"). */
    public int learnedSymbolCount() {
        return learnedSymbolCount;
    }

    public long symbolFrequency(int id) {
        return symbolFrequency[id];
    }

    public long memberFrequency(int id) {
        return memberFrequency[id];
    }

    /** Patterns containing the symbol: ids in {@code postings(id)[0 .. postingCount(id)-1]}, ascending. */
    public int[] postings(int symbolId) {
        int[] p = postings[symbolId];
        return p == null ? EMPTY : p;
    }

    public int postingCount(int symbolId) {
        return postingCount[symbolId];
    }

    int intern(String symbol) {
        Integer id = symbolIds.get(symbol);
        if (id != null) return id;
        int n = symbolCount++;
        if (n == symbols.length) growSymbols();
        symbols[n] = symbol;
        symbolIds.put(symbol, n);
        return n;
    }

    /** Adds one learn's contribution to a symbol (spec 03 §12.7). */
    void countSymbol(int id, long occurrences, long learns) {
        if (memberFrequency[id] == 0 && learns > 0) learnedSymbolCount++;
        symbolFrequency[id] += occurrences;
        memberFrequency[id] += learns;
    }

    private void growSymbols() {
        int n = symbols.length * 2;
        symbols = Arrays.copyOf(symbols, n);
        symbolFrequency = Arrays.copyOf(symbolFrequency, n);
        memberFrequency = Arrays.copyOf(memberFrequency, n);
        postings = Arrays.copyOf(postings, n);
        postingCount = Arrays.copyOf(postingCount, n);
    }

    // ---- patterns ---------------------------------------------------------------------------

    /** The id of a stored pattern (bare name), or -1. */
    public int patternId(String name) {
        Integer id = patternIds.get(name);
        return id == null ? -1 : id;
    }

    public int patternCount() {
        return patternCount;
    }

    public String name(int pid) {
        return names[pid];
    }

    /** The pattern's symbols, flattened; do not modify. */
    public int[] flat(int pid) {
        return flat[pid];
    }

    /** End offset (exclusive) in {@link #flat} of each event; do not modify. */
    public int[] eventEnds(int pid) {
        return eventEnds[pid];
    }

    public int length(int pid) {
        return flat[pid].length;
    }

    public long frequency(int pid) {
        return frequency[pid];
    }

    /** The pattern's events as symbol strings. */
    public List<List<String>> events(int pid) {
        return events(pid, 0, eventEnds[pid].length);
    }

    /** Events {@code [fromEvent, toEvent)} of the pattern as immutable lists of symbol strings. */
    public List<List<String>> events(int pid, int fromEvent, int toEvent) {
        int[] f = flat[pid];
        int[] ends = eventEnds[pid];
        List<List<String>> out = new ArrayList<>(toEvent - fromEvent);
        int start = fromEvent == 0 ? 0 : ends[fromEvent - 1];
        for (int e = fromEvent; e < toEvent; e++) {
            String[] event = new String[ends[e] - start];
            for (int i = start; i < ends[e]; i++) event[i - start] = symbols[f[i]];
            out.add(List.of(event));
            start = ends[e];
        }
        return List.copyOf(out);
    }

    /** True when some pattern's {@code length div 10} lies in {@code [lo, hi]}. */
    public boolean anyLengthBucketIn(int lo, int hi) {
        int from = Math.max(0, lo);
        int to = Math.min(hi, lengthBuckets.length - 1);
        for (int b = from; b <= to; b++) {
            if (lengthBuckets[b] > 0) return true;
        }
        return false;
    }

    /** Stores a new pattern with frequency 0 and returns its id; symbols are interned, postings extended. */
    int addPattern(String name, List<List<String>> events) {
        int pid = patternCount++;
        if (pid == names.length) growPatterns();
        int length = 0;
        for (List<String> e : events) length += e.size();
        int[] f = new int[length];
        int[] ends = new int[events.size()];
        int k = 0;
        for (int e = 0; e < events.size(); e++) {
            for (String s : events.get(e)) f[k++] = intern(s);
            ends[e] = k;
        }
        names[pid] = name;
        flat[pid] = f;
        eventEnds[pid] = ends;
        patternIds.put(name, pid);
        for (int sym : distinct(f)) addPosting(sym, pid);
        int bucket = length / 10;
        if (bucket >= lengthBuckets.length) lengthBuckets = Arrays.copyOf(lengthBuckets, Math.max(bucket + 1, lengthBuckets.length * 2));
        lengthBuckets[bucket]++;
        return pid;
    }

    void addFrequency(int pid, long by) {
        frequency[pid] += by;
    }

    /** The distinct values of {@code ids} in order of first appearance. */
    static int[] distinct(int[] ids) {
        int[] out = new int[ids.length];
        int n = 0;
        outer:
        for (int id : ids) {
            for (int i = 0; i < n; i++) {
                if (out[i] == id) continue outer;
            }
            out[n++] = id;
        }
        return Arrays.copyOf(out, n);
    }

    private void addPosting(int sym, int pid) {
        int[] p = postings[sym];
        int c = postingCount[sym];
        if (p == null) {
            p = new int[4];
            postings[sym] = p;
        } else if (c == p.length) {
            p = Arrays.copyOf(p, c + (c >> 1) + 1);
            postings[sym] = p;
        }
        p[c] = pid;
        postingCount[sym] = c + 1;
    }

    private void growPatterns() {
        int n = names.length * 2;
        names = Arrays.copyOf(names, n);
        flat = Arrays.copyOf(flat, n);
        eventEnds = Arrays.copyOf(eventEnds, n);
        frequency = Arrays.copyOf(frequency, n);
    }

    private static final int[] EMPTY = new int[0];
}
