package io.katostreams.connect;

import io.katostreams.schemas.KatoTopics;
import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.VectorDoc;
import io.katostreams.schemas.serde.KatoSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/** Knowledge records as the topology writes them, and the Connect records a sink receives. */
final class Knowledge {

    static final Instant T0 = Instant.parse("2025-01-01T12:00:00.123Z");
    static final Instant T1 = Instant.parse("2025-01-01T12:05:00.456Z");

    private static final AtomicLong OFFSETS = new AtomicLong();

    private Knowledge() {
    }

    static KnowledgeRecord pattern(String pid, String name, List<List<String>> data, long frequency, String emotivesJson,
            Map<String, List<String>> metadata) {
        long length = data.stream().mapToLong(List::size).sum();
        PatternDoc doc = PatternDoc.newBuilder()
                .setName(name).setPatternData(data).setLength(length).setFrequency(frequency)
                .setEmotivesJson(emotivesJson).setMetadata(metadata).setCreatedAt(T0).setUpdatedAt(T1)
                .build();
        return record(pid, doc);
    }

    static KnowledgeRecord symbol(String pid, String name, long frequency, long memberFrequency, Map<String, Double> emotives) {
        return record(pid, SymbolDoc.newBuilder().setName(name).setFrequency(frequency)
                .setPatternMemberFrequency(memberFrequency).setEmotives(emotives).build());
    }

    static KnowledgeRecord totals(String pid, long patterns, long symbols, long symbolsInPatterns) {
        return record(pid, new TotalsDoc(patterns, symbols, symbolsInPatterns));
    }

    static KnowledgeRecord vector(String pid, String name, List<Double> vector, List<String> patterns) {
        return record(pid, VectorDoc.newBuilder().setName(name).setVector(vector).setPatterns(patterns).build());
    }

    static KnowledgeRecord cleared(String pid) {
        return record(pid, new NodeCleared(T1));
    }

    private static KnowledgeRecord record(String pid, Object item) {
        return KnowledgeRecord.newBuilder().setProcessorId(pid).setNodeId(pid.replaceAll("_kato$", "")).setItem(item).build();
    }

    static byte[] bytes(KnowledgeRecord record) {
        return KatoSerdes.knowledge().serializer().serialize(KatoTopics.KNOWLEDGE, record);
    }

    /** The Connect record of {@code record}: key text from KnowledgeKeys, value the Avro bytes. */
    static SinkRecord sink(KnowledgeRecord record) {
        return raw(KnowledgeKeys.keyOf(record), bytes(record));
    }

    static SinkRecord tombstone(String key) {
        return raw(key, null);
    }

    /** A Connect record as StringConverter/ByteArrayConverter give it. */
    static SinkRecord raw(Object key, Object value) {
        return new SinkRecord(KatoTopics.KNOWLEDGE, 0, Schema.OPTIONAL_STRING_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA,
                value, OFFSETS.incrementAndGet());
    }

    static List<SinkRecord> sinks(KnowledgeRecord... records) {
        List<SinkRecord> out = new ArrayList<>();
        for (KnowledgeRecord r : records) {
            out.add(sink(r));
        }
        return out;
    }

    static String hex40(char c) {
        return String.valueOf(c).repeat(40);
    }

    /** An {@link ErrantRecordReporter} that remembers what it was given. */
    static final class RecordingReporter implements ErrantRecordReporter {
        record Report(SinkRecord record, Throwable error) {
        }

        final List<Report> reports = new ArrayList<>();

        @Override
        public synchronized Future<Void> report(SinkRecord record, Throwable error) {
            reports.add(new Report(record, error));
            return CompletableFuture.completedFuture(null);
        }

        synchronized List<String> reasons() {
            return reports.stream().map(r -> r.error().getMessage()).toList();
        }

        synchronized Collection<Long> offsets() {
            return reports.stream().map(r -> r.record().kafkaOffset()).toList();
        }
    }
}
