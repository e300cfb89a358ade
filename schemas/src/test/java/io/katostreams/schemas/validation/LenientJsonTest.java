package io.katostreams.schemas.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec 01 §0.3, the rows not exercised through observations (integer, boolean, string). */
class LenientJsonTest {

    private static final List<Object> LOC = List.of("body", "x");

    private static JsonNode json(String text) {
        return ObservationJson.readBody(text);
    }

    @ParameterizedTest(name = "integer {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "3|3", "-7|-7", "3.0|3", "\"60\"|60", "\" 60 \"|60", "\"60.0\"|60", "true|1", "false|0",
        "9223372036854775807|9223372036854775807", "1e2|100"})
    void acceptedIntegers(String input, long expected) {
        List<ValidationError> errors = new ArrayList<>();
        assertEquals(expected, LenientJson.integer(json(input), LOC, errors));
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @ParameterizedTest(name = "integer {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "3.5|int_from_float", "\"1e3\"|int_parsing", "\"abc\"|int_parsing", "\"3.5\"|int_parsing",
        "null|int_type", "[]|int_type", "{}|int_type", "99999999999999999999|int_parsing", "NaN|finite_number"})
    void rejectedIntegers(String input, String type) {
        List<ValidationError> errors = new ArrayList<>();
        assertNull(LenientJson.integer(json(input), LOC, errors));
        assertEquals(type, errors.get(0).type());
        assertEquals(LOC, errors.get(0).loc());
    }

    @ParameterizedTest(name = "boolean {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "true|true", "false|false", "1|true", "0|false", "\"TRUE\"|true", "\"no\"|false", "\"On\"|true",
        "\"off\"|false", "\"t\"|true", "\"F\"|false", "\"y\"|true", "\"n\"|false", "\"1\"|true", "\"0\"|false"})
    void acceptedBooleans(String input, boolean expected) {
        List<ValidationError> errors = new ArrayList<>();
        assertEquals(expected, LenientJson.bool(json(input), LOC, errors));
        assertTrue(errors.isEmpty());
    }

    @ParameterizedTest(name = "boolean {0} -> {1}")
    @CsvSource(delimiter = '|', value = {"\"maybe\"|bool_parsing", "2|bool_parsing", "null|bool_type", "[]|bool_type"})
    void rejectedBooleans(String input, String type) {
        List<ValidationError> errors = new ArrayList<>();
        assertNull(LenientJson.bool(json(input), LOC, errors));
        assertEquals(type, errors.get(0).type());
    }

    @ParameterizedTest(name = "string {0} -> {1}")
    @CsvSource(delimiter = '|', value = {"\"\"|", "\"a\"|", "1|string_type", "true|string_type", "null|string_type",
        "[]|string_type", "{}|string_type"})
    void strings(String input, String type) {
        List<ValidationError> errors = new ArrayList<>();
        String out = LenientJson.string(json(input), LOC, errors);
        if (type == null) {
            assertEquals(json(input).textValue(), out);
            assertTrue(errors.isEmpty());
        } else {
            assertNull(out);
            assertEquals(type, errors.get(0).type());
        }
    }

    @ParameterizedTest(name = "object/array {0} -> {1}")
    @CsvSource(delimiter = '|', value = {"{}|list_type", "[]|dict_type", "1|dict_type list_type",
        "null|dict_type list_type", "\"{}\"|dict_type list_type"})
    void objectsAndArrays(String input, String expectedTypes) {
        List<ValidationError> errors = new ArrayList<>();
        LenientJson.object(json(input), LOC, errors);
        LenientJson.array(json(input), LOC, errors);
        assertEquals(List.of(expectedTypes.split(" ")), errors.stream().map(ValidationError::type).toList());
    }
}
