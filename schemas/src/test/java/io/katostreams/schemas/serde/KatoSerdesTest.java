package io.katostreams.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.Fixtures;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.json.KatoJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

class KatoSerdesTest {

    @Test
    void generatedPackageIsTrustedByAvro() throws Exception {
        KatoSerdes.commands(); // loads the factory
        String property = System.getProperty(AvroTrust.PROPERTY);
        assertTrue(List.of(property.split(",")).contains(AvroTrust.GENERATED_PACKAGE), property);
        Class<?> generated = Class.forName("io.katostreams.schemas.avro.SessionState", false, getClass().getClassLoader());
        assertTrue(ClassSecurityValidator.getGlobal().isTrusted(generated));
        assertTrue(!ClassSecurityValidator.getGlobal().isTrusted(KatoSerdes.class),
                "only the generated package is trusted, not the whole project");
    }

    @Test
    void outputFormatParsing() {
        assertEquals(OutputFormat.AVRO, OutputFormat.parse(null));
        assertEquals(OutputFormat.AVRO, OutputFormat.parse(" "));
        assertEquals(OutputFormat.AVRO, OutputFormat.parse("Avro"));
        assertEquals(OutputFormat.JSON, OutputFormat.parse(" JSON "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputFormat.parse("xml"));
        assertEquals("KATO_OUTPUT_FORMAT=xml: expected avro or json", e.getMessage());
    }

    @Test
    void jsonOutputWritesNaturalJson() {
        var serializer = KatoSerdes.outputSerializer(PredictionSet.class, OutputFormat.JSON);
        PredictionSet p = Fixtures.predictionSet();
        byte[] bytes = serializer.serialize("kato.predictions", p);
        assertEquals(KatoJson.toJson(p), new String(bytes, StandardCharsets.UTF_8));
        assertNull(serializer.serialize("kato.predictions", null));
    }

    @Test
    void avroOutputIsTheAvroSerde() {
        var serde = KatoSerdes.output(DeadLetter.class, OutputFormat.AVRO);
        DeadLetter d = Fixtures.deadLetter();
        byte[] bytes = serde.serializer().serialize("kato.dead-letters", d);
        assertTrue(AvroSerde.isSingleObjectEncoded(bytes));
        assertEquals(d, serde.deserializer().deserialize("kato.dead-letters", bytes));
    }

    @Test
    void jsonOutputSerdeRefusesToReadBack() {
        var serde = KatoSerdes.output(DeadLetter.class, OutputFormat.JSON);
        byte[] bytes = serde.serializer().serialize("t", Fixtures.deadLetter());
        assertTrue(new String(bytes, StandardCharsets.UTF_8).startsWith("{\"topic\":\"kato.observations\""));
        assertThrows(UnsupportedOperationException.class, () -> serde.deserializer().deserialize("t", bytes));
    }
}
