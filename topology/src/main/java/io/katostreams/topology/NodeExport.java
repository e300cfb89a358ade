package io.katostreams.topology;

import io.katostreams.engine.Pattern;
import io.katostreams.engine.StoredVector;
import io.katostreams.engine.SymbolStats;
import io.katostreams.engine.Totals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The portable form of a node's knowledge: one JSON object per item, the same members as the
 * storage documents of spec 05 (patterns with {@code pattern_data}, {@code frequency},
 * {@code emotives} — an array, or the {@code {}} object of a pattern never learned with emotives —
 * and {@code metadata}; symbols; the totals; learned vectors). An export file is JSON lines: a
 * header {@code {"format":"kato-node-export","version":1,"node_id":…,"processor_id":…}} then one line
 * per item, {@code {"pattern":{…}}}, {@code {"symbol":{…}}}, {@code {"totals":{…}}} or
 * {@code {"vector":{…}}}, patterns in first-stored order. An import sends the items in chunks
 * ({@link #parseChunk}); the first chunk of a replacing import clears the node.
 */
public final class NodeExport {
    private NodeExport() {}

    public static final String FORMAT = "kato-node-export";

    /** One import chunk: {@code {"replace":bool,"patterns":[…],"symbols":[…],"totals":{…}|null,"vectors":[…]}}. */
    public record Chunk(boolean replace, List<Pattern> patterns, List<SymbolStats> symbols, Totals totals,
                        List<StoredVector> vectors) {}

    /**
     * The export lines of a node from the latest knowledge record of each of its keys (as read from
     * the compacted kato.knowledge topic): header, patterns in first-stored order, symbols, totals,
     * vectors.
     */
    public static List<String> lines(String nodeId, String processorId,
                                     java.util.Collection<io.katostreams.schemas.avro.KnowledgeRecord> latest) {
        List<Pattern> patterns = new ArrayList<>();
        List<String> out = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        String totals = null;
        for (io.katostreams.schemas.avro.KnowledgeRecord r : latest) {
            Object item = r.getItem();
            if (item instanceof io.katostreams.schemas.avro.PatternDoc d) patterns.add(KnowledgeCodec.toPattern(d));
            else if (item instanceof io.katostreams.schemas.avro.SymbolDoc d)
                rest.add(PlainJson.write(Map.of("symbol", symbol(KnowledgeCodec.toSymbol(d)))));
            else if (item instanceof io.katostreams.schemas.avro.TotalsDoc d)
                totals = PlainJson.write(Map.of("totals", totals(KnowledgeCodec.toTotals(d))));
            else if (item instanceof io.katostreams.schemas.avro.VectorDoc d)
                rest.add(PlainJson.write(Map.of("vector", vector(KnowledgeCodec.toVector(d)))));
        }
        patterns.sort(java.util.Comparator.comparingLong(Pattern::sequence));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", FORMAT);
        header.put("version", 1);
        header.put("node_id", nodeId);
        header.put("processor_id", processorId);
        out.add(PlainJson.write(header));
        for (Pattern p : patterns) out.add(PlainJson.write(Map.of("pattern", pattern(p))));
        out.addAll(rest.stream().filter(l -> l.startsWith("{\"symbol\"")).toList());
        if (totals != null) out.add(totals);
        out.addAll(rest.stream().filter(l -> l.startsWith("{\"vector\"")).toList());
        return out;
    }

    /**
     * Groups export lines (without the header) into import chunk payloads of at most {@code size}
     * items; the first chunk carries {@code replace}.
     */
    @SuppressWarnings("unchecked")
    public static List<String> chunks(List<String> itemLines, int size, boolean replace) {
        List<String> out = new ArrayList<>();
        Map<String, Object> chunk = newChunk(replace);
        int n = 0;
        for (String line : itemLines) {
            Map<String, Object> item = PlainJson.parseObject(line);
            if (item.containsKey("format")) continue;
            if (item.containsKey("pattern")) ((List<Object>) chunk.get("patterns")).add(item.get("pattern"));
            else if (item.containsKey("symbol")) ((List<Object>) chunk.get("symbols")).add(item.get("symbol"));
            else if (item.containsKey("vector")) ((List<Object>) chunk.get("vectors")).add(item.get("vector"));
            else if (item.containsKey("totals")) chunk.put("totals", item.get("totals"));
            else throw new IllegalArgumentException("not an export line: " + line);
            if (++n == size) {
                out.add(PlainJson.write(chunk));
                chunk = newChunk(false);
                n = 0;
            }
        }
        if (n > 0 || out.isEmpty()) out.add(PlainJson.write(chunk));
        return out;
    }

    private static Map<String, Object> newChunk(boolean replace) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("replace", replace);
        c.put("patterns", new ArrayList<>());
        c.put("symbols", new ArrayList<>());
        c.put("totals", null);
        c.put("vectors", new ArrayList<>());
        return c;
    }

    public static Map<String, Object> pattern(Pattern p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("pattern_data", p.events());
        m.put("length", p.length());
        m.put("frequency", p.frequency());
        m.put("emotives", p.emotives() == null ? Map.of() : p.emotives());
        m.put("metadata", p.metadata());
        m.put("created_at", p.createdAt());
        m.put("updated_at", p.updatedAt());
        return m;
    }

    public static Map<String, Object> symbol(SymbolStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("frequency", s.frequency());
        m.put("pattern_member_frequency", s.patternMemberFrequency());
        if (s.emotives() != null) m.put("emotives", s.emotives());
        return m;
    }

    public static Map<String, Object> totals(Totals t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_pattern_frequencies", t.totalPatternFrequencies());
        m.put("total_symbol_frequencies", t.totalSymbolFrequencies());
        m.put("total_symbols_in_patterns_frequencies", t.totalSymbolsInPatternsFrequencies());
        return m;
    }

    public static Map<String, Object> vector(StoredVector v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("vector", v.vector());
        m.put("patterns", v.patterns());
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Chunk parseChunk(String json) {
        Map<String, Object> m = PlainJson.parseObject(json);
        List<Pattern> patterns = new ArrayList<>();
        for (Object o : list(m, "patterns")) patterns.add(toPattern((Map<String, Object>) o));
        List<SymbolStats> symbols = new ArrayList<>();
        for (Object o : list(m, "symbols")) symbols.add(toSymbol((Map<String, Object>) o));
        List<StoredVector> vectors = new ArrayList<>();
        for (Object o : list(m, "vectors")) vectors.add(toVector((Map<String, Object>) o));
        Totals totals = m.get("totals") == null ? null : toTotals((Map<String, Object>) m.get("totals"));
        return new Chunk(Boolean.TRUE.equals(m.get("replace")), patterns, symbols, totals, vectors);
    }

    private static List<?> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw new IllegalArgumentException(key + ": expected an array");
        return l;
    }

    @SuppressWarnings("unchecked")
    public static Pattern toPattern(Map<String, Object> m) {
        List<List<String>> events = new ArrayList<>();
        for (Object e : (List<Object>) m.get("pattern_data")) {
            List<String> ev = new ArrayList<>();
            for (Object x : (List<Object>) e) ev.add((String) x);
            events.add(ev);
        }
        List<Map<String, Double>> window = null;
        if (m.get("emotives") instanceof List<?> l) {
            window = new ArrayList<>();
            for (Object o : l) window.add(doubles((Map<String, Object>) o));
        }
        Map<String, List<String>> metadata = new LinkedHashMap<>();
        Object md = m.get("metadata");
        if (md instanceof Map<?, ?> mm) {
            for (Map.Entry<?, ?> e : mm.entrySet()) {
                List<String> values = new ArrayList<>();
                for (Object x : (List<Object>) e.getValue()) values.add((String) x);
                metadata.put((String) e.getKey(), values);
            }
        }
        int length = 0;
        for (List<String> e : events) length += e.size();
        return new Pattern((String) m.get("name"), events, length, number(m, "frequency"), window, metadata, 0,
                number(m, "created_at"), number(m, "updated_at"));
    }

    @SuppressWarnings("unchecked")
    public static SymbolStats toSymbol(Map<String, Object> m) {
        Object e = m.get("emotives");
        return new SymbolStats((String) m.get("name"), number(m, "frequency"), number(m, "pattern_member_frequency"),
                e == null ? null : doubles((Map<String, Object>) e));
    }

    public static Totals toTotals(Map<String, Object> m) {
        return new Totals(number(m, "total_pattern_frequencies"), number(m, "total_symbol_frequencies"),
                number(m, "total_symbols_in_patterns_frequencies"));
    }

    @SuppressWarnings("unchecked")
    public static StoredVector toVector(Map<String, Object> m) {
        List<Object> values = (List<Object>) m.get("vector");
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) values.get(i)).doubleValue();
        List<String> holders = new ArrayList<>();
        for (Object x : (List<Object>) m.get("patterns")) holders.add((String) x);
        return new StoredVector((String) m.get("name"), v, holders);
    }

    private static long number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException(key + ": expected a number");
        return n.longValue();
    }

    private static Map<String, Double> doubles(Map<String, Object> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }
}
