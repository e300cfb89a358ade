package io.katostreams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.Fixtures;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.validation.ObservationJson;
import io.katostreams.schemas.validation.RecordValidationException;
import io.katostreams.schemas.validation.ValidationError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class ObservationInputDeserializerTest {

    private static final String TOPIC = "kato.observations";
    private final ObservationInputDeserializer deserializer = new ObservationInputDeserializer();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void avroValuesAreDecodedAsAvro() {
        ObservationRecord r = Fixtures.observationRecord();
        byte[] bytes = KatoSerdes.observations().encode(r);
        assertTrue(ObservationInputDeserializer.isAvro(bytes));
        assertEquals(r, deserializer.deserialize(TOPIC, bytes));
        assertEquals(r, deserializer.deserializeWithKey(TOPIC, "alice", bytes));
    }

    @Test
    void jsonValuesAreParsedAsKatoObservations() {
        byte[] json = utf8("{\"node_id\":\"alice\",\"session_id\":null,\"strings\":[\"b\",\"a\"],"
                + "\"vectors\":[[1,2.5]],\"emotives\":{\"joy\":\"0.5\"},\"metadata\":{\"n\":1},\"unique_id\":\"u-1\"}");
        assertFalse(ObservationInputDeserializer.isAvro(json));
        ObservationRecord r = deserializer.deserialize(TOPIC, json);
        assertEquals("alice", r.getNodeId());
        assertNull(r.getSessionId());
        assertEquals(List.of("b", "a"), r.getStrings());
        assertEquals(List.of(List.of(1.0, 2.5)), r.getVectors());
        assertEquals(Map.of("joy", 0.5), r.getEmotives());
        assertEquals("{\"n\":1}", r.getMetadataJson());
        assertEquals("u-1", r.getUniqueId());
    }

    @Test
    void jsonWithoutNodeIdTakesTheKey() {
        ObservationRecord r = deserializer.deserializeWithKey(TOPIC, "bob", utf8("{\"strings\":[\"x\"]}"));
        assertEquals("bob", r.getNodeId());
        assertEquals("{}", r.getMetadataJson());
        ObservationRecord viaBytes = deserializer.deserializeWithKeyBytes(TOPIC, utf8("bob"), utf8("{}"));
        assertEquals("bob", viaBytes.getNodeId());
        ObservationRecord emptyKey = deserializer.deserializeWithKey(TOPIC, "", utf8("{}"));
        assertEquals("", emptyKey.getNodeId(), "the empty node id is a valid node");
    }

    @Test
    void jsonWithoutNodeIdAndWithoutKeyIsMissing() {
        RecordValidationException e = assertThrows(RecordValidationException.class,
                () -> deserializer.deserialize(TOPIC, utf8("{\"strings\":[]}")));
        ValidationError only = e.errors().get(0);
        assertEquals("missing", only.type());
        assertEquals(List.of("body", "node_id"), only.loc());
        assertEquals("node_id: Field required", e.getMessage());
    }

    @Test
    void nodeIdMustMatchTheKeyInBothForms() {
        RecordValidationException json = assertThrows(RecordValidationException.class,
                () -> deserializer.deserializeWithKey(TOPIC, "bob", utf8("{\"node_id\":\"alice\"}")));
        assertEquals("value_error", json.errors().get(0).type());
        assertTrue(json.getMessage().startsWith("node_id: "), json.getMessage());
        byte[] avro = KatoSerdes.observations().encode(Fixtures.observationRecord());
        RecordValidationException a = assertThrows(RecordValidationException.class,
                () -> deserializer.deserializeWithKey(TOPIC, "bob", avro));
        assertEquals(List.of("body", "node_id"), a.errors().get(0).loc());
    }

    @Test
    void avroRecordsPassTheSameFiniteNumberRule() {
        ObservationRecord r = Fixtures.observationRecord();
        r.setVectors(List.of(List.of(1.0, Double.NaN)));
        r.setEmotives(Map.of("joy", Double.POSITIVE_INFINITY));
        r.setMetadataJson("[1]");
        byte[] bytes = KatoSerdes.observations().encode(r);
        RecordValidationException e = assertThrows(RecordValidationException.class,
                () -> deserializer.deserialize(TOPIC, bytes));
        assertEquals(List.of("finite_number", "finite_number", "dict_type"),
                e.errors().stream().map(ValidationError::type).toList());
        assertEquals(List.of("body", "vectors", 0, 1), e.errors().get(0).loc());
        assertEquals(List.of("body", "emotives", "joy"), e.errors().get(1).loc());
        assertEquals("vectors[0][1]: Input should be a finite number; emotives.joy: Input should be a finite number; "
                + "metadata: Input should be a valid dictionary", e.getMessage());
    }

    @Test
    void invalidJsonAndBadAvroFailWithTheirOwnErrors() {
        RecordValidationException json = assertThrows(RecordValidationException.class,
                () -> deserializer.deserialize(TOPIC, utf8("{\"node_id\":\"a\",\"strings\": [1]}")));
        assertEquals("strings[0]: Input should be a valid string", json.getMessage());
        RecordValidationException notJson = assertThrows(RecordValidationException.class,
                () -> deserializer.deserialize(TOPIC, utf8("strings=a")));
        assertEquals("json_invalid", notJson.errors().get(0).type());
        RecordValidationException empty = assertThrows(RecordValidationException.class,
                () -> deserializer.deserialize(TOPIC, new byte[0]));
        assertEquals("missing", empty.errors().get(0).type());
        byte[] avro = KatoSerdes.observations().encode(Fixtures.observationRecord());
        avro[5] ^= 0x7F;
        assertThrows(SerializationException.class, () -> deserializer.deserialize(TOPIC, avro));
    }

    @Test
    void tombstonesGiveNull() {
        assertNull(deserializer.deserialize(TOPIC, null));
        assertNull(deserializer.deserializeWithKey(TOPIC, "alice", null));
    }

    @Test
    void theObservationInputSerdeWritesAvroAndReadsBoth() {
        var serde = KatoSerdes.observationInput();
        ObservationRecord r = Fixtures.observationRecord();
        byte[] bytes = serde.serializer().serialize(TOPIC, r);
        assertTrue(AvroSerde.isSingleObjectEncoded(bytes));
        Deserializer<ObservationRecord> d = serde.deserializer();
        assertEquals(r, d.deserialize(TOPIC, bytes));
        byte[] json = utf8(ObservationJson.toJson(r).toString());
        assertEquals(r, d.deserialize(TOPIC, json));
    }
}
