package io.katostreams.topology;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.KnowledgeBase;
import io.katostreams.engine.LearnApplied;
import io.katostreams.engine.LearnRequest;
import io.katostreams.engine.Pattern;
import io.katostreams.engine.PatternIndex;
import io.katostreams.engine.StoredVector;
import io.katostreams.engine.SymbolStats;
import io.katostreams.engine.Totals;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.VectorDoc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A node's knowledge base whose source of truth is the knowledge state store (changelogged, so it
 * survives crashes and moves with the partition). It is loaded into an {@link InMemoryKnowledgeBase}
 * on first use — the index lives in memory for speed — and every change is written through to the
 * store, whose changes reach kato.knowledge when its cache is flushed (StoreChangeForwarder).
 */
public final class StoreBackedKnowledgeBase implements KnowledgeBase {

    private final String processorId;
    private final int maxNewSymbols;
    private final String nodeId;
    private final RecordStore<KnowledgeRecord> store;
    /** Largest pattern record a learn may leave behind (KATO_MAX_RECORD_BYTES less headroom). */
    private final long maxPatternBytes;
    private final InMemoryKnowledgeBase memory = new InMemoryKnowledgeBase();

    /**
     * A learn that would make a pattern's or a symbol's record larger than a Kafka record may be:
     * refused before anything changes. A pattern's metadata is the union of every value ever
     * learned with it, and a symbol keeps a sum per emotive name ever learned with it, so both can
     * grow without bound; the reference fails such a learn too, at MongoDB's 16 MB document limit.
     */
    public static final class KnowledgeTooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KnowledgeTooLarge(String message) {
            super(message);
        }
    }

    public StoreBackedKnowledgeBase(String processorId, String nodeId, RecordStore<KnowledgeRecord> store, int maxRecordBytes) {
        this(processorId, nodeId, store, maxRecordBytes, Integer.MAX_VALUE);
    }

    /** @param maxNewSymbols most symbol records one learn may create (KATO_MAX_NEW_SYMBOLS_PER_LEARN) */
    public StoreBackedKnowledgeBase(String processorId, String nodeId, RecordStore<KnowledgeRecord> store, int maxRecordBytes,
                                    int maxNewSymbols) {
        this.maxNewSymbols = maxNewSymbols;
        this.processorId = processorId;
        this.nodeId = nodeId;
        this.store = store;
        this.maxPatternBytes = maxRecordBytes - 64L * 1024;
        load();
    }

    private void load() {
        List<Pattern> patterns = new ArrayList<>();
        store.forEachWithPrefix(KnowledgeKeys.prefix(processorId), (key, r) -> {
            Object item = r.getItem();
            if (item instanceof PatternDoc p) patterns.add(KnowledgeCodec.toPattern(p));
            else if (item instanceof SymbolDoc s) memory.restoreSymbol(KnowledgeCodec.toSymbol(s));
            else if (item instanceof TotalsDoc t) memory.restoreTotals(KnowledgeCodec.toTotals(t));
            else if (item instanceof VectorDoc v) memory.restoreVector(KnowledgeCodec.toVector(v));
        });
        patterns.sort(Comparator.comparingLong(Pattern::sequence));
        for (Pattern p : patterns) memory.restorePattern(p);
    }

    public String processorId() {
        return processorId;
    }

    @Override
    public PatternIndex index() {
        return memory.index();
    }

    @Override
    public Optional<Pattern> pattern(String name) {
        return memory.pattern(name);
    }

    @Override
    public Optional<SymbolStats> symbol(String name) {
        return memory.symbol(name);
    }

    @Override
    public Totals totals() {
        return memory.totals();
    }

    @Override
    public Optional<StoredVector> vector(String name) {
        return memory.vector(name);
    }

    @Override
    public Map<String, Double> averageEmotives(String name) {
        return memory.averageEmotives(name);
    }

    @Override
    public LearnApplied learn(LearnRequest request) {
        long after = patternBytesAfter(request);
        if (after > maxPatternBytes) {
            throw new KnowledgeTooLarge("learning would make pattern PTRN|" + request.name() + " of node " + nodeId
                    + " about " + after + " bytes, over KATO_MAX_RECORD_BYTES less 64 KiB (" + maxPatternBytes
                    + " bytes): its metadata holds every distinct value ever learned with it; nothing was learned");
        }
        checkSymbolGrowth(request);
        checkNewSymbols(request);
        LearnApplied applied = memory.learn(request);
        write(KnowledgeCodec.pattern(processorId, nodeId, applied.pattern()));
        for (SymbolStats s : applied.symbols()) write(KnowledgeCodec.symbol(processorId, nodeId, s));
        write(KnowledgeCodec.totals(processorId, nodeId, applied.totals()));
        for (StoredVector v : applied.vectors()) write(KnowledgeCodec.vector(processorId, nodeId, v));
        return applied;
    }

    /** clear-all: every key of the node is deleted and tombstoned, then zero totals and a NodeCleared marker. */
    public void clear(long timestamp) {
        List<String> keys = new ArrayList<>();
        store.forEachWithPrefix(KnowledgeKeys.prefix(processorId), (key, r) -> keys.add(key));
        for (String key : keys) store.delete(key);
        memory.clear();
        write(KnowledgeCodec.totals(processorId, nodeId, Totals.ZERO));
        write(KnowledgeCodec.cleared(processorId, nodeId, timestamp));
    }

    /**
     * Imports knowledge exported from a node (see {@link NodeExport}): patterns in the order given
     * (their first-stored order), symbols, totals and vectors, each written through and published.
     * Existing items with the same names are replaced.
     */
    public void importItems(List<Pattern> patterns, List<SymbolStats> symbols, Totals totals, List<StoredVector> vectors) {
        for (Pattern p : patterns) {
            if (memory.pattern(p.name()).isPresent()) {
                throw new IllegalArgumentException("pattern " + p.name() + " already exists; import with replace");
            }
            memory.restorePattern(p);
            write(KnowledgeCodec.pattern(processorId, nodeId, memory.pattern(p.name()).orElseThrow()));
        }
        for (SymbolStats s : symbols) {
            memory.restoreSymbol(s);
            write(KnowledgeCodec.symbol(processorId, nodeId, memory.symbol(s.name()).orElseThrow()));
        }
        if (totals != null) {
            memory.restoreTotals(totals);
            write(KnowledgeCodec.totals(processorId, nodeId, totals));
        }
        for (StoredVector v : vectors) {
            memory.restoreVector(v);
            write(KnowledgeCodec.vector(processorId, nodeId, v));
        }
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("use clear(timestamp): the marker carries the record time");
    }

    @Override
    public void forEachPattern(Consumer<Pattern> action) {
        memory.forEachPattern(action);
    }

    @Override
    public void forEachSymbol(Consumer<SymbolStats> action) {
        memory.forEachSymbol(action);
    }

    @Override
    public void forEachVector(Consumer<StoredVector> action) {
        memory.forEachVector(action);
    }

    /**
     * A symbol's record keeps a running sum per emotive name ever learned with it (spec 03 §12.7),
     * so a learn whose snapshot brings new names grows the record of every symbol of the pattern;
     * refused like an oversized pattern, before anything changes.
     */
    private void checkSymbolGrowth(LearnRequest r) {
        if (r.emotiveSnapshot() == null || r.emotiveSnapshot().isEmpty()) return;
        long added = 0;
        for (String key : r.emotiveSnapshot().keySet()) added += 16 + CommandHandler.utf8Length(key);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (List<String> event : r.events()) {
            for (String symbol : event) {
                if (!seen.add(symbol)) continue;
                long name = CommandHandler.utf8Length(symbol);
                int stored = store.storedSize(KnowledgeKeys.symbol(processorId, symbol));
                long after = (stored > 0 ? stored : 64 + name) + name + added; // key + value
                if (after > maxPatternBytes) {
                    throw new KnowledgeTooLarge("learning would make the record of symbol '"
                            + (symbol.length() > 64 ? symbol.substring(0, 64) + "…" : symbol) + "' of node " + nodeId
                            + " about " + after + " bytes, over KATO_MAX_RECORD_BYTES less 64 KiB (" + maxPatternBytes
                            + " bytes): it sums every emotive name ever learned with it; nothing was learned");
                }
            }
        }
    }

    /** A learn may create at most {@link #maxNewSymbols} symbol records; refused before anything changes. */
    private void checkNewSymbols(LearnRequest r) {
        java.util.Set<String> fresh = new java.util.HashSet<>();
        for (List<String> event : r.events()) {
            for (String symbol : event) {
                if (memory.symbol(symbol).isEmpty()) fresh.add(symbol);
            }
        }
        if (fresh.size() > maxNewSymbols) {
            throw new KnowledgeTooLarge("learning pattern PTRN|" + r.name() + " would create " + fresh.size()
                    + " new symbol records for node " + nodeId + ", over KATO_MAX_NEW_SYMBOLS_PER_LEARN (" + maxNewSymbols
                    + "); nothing was learned");
        }
    }

    /** An upper estimate of the pattern record's encoded size after {@code r} is learned. */
    private long patternBytesAfter(LearnRequest r) {
        int stored = store.storedSize(KnowledgeKeys.pattern(processorId, r.name()));
        long n;
        if (stored > 0) {
            n = stored;
        } else {
            n = 256 + r.name().length();
            for (List<String> event : r.events()) {
                for (String symbol : event) n += 8 + CommandHandler.utf8Length(symbol);
            }
        }
        for (Map.Entry<String, List<String>> e : r.metadataTexts().entrySet()) {
            n += 8 + CommandHandler.utf8Length(e.getKey());
            for (String text : e.getValue()) n += 8 + CommandHandler.utf8Length(text);
        }
        if (r.emotiveSnapshot() != null) {
            for (String key : r.emotiveSnapshot().keySet()) n += 40 + 6 * (long) key.length(); // JSON, escaped
        }
        return n;
    }

    private void write(KnowledgeRecord r) {
        store.put(KnowledgeCodec.key(r), r);
    }
}
