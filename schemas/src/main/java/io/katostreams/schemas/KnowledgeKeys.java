package io.katostreams.schemas;

import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.VectorDoc;
import java.util.Objects;

/**
 * Record keys of the compacted topic {@code kato.knowledge}. One key per knowledge item, so
 * compaction keeps exactly the current state of every item:
 *
 * <pre>
 *   &lt;processor_id&gt;/pattern/&lt;name&gt;   PatternDoc   name = 40 hex, without PTRN|
 *   &lt;processor_id&gt;/symbol/&lt;name&gt;    SymbolDoc    name = any string (may contain '/')
 *   &lt;processor_id&gt;/totals           TotalsDoc
 *   &lt;processor_id&gt;/vector/&lt;name&gt;    VectorDoc    name = VCTR|&lt;40 hex&gt;
 *   &lt;processor_id&gt;/cleared          NodeCleared
 * </pre>
 *
 * <p>Parsing splits at the first two {@code '/'} only, so item names may contain {@code '/'}.
 * A processor_id never contains {@code '/'} (spec 02 §2 sanitising replaces it) unless
 * SERVICE_NAME does; the builders reject such an id rather than produce an ambiguous key.
 * All keys of one node start with {@link #prefix(String)}.
 */
public final class KnowledgeKeys {

    /** The kind of item a key names; {@link #segment()} is its text in the key. */
    public enum Kind {
        PATTERN("pattern", true),
        SYMBOL("symbol", true),
        TOTALS("totals", false),
        VECTOR("vector", true),
        CLEARED("cleared", false);

        private final String segment;
        private final boolean named;

        Kind(String segment, boolean named) {
            this.segment = segment;
            this.named = named;
        }

        public String segment() {
            return segment;
        }

        /** Whether keys of this kind end with an item name. */
        public boolean named() {
            return named;
        }

        static Kind ofSegment(String segment) {
            for (Kind k : values()) {
                if (k.segment.equals(segment)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A parsed key; {@code name} is null for {@link Kind#TOTALS} and {@link Kind#CLEARED}. */
    public record Key(String processorId, Kind kind, String name) {
        public Key {
            Objects.requireNonNull(processorId, "processorId");
            Objects.requireNonNull(kind, "kind");
            if (kind.named() != (name != null)) {
                throw new IllegalArgumentException(kind + (kind.named() ? " keys need a name" : " keys have no name"));
            }
        }

        /** The key text; {@code parse(k.toKey()).equals(k)}. */
        public String toKey() {
            String base = prefix(processorId) + kind.segment();
            return kind.named() ? base + "/" + name : base;
        }
    }

    private KnowledgeKeys() {
    }

    /** {@code <processor_id>/}: every key of the node starts with it. */
    public static String prefix(String processorId) {
        Objects.requireNonNull(processorId, "processorId");
        if (processorId.indexOf('/') >= 0) {
            throw new IllegalArgumentException("processor_id must not contain '/': " + processorId);
        }
        return processorId + "/";
    }

    public static String pattern(String processorId, String patternName) {
        return named(processorId, Kind.PATTERN, patternName);
    }

    public static String symbol(String processorId, String symbol) {
        return named(processorId, Kind.SYMBOL, symbol);
    }

    public static String totals(String processorId) {
        return prefix(processorId) + Kind.TOTALS.segment();
    }

    public static String vector(String processorId, String vectorName) {
        return named(processorId, Kind.VECTOR, vectorName);
    }

    public static String cleared(String processorId) {
        return prefix(processorId) + Kind.CLEARED.segment();
    }

    /** The key under which {@code record} belongs on {@code kato.knowledge}. */
    public static String keyOf(KnowledgeRecord record) {
        String pid = record.getProcessorId();
        Object item = record.getItem();
        if (item instanceof PatternDoc p) {
            return pattern(pid, p.getName());
        } else if (item instanceof SymbolDoc s) {
            return symbol(pid, s.getName());
        } else if (item instanceof TotalsDoc) {
            return totals(pid);
        } else if (item instanceof VectorDoc v) {
            return vector(pid, v.getName());
        } else if (item instanceof NodeCleared) {
            return cleared(pid);
        }
        throw new IllegalArgumentException("unknown knowledge item " + (item == null ? "null" : item.getClass().getName()));
    }

    /**
     * Parses a key built by this class.
     *
     * @throws IllegalArgumentException naming what is wrong when {@code key} is not such a key
     */
    public static Key parse(String key) {
        Objects.requireNonNull(key, "key");
        int first = key.indexOf('/');
        if (first < 0) {
            throw new IllegalArgumentException("not a knowledge key (no '/'): " + key);
        }
        String pid = key.substring(0, first);
        int second = key.indexOf('/', first + 1);
        String segment = second < 0 ? key.substring(first + 1) : key.substring(first + 1, second);
        Kind kind = Kind.ofSegment(segment);
        if (kind == null) {
            throw new IllegalArgumentException("not a knowledge key (unknown kind '" + segment + "'): " + key);
        }
        if (kind.named() && second < 0) {
            throw new IllegalArgumentException("not a knowledge key (" + segment + " without a name): " + key);
        }
        if (!kind.named() && second >= 0) {
            throw new IllegalArgumentException("not a knowledge key (" + segment + " takes no name): " + key);
        }
        return new Key(pid, kind, kind.named() ? key.substring(second + 1) : null);
    }

    private static String named(String processorId, Kind kind, String name) {
        Objects.requireNonNull(name, "name");
        return prefix(processorId) + kind.segment() + "/" + name;
    }
}
