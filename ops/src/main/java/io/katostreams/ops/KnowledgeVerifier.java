package io.katostreams.ops;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.VectorDoc;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./ops/kato verify NODE}: the node's knowledge as the topology published it (the latest
 * record per key of kato.knowledge) against the copies in MongoDB and Qdrant. Compares counts and
 * checksums (SHA-1 over the sorted {@code name:frequency} lines of patterns and symbols) and the
 * totals; reports every gap. The reference once lost every vector without anyone noticing.
 */
final class KnowledgeVerifier {
    private KnowledgeVerifier() {}

    /** What one store holds of a node. */
    record Summary(long patterns, String patternChecksum, long symbols, String symbolChecksum, List<Long> totals,
                   long vectors) {
        List<String> differences(Summary other, String otherName, boolean withVectors) {
            List<String> gaps = new ArrayList<>();
            if (patterns != other.patterns) gaps.add("patterns: topic " + patterns + ", " + otherName + " " + other.patterns);
            else if (!patternChecksum.equals(other.patternChecksum)) gaps.add("patterns differ in name or frequency (checksums)");
            if (symbols != other.symbols) gaps.add("symbols: topic " + symbols + ", " + otherName + " " + other.symbols);
            else if (!symbolChecksum.equals(other.symbolChecksum)) gaps.add("symbols differ in name or frequency (checksums)");
            if (!totals.equals(other.totals)) gaps.add("totals: topic " + totals + ", " + otherName + " " + other.totals);
            if (withVectors && vectors != other.vectors) gaps.add("vectors: topic " + vectors + ", " + otherName + " " + other.vectors);
            return gaps;
        }
    }

    static Summary fromTopic(Collection<KnowledgeRecord> latest) {
        TreeSet<String> patterns = new TreeSet<>();
        TreeSet<String> symbols = new TreeSet<>();
        List<Long> totals = List.of(0L, 0L, 0L);
        long vectors = 0;
        for (KnowledgeRecord r : latest) {
            Object item = r.getItem();
            if (item instanceof PatternDoc p) patterns.add(p.getName() + ":" + p.getFrequency());
            else if (item instanceof SymbolDoc s) symbols.add(s.getName() + ":" + s.getFrequency() + ":" + s.getPatternMemberFrequency());
            else if (item instanceof TotalsDoc t) totals = List.of(t.getTotalPatternFrequencies(), t.getTotalSymbolFrequencies(),
                    t.getTotalSymbolsInPatternsFrequencies());
            else if (item instanceof VectorDoc) vectors++;
        }
        return new Summary(patterns.size(), checksum(patterns), symbols.size(), checksum(symbols), totals, vectors);
    }

    static Summary fromMongo(String url, String processorId) {
        try (MongoClient client = MongoClients.create(url)) {
            MongoDatabase db = client.getDatabase(processorId);
            TreeSet<String> patterns = new TreeSet<>();
            for (Document d : db.getCollection("patterns_kb").find()) {
                patterns.add(d.getString("name") + ":" + ((Number) d.get("frequency")).longValue());
            }
            TreeSet<String> symbols = new TreeSet<>();
            for (Document d : db.getCollection("symbols_kb").find()) {
                symbols.add(d.getString("name") + ":" + ((Number) d.get("frequency")).longValue() + ":"
                        + ((Number) d.get("pattern_member_frequency")).longValue());
            }
            List<Long> totals = List.of(0L, 0L, 0L);
            Document t = db.getCollection("metadata").find(new Document("class", "totals")).first();
            if (t != null) {
                totals = List.of(((Number) t.get("total_pattern_frequencies")).longValue(),
                        ((Number) t.get("total_symbol_frequencies")).longValue(),
                        ((Number) t.get("total_symbols_in_patterns_frequencies")).longValue());
            }
            return new Summary(patterns.size(), checksum(patterns), symbols.size(), checksum(symbols), totals, -1);
        }
    }

    /** Points in {@code vectors_<processor_id>}; 0 when the collection does not exist. */
    static long qdrantPoints(String hostPort, String processorId) throws Exception {
        String[] hp = hostPort.replaceFirst("^[a-z]+://", "").split(":");
        try (QdrantClient q = new QdrantClient(QdrantGrpcClient.newBuilder(hp[0], hp.length > 1 ? Integer.parseInt(hp[1]) : 6334,
                false).build())) {
            String collection = "vectors_" + processorId;
            if (!q.collectionExistsAsync(collection).get(10, TimeUnit.SECONDS)) return 0;
            return q.countAsync(collection).get(10, TimeUnit.SECONDS);
        }
    }

    static String checksum(TreeSet<String> lines) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-1");
            for (String l : lines) {
                sha.update(l.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
