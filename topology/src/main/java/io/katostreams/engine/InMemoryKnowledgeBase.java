package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The in-memory knowledge base: the {@link PatternIndex} plus the per-pattern emotive windows,
 * metadata and timestamps, per-symbol emotive sums, the totals and the learned vectors.
 *
 * <p>Patterns without emotives or metadata hold no objects for them, which keeps the heap per
 * pattern small. It can be restored record by record ({@link #restorePattern} etc.), which is how
 * the topology rebuilds it from its state store. Not thread-safe (single writer per node).
 */
public final class InMemoryKnowledgeBase implements KnowledgeBase {

    private PatternIndex index = new PatternIndex();
    /** Per pattern id: the emotive window, or null for the stored {@code {}}. */
    private List<Map<String, Double>>[] emotives = newListArray(256);
    /** Per pattern id: metadata, or null for {@code {}}. */
    private Map<String, List<String>>[] metadata = newMapArray(256);
    private long[] createdAt = new long[256];
    private long[] updatedAt = new long[256];
    /** Per symbol id: running emotive sums, or null. */
    private Map<String, Double>[] symbolEmotives = newDoubleMapArray(256);
    private long totalPatternFrequencies;
    private long totalSymbolFrequencies;
    private long totalSymbolsInPatterns;
    private final Map<String, StoredVector> vectors = new LinkedHashMap<>();

    @Override
    public PatternIndex index() {
        return index;
    }

    @Override
    public Optional<Pattern> pattern(String name) {
        int pid = index.patternId(name);
        return pid < 0 ? Optional.empty() : Optional.of(view(pid));
    }

    @Override
    public Optional<SymbolStats> symbol(String name) {
        int id = index.symbolId(name);
        if (id < 0 || index.memberFrequency(id) == 0) return Optional.empty();
        return Optional.of(symbolView(id));
    }

    @Override
    public Map<String, Double> averageEmotives(String name) {
        int pid = index.patternId(name);
        if (pid < 0 || emotives[pid] == null) return Map.of();
        return new Pattern(name, List.of(), 0, 0, emotives[pid], Map.of(), pid, 0, 0).averageEmotives();
    }

    @Override
    public Totals totals() {
        return new Totals(totalPatternFrequencies, totalSymbolFrequencies, totalSymbolsInPatterns);
    }

    @Override
    public Optional<StoredVector> vector(String name) {
        return Optional.ofNullable(vectors.get(name));
    }

    @Override
    public LearnApplied learn(LearnRequest r) {
        int pid = index.patternId(r.name());
        boolean created = pid < 0;
        if (created) {
            pid = index.addPattern(r.name(), r.events());
            ensurePatternCapacity(pid);
            createdAt[pid] = r.timestamp();
        }
        index.addFrequency(pid, 1);
        updatedAt[pid] = r.timestamp();

        if (r.emotiveSnapshot() != null) {
            // Spec 03 §12.4 step 5 (REF-DEFECT fixed): a stored {} is an empty window.
            List<Map<String, Double>> window = emotives[pid] == null ? new ArrayList<>() : emotives[pid];
            window.add(new LinkedHashMap<>(r.emotiveSnapshot()));
            while (window.size() > r.persistence()) window.remove(0);
            emotives[pid] = window;
        }
        if (!r.metadataTexts().isEmpty()) {
            Map<String, List<String>> md = metadata[pid] == null ? new LinkedHashMap<>() : metadata[pid];
            for (Map.Entry<String, List<String>> e : r.metadataTexts().entrySet()) {
                List<String> values = md.computeIfAbsent(e.getKey(), k -> new ArrayList<>(2));
                for (String text : e.getValue()) {
                    if (!values.contains(text)) values.add(text);
                }
            }
            metadata[pid] = md;
        }

        // Symbol statistics: every distinct symbol, with its multiplicity in the pattern.
        int[] f = index.flat(pid);
        int[] distinct = PatternIndex.distinct(f);
        List<SymbolStats> symbols = new ArrayList<>(distinct.length);
        ensureSymbolCapacity(index.symbolCount());
        for (int sym : distinct) {
            int c = 0;
            for (int x : f) if (x == sym) c++;
            index.countSymbol(sym, c, 1);
            if (r.emotiveSnapshot() != null && !r.emotiveSnapshot().isEmpty()) {
                Map<String, Double> sums = symbolEmotives[sym] == null ? new LinkedHashMap<>() : symbolEmotives[sym];
                for (Map.Entry<String, Double> e : r.emotiveSnapshot().entrySet()) {
                    sums.merge(e.getKey(), e.getValue(), Double::sum);
                }
                symbolEmotives[sym] = sums;
            }
            symbols.add(symbolView(sym));
        }
        totalPatternFrequencies += 1;
        totalSymbolFrequencies += f.length;
        totalSymbolsInPatterns += distinct.length;

        List<StoredVector> storedVectors = new ArrayList<>();
        for (Map.Entry<String, double[]> v : r.vectors().entrySet()) {
            StoredVector old = vectors.get(v.getKey());
            List<String> holders = old == null ? new ArrayList<>() : new ArrayList<>(old.patterns());
            if (!holders.contains(r.name())) holders.add(r.name());
            StoredVector sv = new StoredVector(v.getKey(), v.getValue(), List.copyOf(holders));
            vectors.put(v.getKey(), sv);
            storedVectors.add(sv);
        }
        return new LearnApplied(view(pid), created, symbols, totals(), storedVectors);
    }

    @Override
    public void clear() {
        index = new PatternIndex();
        emotives = newListArray(256);
        metadata = newMapArray(256);
        createdAt = new long[256];
        updatedAt = new long[256];
        symbolEmotives = newDoubleMapArray(256);
        totalPatternFrequencies = 0;
        totalSymbolFrequencies = 0;
        totalSymbolsInPatterns = 0;
        vectors.clear();
    }

    @Override
    public void forEachPattern(Consumer<Pattern> action) {
        for (int pid = 0; pid < index.patternCount(); pid++) action.accept(view(pid));
    }

    @Override
    public void forEachSymbol(Consumer<SymbolStats> action) {
        for (int id = 0; id < index.symbolCount(); id++) {
            if (index.memberFrequency(id) > 0) action.accept(symbolView(id));
        }
    }

    @Override
    public void forEachVector(Consumer<StoredVector> action) {
        vectors.values().forEach(action);
    }

    // ---- restore (rebuilding from a persistent copy) ---------------------------------------

    /**
     * Re-inserts a stored pattern exactly as it was. Patterns must be restored in their
     * {@link Pattern#sequence()} order so that first-stored ties stay as they were.
     */
    public void restorePattern(Pattern p) {
        if (index.patternId(p.name()) >= 0) throw new IllegalStateException("pattern restored twice: " + p.name());
        int pid = index.addPattern(p.name(), p.events());
        ensurePatternCapacity(pid);
        index.addFrequency(pid, p.frequency());
        emotives[pid] = p.emotives() == null ? null : new ArrayList<>(p.emotives());
        metadata[pid] = p.metadata().isEmpty() ? null : copyMetadata(p.metadata());
        createdAt[pid] = p.createdAt();
        updatedAt[pid] = p.updatedAt();
    }

    /** Re-inserts a symbol's statistics (after or before its patterns; counters are absolute). */
    public void restoreSymbol(SymbolStats s) {
        int id = index.intern(s.name());
        ensureSymbolCapacity(index.symbolCount());
        index.countSymbol(id, s.frequency() - index.symbolFrequency(id),
                s.patternMemberFrequency() - index.memberFrequency(id));
        symbolEmotives[id] = s.emotives() == null ? null : new LinkedHashMap<>(s.emotives());
    }

    public void restoreTotals(Totals t) {
        totalPatternFrequencies = t.totalPatternFrequencies();
        totalSymbolFrequencies = t.totalSymbolFrequencies();
        totalSymbolsInPatterns = t.totalSymbolsInPatternsFrequencies();
    }

    public void restoreVector(StoredVector v) {
        vectors.put(v.name(), v);
    }

    // ---- views ------------------------------------------------------------------------------

    private Pattern view(int pid) {
        List<Map<String, Double>> window = null;
        if (emotives[pid] != null) {
            window = new ArrayList<>(emotives[pid].size());
            for (Map<String, Double> m : emotives[pid]) window.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
            window = Collections.unmodifiableList(window);
        }
        Map<String, List<String>> md = metadata[pid] == null ? Map.of() : Collections.unmodifiableMap(copyMetadata(metadata[pid]));
        return new Pattern(index.name(pid), index.events(pid), index.length(pid), index.frequency(pid), window, md,
                pid, createdAt[pid], updatedAt[pid]);
    }

    private SymbolStats symbolView(int id) {
        Map<String, Double> e = symbolEmotives[id] == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(symbolEmotives[id]));
        return new SymbolStats(index.symbol(id), index.symbolFrequency(id), index.memberFrequency(id), e);
    }

    private static Map<String, List<String>> copyMetadata(Map<String, List<String>> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : m.entrySet()) out.put(e.getKey(), new ArrayList<>(e.getValue()));
        return out;
    }

    private void ensurePatternCapacity(int pid) {
        if (pid < emotives.length) return;
        int n = Math.max(pid + 1, emotives.length * 2);
        emotives = Arrays.copyOf(emotives, n);
        metadata = Arrays.copyOf(metadata, n);
        createdAt = Arrays.copyOf(createdAt, n);
        updatedAt = Arrays.copyOf(updatedAt, n);
    }

    private void ensureSymbolCapacity(int count) {
        if (count <= symbolEmotives.length) return;
        symbolEmotives = Arrays.copyOf(symbolEmotives, Math.max(count, symbolEmotives.length * 2));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Double>>[] newListArray(int n) {
        return (List<Map<String, Double>>[]) new List<?>[n];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>>[] newMapArray(int n) {
        return (Map<String, List<String>>[]) new Map<?, ?>[n];
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double>[] newDoubleMapArray(int n) {
        return (Map<String, Double>[]) new Map<?, ?>[n];
    }
}
