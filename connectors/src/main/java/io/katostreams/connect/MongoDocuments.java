package io.katostreams.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The MongoDB documents of spec 05 section 2, built from knowledge items. Field order and types
 * follow the reference: integers are int32 when they fit and int64 otherwise (what pymongo
 * writes), emotive values are doubles, times are BSON dates. Documents carry no {@code _id}: a
 * replacement keeps the stored one, an upsert lets the server assign one.
 */
final class MongoDocuments {

    /** Filter and identity of the one totals document of a node (spec 05 section 2.4). */
    static final String TOTALS_CLASS = "totals";

    private static final ObjectMapper JSON = new ObjectMapper();

    private MongoDocuments() {
    }

    /** {@code {name: <name>}}: how patterns_kb and symbols_kb documents are found (unique index name_1). */
    static BsonDocument byName(String name) {
        return new BsonDocument("name", new BsonString(name));
    }

    static BsonDocument totalsFilter() {
        return new BsonDocument("class", new BsonString(TOTALS_CLASS));
    }

    /**
     * A patterns_kb document (spec 05 section 2.3) plus {@code created_at}/{@code updated_at}.
     *
     * @throws BadRecordException when {@code emotives_json} is not {@code {}} or an array of objects of numbers
     */
    static BsonDocument pattern(PatternDoc p) {
        BsonDocument d = new BsonDocument();
        d.put("name", new BsonString(p.getName()));
        BsonArray events = new BsonArray();
        for (List<String> event : p.getPatternData()) {
            events.add(strings(event));
        }
        d.put("pattern_data", events);
        d.put("length", integer(p.getLength()));
        d.put("frequency", integer(p.getFrequency()));
        d.put("emotives", emotives(p.getEmotivesJson()));
        BsonDocument metadata = new BsonDocument();
        for (Map.Entry<String, List<String>> e : p.getMetadata().entrySet()) {
            metadata.put(e.getKey(), strings(e.getValue()));
        }
        d.put("metadata", metadata);
        d.put("created_at", new BsonDateTime(p.getCreatedAt().toEpochMilli()));
        d.put("updated_at", new BsonDateTime(p.getUpdatedAt().toEpochMilli()));
        return d;
    }

    /** A symbols_kb document (spec 05 section 2.6); {@code emotives} only when the item has them. */
    static BsonDocument symbol(SymbolDoc s) {
        BsonDocument d = new BsonDocument();
        d.put("name", new BsonString(s.getName()));
        d.put("frequency", integer(s.getFrequency()));
        d.put("pattern_member_frequency", integer(s.getPatternMemberFrequency()));
        if (s.getEmotives() != null) {
            BsonDocument emotives = new BsonDocument();
            for (Map.Entry<String, Double> e : s.getEmotives().entrySet()) {
                emotives.put(e.getKey(), new BsonDouble(e.getValue()));
            }
            d.put("emotives", emotives);
        }
        return d;
    }

    /** The totals document (spec 05 section 2.4). */
    static BsonDocument totals(TotalsDoc t) {
        return totals(t.getTotalPatternFrequencies(), t.getTotalSymbolFrequencies(), t.getTotalSymbolsInPatternsFrequencies());
    }

    /** The totals of a new or cleared node: all three counters 0. */
    static BsonDocument zeroTotals() {
        return totals(0, 0, 0);
    }

    private static BsonDocument totals(long patterns, long symbols, long symbolsInPatterns) {
        BsonDocument d = totalsFilter();
        d.put("total_pattern_frequencies", integer(patterns));
        d.put("total_symbol_frequencies", integer(symbols));
        d.put("total_symbols_in_patterns_frequencies", integer(symbolsInPatterns));
        return d;
    }

    /**
     * The emotive window from its JSON text: the empty OBJECT {@code {}} of a pattern never learned
     * with emotives (kept as an object: spec 05 section 2.3 quirk), or an array of objects whose
     * values become doubles.
     */
    static BsonValue emotives(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadRecordException("PatternDoc.emotives_json: not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node != null && node.isObject() && node.isEmpty()) {
            return new BsonDocument();
        }
        if (node == null || !node.isArray()) {
            throw new BadRecordException("PatternDoc.emotives_json: must be {} or an array of objects, got " + json);
        }
        BsonArray window = new BsonArray();
        for (int i = 0; i < node.size(); i++) {
            JsonNode snapshot = node.get(i);
            if (!snapshot.isObject()) {
                throw new BadRecordException("PatternDoc.emotives_json[" + i + "]: must be an object, got " + snapshot);
            }
            BsonDocument values = new BsonDocument();
            for (Map.Entry<String, JsonNode> e : snapshot.properties()) {
                if (!e.getValue().isNumber()) {
                    throw new BadRecordException("PatternDoc.emotives_json[" + i + "]." + e.getKey() + ": must be a number, got "
                            + e.getValue());
                }
                values.put(e.getKey(), new BsonDouble(e.getValue().doubleValue()));
            }
            window.add(values);
        }
        return window;
    }

    private static BsonArray strings(List<String> values) {
        BsonArray a = new BsonArray(values.size());
        for (String v : values) {
            a.add(new BsonString(v));
        }
        return a;
    }

    /** int32 when {@code v} fits, else int64: the integer types pymongo gives the reference's documents. */
    static BsonValue integer(long v) {
        return v == (int) v ? new BsonInt32((int) v) : new BsonInt64(v);
    }
}
