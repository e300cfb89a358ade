package io.katostreams.topology;

import io.katostreams.engine.Pattern;
import io.katostreams.engine.StoredVector;
import io.katostreams.engine.SymbolStats;
import io.katostreams.engine.Totals;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.VectorDoc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knowledge of the engine ↔ the {@link KnowledgeRecord}s of topic kato.knowledge and the knowledge
 * store. Every record carries the absolute state after the change, so replaying is idempotent.
 */
public final class KnowledgeCodec {
    private KnowledgeCodec() {}

    public static String key(KnowledgeRecord r) {
        return KnowledgeKeys.keyOf(r);
    }

    public static KnowledgeRecord pattern(String processorId, String nodeId, Pattern p) {
        Map<String, List<String>> metadata = new LinkedHashMap<>();
        p.metadata().forEach((k, v) -> metadata.put(k, new ArrayList<>(v)));
        PatternDoc doc = PatternDoc.newBuilder()
                .setName(p.name())
                .setPatternData(new ArrayList<>(p.events()))
                .setLength(p.length())
                .setFrequency(p.frequency())
                .setEmotivesJson(p.emotives() == null ? "{}" : PlainJson.write(p.emotives()))
                .setMetadata(metadata)
                .setCreatedAt(Instant.ofEpochMilli(p.createdAt()))
                .setUpdatedAt(Instant.ofEpochMilli(p.updatedAt()))
                .setSequence(p.sequence())
                .build();
        return wrap(processorId, nodeId, doc);
    }

    public static KnowledgeRecord symbol(String processorId, String nodeId, SymbolStats s) {
        SymbolDoc doc = SymbolDoc.newBuilder()
                .setName(s.name())
                .setFrequency(s.frequency())
                .setPatternMemberFrequency(s.patternMemberFrequency())
                .setEmotives(s.emotives() == null ? null : new LinkedHashMap<>(s.emotives()))
                .build();
        return wrap(processorId, nodeId, doc);
    }

    public static KnowledgeRecord totals(String processorId, String nodeId, Totals t) {
        return wrap(processorId, nodeId, new TotalsDoc(t.totalPatternFrequencies(), t.totalSymbolFrequencies(),
                t.totalSymbolsInPatternsFrequencies()));
    }

    public static KnowledgeRecord vector(String processorId, String nodeId, StoredVector v) {
        List<Double> values = new ArrayList<>(v.vector().length);
        for (double d : v.vector()) values.add(d);
        return wrap(processorId, nodeId, new VectorDoc(v.name(), values, new ArrayList<>(v.patterns())));
    }

    public static KnowledgeRecord cleared(String processorId, String nodeId, long at) {
        return wrap(processorId, nodeId, new NodeCleared(Instant.ofEpochMilli(at)));
    }

    private static KnowledgeRecord wrap(String processorId, String nodeId, Object item) {
        return KnowledgeRecord.newBuilder().setProcessorId(processorId).setNodeId(nodeId).setItem(item).build();
    }

    // ---- back to the engine (restoring a node's knowledge from the store) ----------------------

    @SuppressWarnings("unchecked")
    public static Pattern toPattern(PatternDoc d) {
        Object emotives = PlainJson.parse(d.getEmotivesJson());
        List<Map<String, Double>> window = null;
        if (emotives instanceof List<?> list) {
            window = new ArrayList<>();
            for (Object o : list) {
                Map<String, Double> m = new LinkedHashMap<>();
                ((Map<String, Object>) o).forEach((k, v) -> m.put(k, ((Number) v).doubleValue()));
                window.add(m);
            }
        }
        Map<String, List<String>> metadata = new LinkedHashMap<>();
        d.getMetadata().forEach((k, v) -> metadata.put(k, new ArrayList<>(v)));
        return new Pattern(d.getName(), d.getPatternData(), (int) d.getLength(), d.getFrequency(), window, metadata,
                d.getSequence(), d.getCreatedAt().toEpochMilli(), d.getUpdatedAt().toEpochMilli());
    }

    public static SymbolStats toSymbol(SymbolDoc d) {
        return new SymbolStats(d.getName(), d.getFrequency(), d.getPatternMemberFrequency(),
                d.getEmotives() == null ? null : new LinkedHashMap<>(d.getEmotives()));
    }

    public static Totals toTotals(TotalsDoc d) {
        return new Totals(d.getTotalPatternFrequencies(), d.getTotalSymbolFrequencies(),
                d.getTotalSymbolsInPatternsFrequencies());
    }

    public static StoredVector toVector(VectorDoc d) {
        double[] v = new double[d.getVector().size()];
        for (int i = 0; i < v.length; i++) v[i] = d.getVector().get(i);
        return new StoredVector(d.getName(), v, List.copyOf(d.getPatterns()));
    }
}
