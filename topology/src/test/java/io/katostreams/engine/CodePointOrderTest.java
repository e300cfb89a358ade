package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec 03 §3: strings are ordered by Unicode code point sequence. */
class CodePointOrderTest {

    private static List<String> sorted(String... strings) {
        List<String> list = new ArrayList<>(Arrays.asList(strings));
        list.sort(CodePointOrder.INSTANCE);
        return list;
    }

    /** Every row of the spec 03 §3 example table; {@code |} separates the strings. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "z|a|m;                                 a|m|z",
        "Zoo|Apple|apple;                       Apple|Zoo|apple",
        "test_2|test_1|test_10;                 test_1|test_10|test_2",
        "10|2|1|20|100|3;                       1|10|100|2|20|3",
        "!special|@symbol|#hash;                !special|#hash|@symbol",
        "zebra|Zebra|ZEBRA|apple|Apple|APPLE;   APPLE|Apple|ZEBRA|Zebra|apple|zebra",
        "école|zebra|åpple|ñoño|normal;         normal|zebra|åpple|école|ñoño",
        "a|a;                                   a|a",
    })
    void specTableRows(String input, String expected) {
        assertEquals(List.of(expected.split("\\|")), sorted(input.split("\\|")));
    }

    @Test
    void emptyStringSortsFirst() {
        assertEquals(List.of("", "a", "middle", "z"), sorted("z", "", "a", "middle"));
    }

    @Test
    void fullwidthTildeSortsBeforeEmojiUnlikeStringCompareTo() {
        String tilde = "\uFF5E"; // ～
        String grinning = "\uD83D\uDE00"; // 😀 U+1F600
        assertTrue(CodePointOrder.compare(tilde, grinning) < 0);
        assertTrue(CodePointOrder.compare(grinning, tilde) > 0);
        assertTrue(tilde.compareTo(grinning) > 0, "UTF-16 order differs, which is the point");
        assertEquals(List.of(tilde, grinning), sorted(grinning, tilde));
        assertEquals(List.of("x" + tilde, "x" + grinning), sorted("x" + grinning, "x" + tilde));
    }

    @Test
    void properPrefixSortsFirst() {
        assertTrue(CodePointOrder.compare("ab", "abc") < 0);
        assertTrue(CodePointOrder.compare("abc", "ab") > 0);
        assertEquals(0, CodePointOrder.compare("abc", "abc"));
        assertEquals(0, CodePointOrder.compare("", ""));
    }

    @Test
    void unpairedSurrogatesCompareAsTheirOwnCodePoints() {
        String pair = "\uD83D\uDE00"; // U+1F600
        String loneHighThenX = "\uD83Dx"; // U+D83D, 'x'
        String loneHighTwice = "\uD83D\uD83D";
        assertTrue(CodePointOrder.compare(pair, loneHighThenX) > 0);
        assertTrue(CodePointOrder.compare(loneHighThenX, pair) < 0);
        assertTrue(CodePointOrder.compare(pair, loneHighTwice) > 0);
        assertTrue(CodePointOrder.compare("\uDC00", "\uE000") < 0); // U+DC00 < U+E000
        assertTrue(CodePointOrder.compare("\uE000", pair) < 0);
    }

    /** Against a direct definition (compare the int[] of code points) on random strings. */
    @Test
    void agreesWithCodePointArrayComparison() {
        Random random = new Random(20240317);
        char[] alphabet = {'a', 'b', 'Z', '\u00e9', '\uE000', '\uFF5E', '\uFFFF', '\uD800', '\uD83D',
            '\uDBFF', '\uDC00', '\uDE00', '\uDFFF'};
        for (int i = 0; i < 200_000; i++) {
            String a = randomString(random, alphabet);
            String b = random.nextInt(4) == 0 ? a + randomString(random, alphabet) : randomString(random, alphabet);
            int expected = Integer.signum(Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
            assertEquals(expected, Integer.signum(CodePointOrder.compare(a, b)), () -> escape(a) + " vs " + escape(b));
        }
    }

    private static String randomString(Random random, char[] alphabet) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            s.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
        return out.toString();
    }
}
