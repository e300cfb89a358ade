package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec 03 §12.5: Python {@code str} of decoded JSON values, and Python float repr. */
class PythonStrTest {

    /** Decodes like the engine's JSON model: integers as BigInteger, floats as Double, ordered maps. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static String strOfJson(String json) throws Exception {
        return PythonStr.str(JSON.readValue(json, Object.class));
    }

    /** The value → text table of spec 03 §12.5, from JSON text. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "\"Alice\";                     Alice",
        "\"\";                          ``",
        "\"it's\";                      it's",
        "123;                           123",
        "-0;                            0",
        "-17;                           -17",
        "123456789012345678901234567890; 123456789012345678901234567890",
        "45.67;                         45.67",
        "1.0;                           1.0",
        "1e2;                           100.0",
        "0.0001;                        0.0001",
        "1e15;                          1000000000000000.0",
        "1e16;                          1e+16",
        "1e-5;                          1e-05",
        "0.00001;                       1e-05",
        "1.5e-7;                        1.5e-07",
        "123456789012345678.0;          1.2345678901234568e+17",
        "-0.0;                          -0.0",
        "0.0;                           0.0",
        "true;                          True",
        "false;                         False",
        "null;                          None",
        "[1, \"a\", null, true];        `[1, 'a', None, True]`",
        "{\"k\": \"v\", \"n\": [1.5]};  `{'k': 'v', 'n': [1.5]}`",
        "[];                            []",
        "{};                            {}",
        "[[], {}, [[\"x\"]]];           `[[], {}, [['x']]]`",
        "[\"it's\", \"a\\\"b\", \"\\n\"]; `[\"it's\", 'a\"b', '\\n']`",
        "{\"it's\": -1.5e300};          `{\"it's\": -1.5e+300}`",
        "[0.1, 2.5e-5, 1e22, false];    `[0.1, 2.5e-05, 1e+22, False]`",
    })
    void valueTable(String json, String expected) throws Exception {
        assertEquals(expected, strOfJson(json));
    }

    /** Reference test example: {"count": 123, "price": 45.67, "flag": true}. */
    @Test
    void metadataExample() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = JSON.readValue("{\"count\":123,\"price\":45.67,\"flag\":true}", Map.class);
        Map<String, String> texts = new LinkedHashMap<>();
        metadata.forEach((k, v) -> texts.put(k, PythonStr.str(v)));
        assertEquals(Map.of("count", "123", "price", "45.67", "flag", "True"), texts);
        assertEquals(List.of("count", "price", "flag"), List.copyOf(texts.keySet()));
    }

    @Test
    void javaNumberTypesOfTheModel() {
        assertEquals("7", PythonStr.str(7));
        assertEquals("-7", PythonStr.str(-7L));
        assertEquals("3", PythonStr.str((short) 3));
        assertEquals("-2", PythonStr.str((byte) -2));
        assertEquals("0", PythonStr.str(BigInteger.ZERO));
        assertEquals("0.5", PythonStr.str(0.5f));
        assertEquals("0.10000000149011612", PythonStr.str(0.1f), "Float is widened exactly");
        assertEquals("45.67", PythonStr.str(new BigDecimal("45.67")));
        assertEquals("inf", PythonStr.str(new BigDecimal("1e400")), "overflow");
        assertEquals("-inf", PythonStr.str(new BigDecimal("-1e400")));
        assertEquals("0.0", PythonStr.str(new BigDecimal("1e-400")), "underflow");
        assertEquals("[1, 2.0, 'x']", PythonStr.str(Arrays.asList(1, 2.0, "x")));
    }

    @Test
    void mapsKeepMemberOrder() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("z", 1);
        map.put("a", null);
        assertEquals("{'z': 1, 'a': None}", PythonStr.str(map));
    }

    @Test
    void rejectsValuesOutsideTheJsonModel() {
        assertThrows(IllegalArgumentException.class, () -> PythonStr.str(new Object()));
        assertThrows(IllegalArgumentException.class, () -> PythonStr.str(List.of('c')));
        assertThrows(IllegalArgumentException.class, () -> PythonStr.str(Map.of(1, "x")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "0.1;                      0.1",
        "0.30000000000000004;      0.30000000000000004",
        "0.3333333333333333;       0.3333333333333333",
        "100;                      100.0",
        "1e15;                     1000000000000000.0",
        "9999999999999998;         9999999999999998.0",
        "1e16;                     1e+16",
        "1.5e16;                   1.5e+16",
        "0.0001;                   0.0001",
        "0.00012;                  0.00012",
        "0.00009999;               9.999e-05",
        "1e22;                     1e+22",
        "1e100;                    1e+100",
        "-1e-100;                  -1e-100",
        "1.7976931348623157e308;   1.7976931348623157e+308",
        "2.2250738585072014e-308;  2.2250738585072014e-308",
        "4.9e-324;                 5e-324",
        "1e-323;                   1e-323",
        "-2.5;                     -2.5",
        "123.456;                  123.456",
        // JDK 17's Double.toString is not shortest (or not closest) for these
        "1e23;                     1e+23",
        "2e23;                     2e+23",
        "8.41e21;                  8.41e+21",
        "2.82879384806159e17;      2.82879384806159e+17",
        "1.9400994884341945e25;    1.9400994884341945e+25",
        "2.6814475343671142e18;    2.681447534367114e+18",
    })
    void floatRepr(double value, String expected) {
        assertEquals(expected, PythonStr.floatRepr(value));
    }

    @Test
    void floatReprSpecialValues() {
        assertEquals("-0.0", PythonStr.floatRepr(-0.0));
        assertEquals("0.0", PythonStr.floatRepr(0.0));
        assertEquals("inf", PythonStr.floatRepr(Double.POSITIVE_INFINITY));
        assertEquals("-inf", PythonStr.floatRepr(Double.NEGATIVE_INFINITY));
        assertEquals("nan", PythonStr.floatRepr(Double.NaN));
        assertEquals("nan", PythonStr.floatRepr(Double.longBitsToDouble(0xfff8000000000001L)), "negative NaN");
        assertEquals("[nan, inf, -0.0]", PythonStr.str(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, -0.0)));
    }
}
