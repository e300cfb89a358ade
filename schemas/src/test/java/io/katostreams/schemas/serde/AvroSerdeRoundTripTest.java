package io.katostreams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.Fixtures;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    static Stream<Object> commandOps() {
        return Fixtures.allOps().stream();
    }

    @ParameterizedTest(name = "Command with {0}")
    @MethodSource("commandOps")
    void everyCommandOperationRoundTrips(Object op) {
        assertRoundTrip(KatoSerdes.commands(), Fixtures.command(op));
    }

    @Test
    void everyOperationOfTheUnionIsCovered() {
        var union = Command.getClassSchema().getField("op").schema().getTypes();
        List<String> covered = Fixtures.allOps().stream().map(o -> o.getClass().getSimpleName()).toList();
        assertEquals(union.stream().map(s -> s.getName()).toList(), covered);
    }

    @Test
    void commandWithNullableFieldsUnsetRoundTrips() {
        Command c = Command.newBuilder().setCorrelationId("c").setNodeId("").setOp(new Observe(
                io.katostreams.schemas.avro.Observation.newBuilder().build())).build();
        Command back = assertRoundTrip(KatoSerdes.commands(), c);
        assertNull(back.getReplyTo());
        assertNull(back.getSessionId());
        assertEquals("{}", ((Observe) back.getOp()).getObservation().getMetadataJson());
    }

    @Test
    void observationRecordRoundTrips() {
        assertRoundTrip(KatoSerdes.observations(), Fixtures.observationRecord());
    }

    @Test
    void replyRoundTrips() {
        assertRoundTrip(KatoSerdes.replies(), Fixtures.reply());
    }

    @Test
    void predictionSetRoundTrips() {
        assertRoundTrip(KatoSerdes.predictions(), Fixtures.predictionSet());
    }

    @Test
    void sessionStateRoundTrips() {
        assertRoundTrip(KatoSerdes.sessions(), Fixtures.sessionState());
    }

    @Test
    void everyKnowledgeItemRoundTrips() {
        for (KnowledgeRecord r : Fixtures.knowledgeRecords()) {
            assertRoundTrip(KatoSerdes.knowledge(), r);
        }
    }

    @Test
    void deadLetterRoundTrips() {
        assertRoundTrip(KatoSerdes.deadLetters(), Fixtures.deadLetter());
    }

    @Test
    void decodedMapsKeepTheirOrderAtEveryDepth() {
        SessionState back = roundTrip(KatoSerdes.sessions(), Fixtures.sessionState());
        List<String> expected = new ArrayList<>(Fixtures.emotives().keySet());
        assertEquals(expected, new ArrayList<>(back.getEmotivesAccumulator().get(0).keySet()));
        PredictionSet p = roundTrip(KatoSerdes.predictions(), Fixtures.predictionSet());
        assertEquals(expected, new ArrayList<>(p.getPredictions().get(0).getEmotives().keySet()));
        ObservationRecord o = roundTrip(KatoSerdes.observations(), Fixtures.observationRecord());
        assertEquals(expected, new ArrayList<>(o.getEmotives().keySet()));
    }

    @Test
    void encodingIsDeterministicAcrossADecodeCycle() {
        // Replaying a record after restoring state must give byte-identical output (design principle 2).
        AvroSerde<SessionState> serde = KatoSerdes.sessions();
        byte[] first = serde.encode(Fixtures.sessionState());
        byte[] again = serde.encode(serde.decode(first));
        assertArrayEquals(first, again);
    }

    @Test
    void negativeZeroAndExtremeDoublesSurvive() {
        ObservationRecord back = roundTrip(KatoSerdes.observations(), Fixtures.observationRecord());
        double negZero = back.getVectors().get(1).get(0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(negZero));
        assertEquals(1e300, back.getVectors().get(1).get(2));
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<SessionState> serde = KatoSerdes.sessions();
        assertNull(serde.serializer().serialize("kato.sessions", null));
        assertNull(serde.deserializer().deserialize("kato.sessions", null));
    }

    @Test
    void valuesStartWithTheSingleObjectMarker() {
        byte[] bytes = KatoSerdes.replies().encode(Fixtures.reply());
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        assertEquals(SchemaHistory.fingerprint(Reply.getClassSchema()), AvroSerde.fingerprintOf(bytes));
    }

    @Test
    void decodingAnotherRecordTypeNamesBothTypes() {
        byte[] reply = KatoSerdes.replies().encode(Fixtures.reply());
        SerializationException e = assertThrows(SerializationException.class,
                () -> KatoSerdes.commands().deserializer().deserialize("kato.commands", reply));
        assertTrue(e.getMessage().startsWith("kato.commands: expected a io.katostreams.schemas.avro.Command record but got io.katostreams.schemas.avro.Reply v2"),
                e.getMessage());
    }

    @Test
    void unknownFingerprintSaysTheWriterMayBeNewer() {
        byte[] bytes = KatoSerdes.replies().encode(Fixtures.reply());
        bytes[2] ^= 0x55; // another fingerprint
        SerializationException e = assertThrows(SerializationException.class,
                () -> KatoSerdes.replies().deserializer().deserialize("kato.replies", bytes));
        assertTrue(e.getMessage().contains("unknown schema") && e.getMessage().contains("upgrade readers before writers"),
                e.getMessage());
    }

    @Test
    void nonAvroAndTruncatedValuesAreRejectedClearly() {
        SerializationException json = assertThrows(SerializationException.class,
                () -> KatoSerdes.replies().deserializer().deserialize("t", "{}".getBytes()));
        assertTrue(json.getMessage().contains("does not start with C3 01"), json.getMessage());
        SerializationException shortOne = assertThrows(SerializationException.class,
                () -> KatoSerdes.replies().decode(new byte[] {(byte) 0xC3, 0x01, 1}));
        assertTrue(shortOne.getMessage().contains("truncated"), shortOne.getMessage());
        byte[] ok = KatoSerdes.replies().encode(Fixtures.reply());
        byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 5);
        SerializationException corrupt = assertThrows(SerializationException.class,
                () -> KatoSerdes.replies().decode(cut));
        assertTrue(corrupt.getMessage().contains("corrupt Reply record"), corrupt.getMessage());
    }

    @Test
    void encodingANullRequiredFieldFailsAsSerializationException() {
        Reply bad = Fixtures.reply();
        bad.setBodyJson(null);
        SerializationException e = assertThrows(SerializationException.class,
                () -> KatoSerdes.replies().serializer().serialize("kato.replies", bad));
        assertTrue(e.getMessage().startsWith("kato.replies: cannot encode Reply"), e.getMessage());
    }

    @Test
    void deadLetterBytesAreKeptExactly() {
        DeadLetter back = roundTrip(KatoSerdes.deadLetters(), Fixtures.deadLetter());
        java.nio.ByteBuffer value = back.getValue().duplicate();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        assertEquals("{\"strings\":[1]}", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static <T extends SpecificRecord> T roundTrip(Serde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("topic", record);
        return serde.deserializer().deserialize("topic", bytes);
    }

    private static <T extends SpecificRecord> T assertRoundTrip(Serde<T> serde, T record) {
        T back = roundTrip(serde, record);
        assertNotSame(record, back);
        assertEquals(record, back);
        return back;
    }
}
