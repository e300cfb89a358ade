package io.katostreams.schemas.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.schemas.Fixtures;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KatoJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode tree(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    @Test
    void predictionIsTheRestObjectOfSpec01ByteForByte() {
        // The example response of spec 01 §4.7, member order and float texts included.
        String expected = "{\"type\":\"prototypical\",\"name\":\"f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a\",\"frequency\":1,"
                + "\"emotives\":{},\"matches\":[\"x\",\"y\"],\"past\":[],\"present\":[[\"x\"],[\"y\"]],\"missing\":[[],[]],"
                + "\"extras\":[[],[]],\"potential\":3.6666666666666665,\"evidence\":0.6666666666666666,\"similarity\":0.8,"
                + "\"fragmentation\":0.0,\"snr\":1.0,\"entropy\":0.0,\"normalized_entropy\":0.6309297535714574,"
                + "\"global_normalized_entropy\":0.6666666666666666,\"confluence\":0.0,\"predictive_information\":0.8,"
                + "\"sequence\":[[\"x\"],[\"y\"],[\"z\"]],\"future\":[[\"z\"]],\"confidence\":1.0,\"itfdf_similarity\":1.0,"
                + "\"pattern_probability\":1.0,\"weighted_strength\":0.8}";
        assertEquals(expected, KatoJson.toJson(Fixtures.prediction()));
        assertEquals(25, Prediction.getClassSchema().getFields().size());
    }

    @Test
    void predictionsResponseHasTheShapeOfSpec04() throws Exception {
        String body = KatoJson.predictionsResponse("s-1", List.of(Fixtures.prediction()), List.of(Fixtures.futurePotential()));
        JsonNode n = tree(body);
        assertEquals(List.of("predictions", "future_potentials", "session_id", "processor_id", "count", "time", "unique_id"),
                names(n));
        assertEquals(1, n.get("count").intValue());
        assertTrue(n.get("processor_id").isNull() && n.get("time").isNull() && n.get("unique_id").isNull());
        assertTrue(body.contains("\"future_potentials\":[{\"future\":[[\"z\"]],\"aggregate_potential\":1.0,"
                + "\"supporting_patterns\":1,\"total_weighted_frequency\":0.8}]"), body);
    }

    @Test
    void predictionSetIsNaturalJson() throws Exception {
        JsonNode n = tree(new String(KatoJson.toJsonBytes(Fixtures.predictionSet()), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("node_id", "session_id", "unique_id", "time", "observed_at", "predictions", "future_potentials"),
                names(n));
        assertEquals("2025-01-01T12:00:00.123000Z", n.get("observed_at").textValue());
        assertEquals(List.of("zeta", "joy", "alpha", "fear"), names(n.get("predictions").get(0).get("emotives")));
        assertEquals(2, n.get("predictions").size());
    }

    @Test
    void jsonTextFieldsAreEmbedded() throws Exception {
        JsonNode reply = tree(KatoJson.toJson(Fixtures.reply()));
        assertEquals(List.of("correlation_id", "reply_to", "status", "body", "session_id", "node_id", "session_expires_at"), names(reply));
        assertEquals("SESSION_NOT_FOUND", reply.get("body").get("error").get("code").textValue());

        JsonNode session = tree(KatoJson.toJson(Fixtures.sessionState()));
        assertEquals("demo", session.get("metadata").get("client").textValue());
        assertEquals(2, session.get("metadata_accumulator").get(1).get("page").intValue());
        assertEquals("ROLLING", session.get("session_config").get("stm_mode").textValue());
        assertTrue(session.get("session_config").get("persistence").isNull());
        assertEquals("2025-01-01T13:00:05.123000Z", session.get("expires_at").textValue());

        JsonNode pattern = tree(KatoJson.toJson(Fixtures.knowledgeRecords().get(0)));
        assertEquals("PatternDoc", pattern.get("item").get("type").textValue());
        assertTrue(pattern.get("item").get("emotives").isArray());
        assertEquals(List.of("page", "book"), names(pattern.get("item").get("metadata")));
    }

    @Test
    void emptyObjectEmotivesStayAnObject() throws Exception {
        KnowledgeRecord r = Fixtures.knowledgeRecords().get(0);
        ((io.katostreams.schemas.avro.PatternDoc) r.getItem()).setEmotivesJson("{}");
        assertTrue(tree(KatoJson.toJson(r)).get("item").get("emotives").isObject(), "the {} versus [] quirk survives");
    }

    @Test
    void unionsOfRecordsCarryTheirTypeAndBytesAreBase64() throws Exception {
        List<String> types = new ArrayList<>();
        for (KnowledgeRecord r : Fixtures.knowledgeRecords()) {
            types.add(tree(KatoJson.toJson(r)).get("item").get("type").textValue());
        }
        assertEquals(List.of("PatternDoc", "SymbolDoc", "SymbolDoc", "TotalsDoc", "VectorDoc", "NodeCleared"), types);
        JsonNode dl = tree(KatoJson.toJson(Fixtures.deadLetter()));
        assertEquals("YWxpY2U=", dl.get("key").textValue());
        assertEquals("strings[0]: Input should be a valid string", dl.get("reason").textValue());
        JsonNode cmd = tree(KatoJson.toJson(Fixtures.command(Fixtures.allOps().get(0))));
        assertEquals("CreateSession", cmd.get("op").get("type").textValue());
        assertEquals(3, cmd.get("op").get("config").get("max_pattern_length").intValue());
    }

    @Test
    void embeddedNumbersFollowPythonRepr() {
        String json = KatoJson.toJson(Fixtures.observationRecord());
        assertTrue(json.contains("\"vectors\":[[1.0,2.0,3.0],[-0.0,1e-07,1e+300]]"), json);
        assertTrue(json.contains("\"metadata\":{\"count\":123,\"price\":45.67,\"flag\":true,\"x\":null}"), json);
    }

    @ParameterizedTest(name = "repr({0}) = {1}")
    @CsvSource({
        "1.0, 1.0", "0.1, 0.1", "100.0, 100.0", "0.0001, 0.0001", "0.00001, 1e-05", "1e16, 1e+16",
        "1e15, 1000000000000000.0", "1.5e-7, 1.5e-07", "123456789012345678, 1.2345678901234568e+17",
        "3.6666666666666665, 3.6666666666666665", "0.6000000000000001, 0.6000000000000001", "-2.5, -2.5",
        "-0.0, -0.0", "0.0, 0.0", "4.9e-324, 5e-324", "1.7976931348623157e308, 1.7976931348623157e+308",
        "1e22, 1e+22", "1e23, 1e+23", "2e-7, 2e-07", "45.67, 45.67"})
    void pythonRepr(double value, String expected) {
        assertEquals(expected, PythonFloat.repr(value));
    }

    /**
     * repr's string arithmetic against the plain BigDecimal formulation of the same rule, over
     * doubles of every magnitude (random bit patterns) and short decimals (random d.dd×10^k).
     */
    @Test
    void reprAgreesWithBigDecimalFormulation() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            double d = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong())
                    : random.nextInt(-99_999, 100_000) * Math.pow(10, random.nextInt(-30, 30));
            if (Double.isFinite(d) && d != 0) {
                assertEquals(bigDecimalRepr(d), PythonFloat.repr(d), () -> "bits " + Double.doubleToRawLongBits(d));
            }
        }
        for (double d : new double[] {Double.MIN_VALUE, 2 * Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_NORMAL,
            1e7, 9999999.999999998, 0.001, 0.0009999999999999998, 1e-4, 1e-5, 9.999999999999999e15}) {
            assertEquals(bigDecimalRepr(d), PythonFloat.repr(d), () -> "value " + d);
            assertEquals(d, Double.parseDouble(PythonFloat.repr(d)));
        }
    }

    private static String bigDecimalRepr(double d) {
        java.math.BigDecimal shortest = new java.math.BigDecimal(
                com.fasterxml.jackson.core.io.NumberOutput.toString(d, true)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            java.math.BigDecimal one = shortest.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            if (one.doubleValue() == d) {
                shortest = one.stripTrailingZeros();
            }
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent <= 15) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int abs = Math.abs(exponent);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" + abs : Integer.toString(abs));
    }

    @Test
    void nonFiniteRepr() {
        assertEquals("nan", PythonFloat.repr(Double.NaN));
        assertEquals("inf", PythonFloat.repr(Double.POSITIVE_INFINITY));
        assertEquals("-inf", PythonFloat.repr(Double.NEGATIVE_INFINITY));
    }

    @Test
    void isoTimestamps() {
        assertEquals("2025-01-01T12:00:00Z", KatoJson.isoZ(Instant.parse("2025-01-01T12:00:00Z")));
        assertEquals("2025-01-01T12:00:00.123456Z", KatoJson.isoZ(Instant.parse("2025-01-01T12:00:00.123456789Z")));
        assertEquals("2025-01-01T12:00:00.123000+00:00", KatoJson.isoOffset(Instant.parse("2025-01-01T12:00:00.123Z")));
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
