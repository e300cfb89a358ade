package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec 03 §12.3: Python {@code repr} of str and of a list of events. */
class PythonReprTest {

    @Test
    void quoteChoice() {
        assertEquals("'abc'", PythonRepr.repr("abc"));
        assertEquals("''", PythonRepr.repr(""));
        assertEquals("\"it's\"", PythonRepr.repr("it's"));
        assertEquals("'say \"hi\"'", PythonRepr.repr("say \"hi\""));
        assertEquals("'a\\'b\"c'", PythonRepr.repr("a'b\"c"));
        assertEquals("\"''\"", PythonRepr.repr("''"));
    }

    @Test
    void backslashAndWhitespaceEscapes() {
        assertEquals("'\\\\'", PythonRepr.repr("\\"));
        assertEquals("'back\\\\slash'", PythonRepr.repr("back\\slash"));
        assertEquals("'tab\\there'", PythonRepr.repr("tab\there"));
        assertEquals("'a\\nb\\rc'", PythonRepr.repr("a\nb\rc"));
        assertEquals("'a b'", PythonRepr.repr("a b"));
    }

    @Test
    void controlCharactersBecomeLowercaseHex() {
        assertEquals("'\\x00\\x01\\x0b\\x0c\\x1b\\x1f'", PythonRepr.repr("\0\1\013\f\033\037"));
        assertEquals("'\\x7f'", PythonRepr.repr("\u007f"));
        assertEquals("'\\x80\\x85\\x9f'", PythonRepr.repr("\u0080\u0085\u009f"));
        assertEquals("'\\xa0x'", PythonRepr.repr("\u00a0x"));
        assertEquals("'\\xad'", PythonRepr.repr("\u00ad"));
    }

    @Test
    void nonPrintableBmpAndSupplementaryEscapes() {
        assertEquals("'x\\u200dy'", PythonRepr.repr("x\u200dy"));
        assertEquals("'\\u200b\\u2028\\u3000\\ufeff\\ue000\\uffff'",
                PythonRepr.repr("\u200b\u2028\u3000\ufeff\ue000\uffff"));
        assertEquals("'tag\\U000e0001'", PythonRepr.repr("tag" + new String(Character.toChars(0xE0001))));
        assertEquals("'\\U0001fae0'", PythonRepr.repr(new String(Character.toChars(0x1FAE0))));
        assertEquals("'\\U0010ffff'", PythonRepr.repr(new String(Character.toChars(0x10FFFF))));
    }

    @Test
    void unpairedSurrogatesAreEscapedOneByOne() {
        assertEquals("'\\ud83d'", PythonRepr.repr("\uD83D"));
        assertEquals("'\\ude00a'", PythonRepr.repr("\uDE00a"));
        assertEquals("'\\udc00\\ud800'", PythonRepr.repr("\uDC00\uD800"));
    }

    @Test
    void printableNonAsciiStaysLiteral() {
        assertEquals("'é'", PythonRepr.repr("é"));
        assertEquals("'naïve'", PythonRepr.repr("naïve"));
        assertEquals("'日本'", PythonRepr.repr("日本"));
        assertEquals("'😀'", PythonRepr.repr("😀"));
        assertEquals("'combining e\u0301'", PythonRepr.repr("combining e\u0301"));
    }

    /** The "hashed text" column of the spec 03 §12.3 table. */
    @Test
    void specTableTexts() {
        assertEquals("[['a', 'b'], ['c']]", PythonRepr.repr(List.of(List.of("a", "b"), List.of("c"))));
        assertEquals("[['hello'], ['world']]", PythonRepr.repr(List.of(List.of("hello"), List.of("world"))));
        assertEquals("[['hello', 'world']]", PythonRepr.repr(List.of(List.of("hello", "world"))));
        assertEquals("[['a'], ['b'], ['c']]", PythonRepr.repr(List.of(List.of("a"), List.of("b"), List.of("c"))));
        assertEquals("[['a'], ['a', 'b']]", PythonRepr.repr(List.of(List.of("a"), List.of("a", "b"))));
        assertEquals("[['X'], ['Y'], ['Z']]", PythonRepr.repr(List.of(List.of("X"), List.of("Y"), List.of("Z"))));
        assertEquals("[['', 'a'], ['b']]", PythonRepr.repr(List.of(List.of("", "a"), List.of("b"))));
        assertEquals("[[\"it's\"], ['say \"hi\"']]",
                PythonRepr.repr(List.of(List.of("it's"), List.of("say \"hi\""))));
        assertEquals("[['a\\'b\"c'], ['\\\\']]", PythonRepr.repr(List.of(List.of("a'b\"c"), List.of("\\"))));
        assertEquals("[['tab\\there'], ['back\\\\slash']]",
                PythonRepr.repr(List.of(List.of("tab\there"), List.of("back\\slash"))));
        assertEquals("[['é', 'naïve'], ['日本']]", PythonRepr.repr(List.of(List.of("é", "naïve"), List.of("日本"))));
        assertEquals("[['😀', 'a'], ['b']]", PythonRepr.repr(List.of(List.of("😀", "a"), List.of("b"))));
        assertEquals("[['x\\u200dy'], ['\\x01']]", PythonRepr.repr(List.of(List.of("x\u200dy"), List.of("\u0001"))));
        assertEquals("[['a b'], ['\\xa0x']]", PythonRepr.repr(List.of(List.of("a b"), List.of("\u00a0x"))));
        assertEquals("[['\\x7f'], ['\\x85']]", PythonRepr.repr(List.of(List.of("\u007f"), List.of("\u0085"))));
        assertEquals("[['VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43', 'alpha'], ['beta']]",
                PythonRepr.repr(List.of(List.of("VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", "alpha"),
                        List.of("beta"))));
    }

    @Test
    void emptyListsAndEvents() {
        assertEquals("[]", PythonRepr.repr(List.<List<String>>of()));
        assertEquals("[[]]", PythonRepr.repr(List.of(List.<String>of())));
        assertEquals("[[], ['']]", PythonRepr.repr(List.of(List.<String>of(), List.of(""))));
    }
}
