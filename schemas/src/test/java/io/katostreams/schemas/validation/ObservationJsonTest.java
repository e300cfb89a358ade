package io.katostreams.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.avro.Observation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec 01 §4.1 ObservationData, spec 01 §0.3 coercion, spec 03 §1 validation. */
class ObservationJsonTest {

    private static Observation parse(String json) {
        return ObservationJson.parseObservationData(ObservationJson.readBody(json));
    }

    private static RecordValidationException reject(String json) {
        return assertThrows(RecordValidationException.class, () -> parse(json));
    }

    private static List<Object> loc(Object... parts) {
        return Arrays.asList(parts);
    }

    // ------------------------------------------------------------------ valid shapes

    @Test
    void emptyObjectIsAnEmptyObservation() {
        Observation o = parse("{}");
        assertEquals(List.of(), o.getStrings());
        assertEquals(List.of(), o.getVectors());
        assertEquals(Map.of(), o.getEmotives());
        assertEquals("{}", o.getMetadataJson());
        assertNull(o.getUniqueId());
    }

    @Test
    void fullObservationKeepsOrderDuplicatesAndEmptyStrings() {
        Observation o = parse("{\"strings\":[\"world\",\"hello\",\"\",\"hello\"],\"vectors\":[[0.1,0.2],[1,-0.0]],"
                + "\"emotives\":{\"zeta\":0.5,\"joy\":0.8,\"alpha\":0},\"metadata\":{\"book\":\"Alice\"}}");
        assertEquals(List.of("world", "hello", "", "hello"), o.getStrings());
        assertEquals(List.of(List.of(0.1, 0.2), List.of(1.0, -0.0)), o.getVectors());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(o.getVectors().get(1).get(1)),
                "-0.0 keeps its sign (it prints as -0. in the vector's canonical text)");
        assertEquals(List.of("zeta", "joy", "alpha"), new ArrayList<>(o.getEmotives().keySet()));
        assertEquals(0.0, o.getEmotives().get("alpha"));
        assertEquals("{\"book\":\"Alice\"}", o.getMetadataJson());
    }

    @Test
    void unknownMembersAndUniqueIdAreIgnoredForObserve() {
        Observation o = parse("{\"strings\":[\"a\"],\"unique_id\":\"mine\",\"extra\":{\"x\":[1]},\"node_id\":5}");
        assertEquals(List.of("a"), o.getStrings());
        assertNull(o.getUniqueId(), "observe ignores a client unique_id (spec 01 §4.1 quirk)");
    }

    @Test
    void duplicateMembersKeepTheLastValueLikePython() {
        Observation o = parse("{\"emotives\":{\"a\":1,\"b\":2,\"a\":3}}");
        assertEquals(List.of("a", "b"), new ArrayList<>(o.getEmotives().keySet()));
        assertEquals(3.0, o.getEmotives().get("a"));
    }

    @Test
    void metadataTextKeepsIntVersusFloatAndExactValues() {
        Observation o = parse("{\"metadata\":{\"i\":1,\"f\":1.0,\"e\":1e2,\"small\":1e-7,"
                + "\"big\":123456789012345678901234567890,\"neg\":-0.0,\"s\":\"x\",\"n\":null,"
                + "\"a\":[1,2.5,\"t\"],\"o\":{\"k\":true},\"nan\":NaN,\"huge\":1e400}}");
        String text = o.getMetadataJson();
        JsonNode back = ObservationJson.readMetadata(text);
        assertTrue(back.get("i").isIntegralNumber());
        assertTrue(back.get("big").isIntegralNumber());
        assertEquals("123456789012345678901234567890", back.get("big").bigIntegerValue().toString());
        for (String f : List.of("f", "e", "small", "neg", "nan", "huge")) {
            assertTrue(back.get(f).isFloatingPointNumber(), f + " stays a float in " + text);
        }
        assertEquals(100.0, back.get("e").doubleValue());
        assertEquals(1e-7, back.get("small").doubleValue());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get("neg").doubleValue()));
        assertTrue(Double.isNaN(back.get("nan").doubleValue()));
        assertEquals(Double.POSITIVE_INFINITY, back.get("huge").doubleValue());
        assertTrue(text.contains("\"nan\":NaN"), "non-finite metadata stays a bare token: " + text);
        assertEquals(List.of("i", "f", "e", "small", "big", "neg", "s", "n", "a", "o", "nan", "huge"),
                iterableToList(back.fieldNames()));
    }

    @Test
    void observeSequenceItemsReadUniqueIdAtTheirLocation() {
        List<ValidationError> errors = new ArrayList<>();
        JsonNode item = ObservationJson.readBody("{\"strings\":[\"b\"],\"unique_id\":\"custom-2\"}");
        Observation o = ObservationJson.parseObservationItem(item, loc("body", "observations", 1), errors);
        assertEquals("custom-2", o.getUniqueId());
        JsonNode nullId = ObservationJson.readBody("{\"unique_id\":null}");
        assertNull(ObservationJson.parseObservationItem(nullId, loc("body", "observations", 0), errors).getUniqueId());
        assertTrue(errors.isEmpty());

        JsonNode bad = ObservationJson.readBody("{\"unique_id\":7,\"strings\":[1]}");
        assertNull(ObservationJson.parseObservationItem(bad, loc("body", "observations", 2), errors));
        assertEquals(List.of(loc("body", "observations", 2, "strings", 0), loc("body", "observations", 2, "unique_id")),
                errors.stream().map(ValidationError::loc).toList());
        assertEquals("observations[2].strings[0]: Input should be a valid string", errors.get(0).describe());

        errors.clear();
        assertNull(ObservationJson.parseObservationItem(ObservationJson.readBody("[1]"), loc("body", "observations", 0), errors));
        assertEquals("model_type", errors.get(0).type());
    }

    // ------------------------------------------------------------------ lenient coercion

    @Test
    void integersNumericStringsAndBooleansBecomeDoublesInVectors() {
        Observation ints = parse("{\"vectors\":[[1,2,3]]}");
        Observation floats = parse("{\"vectors\":[[1.0,2.0,3.0]]}");
        assertEquals(floats, ints, "[[1,2,3]] is the same observation as [[1.0,2.0,3.0]]");
        Observation coerced = parse("{\"vectors\":[[\"0.5\",\" 1e3 \",true,false,\"-2\",\".5\",\"5.\",\"+1E-2\","
                + "123456789012345678901234567890]]}");
        assertEquals(List.of(0.5, 1000.0, 1.0, 0.0, -2.0, 0.5, 5.0, 0.01, 1.2345678901234568e29),
                coerced.getVectors().get(0));
    }

    @Test
    void integersNumericStringsAndBooleansBecomeDoublesInEmotives() {
        Observation o = parse("{\"emotives\":{\"a\":\"0.5\",\"b\":true,\"c\":3,\"d\":\"\\t7\\n\",\"e\":false}}");
        assertEquals(List.of(0.5, 1.0, 3.0, 7.0, 0.0), new ArrayList<>(o.getEmotives().values()));
    }

    // ------------------------------------------------------------------ spec 03 §1 rejection rows

    static Stream<Arguments> rejectionRows() {
        return Stream.of(
                // strings not an array, or null
                Arguments.of("{\"strings\":\"a\"}", "list_type", loc("body", "strings")),
                Arguments.of("{\"strings\":null}", "list_type", loc("body", "strings")),
                Arguments.of("{\"strings\":{\"a\":1}}", "list_type", loc("body", "strings")),
                // a strings element not a JSON string
                Arguments.of("{\"strings\":[1]}", "string_type", loc("body", "strings", 0)),
                Arguments.of("{\"strings\":[null]}", "string_type", loc("body", "strings", 0)),
                Arguments.of("{\"strings\":[\"ok\",true]}", "string_type", loc("body", "strings", 1)),
                Arguments.of("{\"strings\":[[\"a\"]]}", "string_type", loc("body", "strings", 0)),
                // vectors not an array of arrays
                Arguments.of("{\"vectors\":\"x\"}", "list_type", loc("body", "vectors")),
                Arguments.of("{\"vectors\":null}", "list_type", loc("body", "vectors")),
                Arguments.of("{\"vectors\":[1]}", "list_type", loc("body", "vectors", 0)),
                Arguments.of("{\"vectors\":[[1],\"x\"]}", "list_type", loc("body", "vectors", 1)),
                // a vector element not numeric
                Arguments.of("{\"vectors\":[[1,\"a\"]]}", "float_parsing", loc("body", "vectors", 0, 1)),
                Arguments.of("{\"vectors\":[[null]]}", "float_type", loc("body", "vectors", 0, 0)),
                Arguments.of("{\"vectors\":[[[1]]]}", "float_type", loc("body", "vectors", 0, 0)),
                Arguments.of("{\"vectors\":[[\"\"]]}", "float_parsing", loc("body", "vectors", 0, 0)),
                Arguments.of("{\"vectors\":[[\"1,5\"]]}", "float_parsing", loc("body", "vectors", 0, 0)),
                // emotives not an object
                Arguments.of("{\"emotives\":[1]}", "dict_type", loc("body", "emotives")),
                Arguments.of("{\"emotives\":null}", "dict_type", loc("body", "emotives")),
                Arguments.of("{\"emotives\":\"joy\"}", "dict_type", loc("body", "emotives")),
                // an emotive value not numeric
                Arguments.of("{\"emotives\":{\"joy\":\"high\"}}", "float_parsing", loc("body", "emotives", "joy")),
                Arguments.of("{\"emotives\":{\"joy\":null}}", "float_type", loc("body", "emotives", "joy")),
                Arguments.of("{\"emotives\":{\"joy\":{}}}", "float_type", loc("body", "emotives", "joy")),
                // metadata not an object
                Arguments.of("{\"metadata\":\"x\"}", "dict_type", loc("body", "metadata")),
                Arguments.of("{\"metadata\":[1]}", "dict_type", loc("body", "metadata")),
                Arguments.of("{\"metadata\":null}", "dict_type", loc("body", "metadata")),
                // the body itself
                Arguments.of("[]", "model_attributes_type", loc("body")),
                Arguments.of("\"x\"", "model_attributes_type", loc("body")));
    }

    @ParameterizedTest(name = "{0} -> {1} at {2}")
    @MethodSource("rejectionRows")
    void rejectionRowsGiveTypeAndLoc(String body, String type, List<Object> loc) {
        RecordValidationException e = reject(body);
        assertEquals(1, e.errors().size(), e.getMessage());
        ValidationError error = e.errors().get(0);
        assertEquals(type, error.type());
        assertEquals(loc, error.loc());
        assertEquals(error.describe(), e.getMessage());
    }

    static Stream<Arguments> nonFinite() {
        return Stream.of(
                Arguments.of("NaN"), Arguments.of("Infinity"), Arguments.of("-Infinity"), Arguments.of("1e400"),
                Arguments.of("-1e999"), Arguments.of("\"nan\""), Arguments.of("\"NaN\""), Arguments.of("\"inf\""),
                Arguments.of("\"-inf\""), Arguments.of("\"+INF\""), Arguments.of("\"Infinity\""),
                Arguments.of("\" infinity \""), Arguments.of("\"1e999\""));
    }

    @ParameterizedTest(name = "vector element {0}")
    @MethodSource("nonFinite")
    void nonFiniteVectorElementsAreRejectedAtTheElement(String value) {
        RecordValidationException e = reject("{\"vectors\":[[1.0," + value + "]]}");
        assertEquals("finite_number", e.errors().get(0).type());
        assertEquals(loc("body", "vectors", 0, 1), e.errors().get(0).loc());
        assertEquals("vectors[0][1]: Input should be a finite number", e.getMessage());
    }

    @ParameterizedTest(name = "emotive value {0}")
    @MethodSource("nonFinite")
    void nonFiniteEmotivesAreRejectedAtTheKey(String value) {
        RecordValidationException e = reject("{\"emotives\":{\"joy\":" + value + "}}");
        assertEquals("finite_number", e.errors().get(0).type());
        assertEquals(loc("body", "emotives", "joy"), e.errors().get(0).loc());
    }

    @Test
    void everyProblemIsReportedInMemberOrder() {
        RecordValidationException e = reject("{\"metadata\":1,\"emotives\":{\"a\":\"x\",\"b c\":null},"
                + "\"vectors\":[[1,\"y\"],2],\"strings\":[1,\"ok\",2]}");
        assertEquals(List.of(loc("body", "strings", 0), loc("body", "strings", 2), loc("body", "vectors", 0, 1),
                loc("body", "vectors", 1), loc("body", "emotives", "a"), loc("body", "emotives", "b c"),
                loc("body", "metadata")), e.errors().stream().map(ValidationError::loc).toList());
        assertTrue(e.getMessage().contains("emotives[\"b c\"]: Input should be a valid number"), e.getMessage());
    }

    @Test
    void e2BodyMatchesTheSpecExample() {
        RecordValidationException e = reject("{\"strings\":[1]}");
        assertEquals("{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\",\"strings\",0],"
                + "\"msg\":\"Input should be a valid string\",\"input\":1}]}", e.toDetailBody().toString());
    }

    // ------------------------------------------------------------------ not JSON at all

    @Test
    void missingBodyIsFieldRequired() {
        RecordValidationException e = assertThrows(RecordValidationException.class,
                () -> ObservationJson.readBody((byte[]) null));
        assertEquals("{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}",
                e.errors().get(0).toJson().toString());
        assertThrows(RecordValidationException.class, () -> ObservationJson.readBody(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"strings\": [1,]}", "nope", "{} {}", "{} x", "   ", "{'a': 1}", "[01]"})
    void invalidJsonIsJsonInvalidWithAPosition(String text) {
        RecordValidationException e = assertThrows(RecordValidationException.class, () -> ObservationJson.readBody(text));
        ValidationError error = e.errors().get(0);
        assertEquals("json_invalid", error.type());
        assertEquals("body", error.loc().get(0));
        assertTrue(error.loc().get(1) instanceof Integer, "second loc part is the error position");
        assertEquals("{}", error.input().toString());
        assertTrue(error.ctx().hasNonNull("error"));
        assertTrue(e.getMessage().startsWith("body: JSON decode error ("), e.getMessage());
    }

    /** A lone surrogate would be stored as "?" (UTF-8 cannot hold it): refused where it sits. */
    @Test
    void loneSurrogatesAreRefusedAtTheirLocation() {
        RecordValidationException value = assertThrows(RecordValidationException.class,
                () -> ObservationJson.readBody("{\"strings\": [\"ok\", \"\\ud800\"]}"));
        assertEquals("{\"type\":\"string_unicode\",\"loc\":[\"body\",\"strings\",1],"
                + "\"msg\":\"Input should be a valid string, unable to parse raw data as a unicode string\",\"input\":null}",
                value.errors().get(0).toJson().toString());
        RecordValidationException low = assertThrows(RecordValidationException.class,
                () -> ObservationJson.readBody("{\"metadata\": {\"k\": [\"x\\udfffy\"]}}"));
        assertEquals(List.of("body", "metadata", "k", 0), low.errors().get(0).loc());
        RecordValidationException name = assertThrows(RecordValidationException.class,
                () -> ObservationJson.readBody("{\"emotives\": {\"\\ud83d\": 1}}"));
        assertEquals(List.of("body", "emotives"), name.errors().get(0).loc());
        // a surrogate pair is one valid character
        assertEquals("😀", ObservationJson.readBody("{\"strings\": [\"\\ud83d\\ude00\"]}").get("strings").get(0).textValue());
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
