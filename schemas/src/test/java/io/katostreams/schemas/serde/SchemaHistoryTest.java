package io.katostreams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Guards of the evolution rules (docs/schema-evolution.md): every shipped version stays
 * readable, a changed schema needs a new history file, and records written with an older version
 * decode with the new fields' defaults.
 */
class SchemaHistoryTest {

    /** Every top-level record written to a topic. */
    static final List<Schema> TOPIC_RECORDS = List.of(Command.getClassSchema(), ObservationRecord.getClassSchema(),
            Reply.getClassSchema(), PredictionSet.getClassSchema(), SessionState.getClassSchema(),
            KnowledgeRecord.getClassSchema(), DeadLetter.getClassSchema());

    private final SchemaHistory history = SchemaHistory.get();

    @Test
    void newestVersionOfEveryTopicRecordIsTheCompiledSchema() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Schema current : TOPIC_RECORDS) {
            List<SchemaHistory.Version> versions = history.versions(current.getFullName());
            long fp = SchemaHistory.fingerprint(current);
            if (versions.isEmpty() || versions.get(versions.size() - 1).fingerprint() != fp) {
                int next = versions.size() + 1;
                Path candidate = Path.of("target", "schema-history-candidates", current.getName(), "v" + next + ".avsc");
                Files.createDirectories(candidate.getParent());
                Files.writeString(candidate, languageNeutral(current));
                problems.add(current.getName() + " changed: add schema-history/" + current.getName() + "/v" + next
                        + ".avsc (a candidate was written to " + candidate + ") and list it in index.txt");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void versionsAreNumberedWithoutGaps() {
        for (String name : history.recordNames()) {
            List<SchemaHistory.Version> versions = history.versions(name);
            for (int i = 0; i < versions.size(); i++) {
                assertEquals(i + 1, versions.get(i).version(), name + " versions must be v1..vN");
            }
        }
        Set<String> topic = new HashSet<>();
        TOPIC_RECORDS.forEach(s -> topic.add(s.getFullName()));
        assertEquals(topic, new HashSet<>(history.recordNames()), "history covers exactly the topic records");
    }

    @Test
    void currentReaderCanReadEveryShippedVersion() {
        for (Schema current : TOPIC_RECORDS) {
            for (SchemaHistory.Version v : history.versions(current.getFullName())) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(current, v.schema());
                assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(),
                        v + " is not readable by the current schema: " + result.getDescription());
            }
        }
    }

    @Test
    void everyRecordAndFieldHasADoc() {
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Schema s : TOPIC_RECORDS) {
            collectMissingDocs(s, seen, missing);
        }
        assertTrue(missing.isEmpty(), "missing doc: " + missing);
        assertTrue(seen.contains("io.katostreams.schemas.avro.Observation"));
    }

    @Test
    void observationRecordWrittenWithV1ReadsWithUniqueIdNull() {
        Schema v1 = history.versions(ObservationRecord.getClassSchema().getFullName()).get(0).schema();
        assertNull(v1.getField("unique_id"), "v1 predates unique_id");
        Map<String, Double> emotives = new LinkedHashMap<>();
        emotives.put("joy", 0.8);
        emotives.put("fear", 0.1);
        GenericRecord old = new GenericRecordBuilder(v1)
                .set("node_id", "alice").set("session_id", "s-1")
                .set("strings", List.of("b", "a"))
                .set("vectors", List.of(List.of(1.0, 2.0)))
                .set("emotives", emotives)
                .set("metadata_json", "{\"k\":1}")
                .build();
        byte[] bytes = encodeGeneric(v1, old);
        assertEquals(SchemaHistory.fingerprint(v1), AvroSerde.fingerprintOf(bytes));

        ObservationRecord read = KatoSerdes.observations().decode(bytes);
        assertEquals("alice", read.getNodeId());
        assertEquals(List.of("b", "a"), read.getStrings());
        assertEquals(List.of(List.of(1.0, 2.0)), read.getVectors());
        assertEquals(List.of("joy", "fear"), new ArrayList<>(read.getEmotives().keySet()));
        assertEquals("{\"k\":1}", read.getMetadataJson());
        assertNull(read.getUniqueId(), "the v2 default fills the field v1 did not have");

        // The input deserializer (Avro or JSON) reads it too.
        assertEquals(read, new ObservationInputDeserializer().deserializeWithKey("kato.observations", "alice", bytes));
    }

    @Test
    void commandWrittenWithV1ReadsNestedObservationsWithUniqueIdNull() {
        Schema v1 = history.versions(Command.getClassSchema().getFullName()).get(0).schema();
        Schema op = v1.getField("op").schema();
        Schema observeV1 = op.getTypes().stream().filter(s -> s.getName().equals("ObserveSequence")).findFirst().orElseThrow();
        Schema observationV1 = observeV1.getField("observations").schema().getElementType();
        assertNull(observationV1.getField("unique_id"));
        GenericRecord obs = new GenericRecordBuilder(observationV1).set("strings", List.of("x")).build();
        GenericRecord seq = new GenericRecordBuilder(observeV1).set("observations", List.of(obs, obs))
                .set("learn_at_end", true).build();
        GenericRecord cmd = new GenericRecordBuilder(v1).set("correlation_id", "c").set("node_id", "n")
                .set("op", seq).build();

        Command read = KatoSerdes.commands().decode(encodeGeneric(v1, cmd));
        ObserveSequence s = (ObserveSequence) read.getOp();
        assertTrue(s.getLearnAtEnd());
        assertFalse(s.getLearnAfterEach());
        Observation first = s.getObservations().get(0);
        assertEquals(List.of("x"), first.getStrings());
        assertNull(first.getUniqueId());
        assertEquals("{}", first.getMetadataJson());
    }

    @Test
    void aNewerWriterSchemaIsRefusedInsteadOfMisread() {
        // A writer that appended an operation the reader does not know: its schema is not shipped,
        // so the reader cannot resolve it (and can never map the new op onto an old one).
        String extended = Command.getClassSchema().toString().replace(
                "{\"type\":\"record\",\"name\":\"GetStm\"",
                "{\"type\":\"record\",\"name\":\"FutureOp\",\"doc\":\"x\",\"fields\":[]},{\"type\":\"record\",\"name\":\"GetStm\"");
        Schema newer = new Schema.Parser().parse(extended);
        GenericRecord futureOp = new GenericData.Record(newer.getField("op").schema().getTypes().stream()
                .filter(s -> s.getName().equals("FutureOp")).findFirst().orElseThrow());
        GenericRecord cmd = new GenericRecordBuilder(newer).set("correlation_id", "c").set("node_id", "n")
                .set("op", futureOp).build();
        try {
            KatoSerdes.commands().decode(encodeGeneric(newer, cmd));
            fail("a command written with an unknown schema must not decode");
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            assertTrue(e.getMessage().contains("unknown schema"), e.getMessage());
        }
    }

    @Test
    void storeIsPerRecordType() {
        var store = history.storeFor(Reply.getClassSchema());
        assertEquals(Reply.getClassSchema().getFullName(),
                store.findByFingerprint(SchemaHistory.fingerprint(Reply.getClassSchema())).getFullName());
        assertNull(store.findByFingerprint(SchemaHistory.fingerprint(Command.getClassSchema())));
    }

    /** The schema as a history file: pretty JSON without the Java-only avro.java.string properties. */
    static String languageNeutral(Schema schema) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(schema.toString());
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(stripJavaProps(tree)) + "\n";
    }

    private static com.fasterxml.jackson.databind.JsonNode stripJavaProps(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            o.remove("avro.java.string");
            if (o.size() == 1 && o.has("type") && o.get("type").isTextual()) {
                return o.get("type"); // {"type": "string"} -> "string"
            }
            for (var e : o.properties()) {
                e.setValue(stripJavaProps(e.getValue()));
            }
        } else if (node.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, stripJavaProps(a.get(i)));
            }
        }
        return node;
    }

    @Test
    void historyFilesAreLanguageNeutral() throws IOException {
        for (String name : history.recordNames()) {
            for (SchemaHistory.Version v : history.versions(name)) {
                assertFalse(v.schema().toString().contains("avro.java.string"), v + " carries Java-only properties");
            }
        }
        String candidate = languageNeutral(Reply.getClassSchema());
        assertFalse(candidate.contains("avro.java.string"));
        assertEquals(SchemaHistory.fingerprint(Reply.getClassSchema()),
                SchemaHistory.fingerprint(new Schema.Parser().parse(candidate)));
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void collectMissingDocs(Schema s, Set<String> seen, List<String> missing) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return;
                }
                if (s.getDoc() == null || s.getDoc().isBlank()) {
                    missing.add(s.getFullName());
                }
                for (Schema.Field f : s.getFields()) {
                    if (f.doc() == null || f.doc().isBlank()) {
                        missing.add(s.getName() + "." + f.name());
                    }
                    collectMissingDocs(f.schema(), seen, missing);
                }
            }
            case UNION -> s.getTypes().forEach(t -> collectMissingDocs(t, seen, missing));
            case ARRAY -> collectMissingDocs(s.getElementType(), seen, missing);
            case MAP -> collectMissingDocs(s.getValueType(), seen, missing);
            default -> {
            }
        }
    }
}
