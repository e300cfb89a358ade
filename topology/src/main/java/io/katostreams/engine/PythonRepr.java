package io.katostreams.engine;

import java.util.List;

/**
 * Python 3 {@code repr} of a {@code str} and of a list of events (a list of lists of str), exactly
 * as the reference hashes them for pattern names (spec 03 §12.3, 04 §2.4).
 *
 * <ul>
 *   <li>Quote: {@code "} if the string contains {@code '} and no {@code "}, else {@code '}.</li>
 *   <li>Per code point: backslash and the chosen quote are backslash-escaped; TAB, LF, CR become
 *       {@code \t \n \r}; other code points below U+0020 and U+007F become {@code \xhh}; other
 *       ASCII is literal; from U+0080 up, printable code points ({@link UnicodePrintable},
 *       Unicode 13.0) are literal, others become {@code \xhh}, <code>&#92;uhhhh</code> or
 *       {@code \Uhhhhhhhh} by size. Hex digits are lowercase.</li>
 *   <li>Unpaired surrogates are code points of their own (category Cs), written <code>&#92;udxxx</code>.</li>
 * </ul>
 */
public final class PythonRepr {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PythonRepr() {
    }

    /** Python {@code repr(s)}. */
    public static String repr(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        appendRepr(out, s);
        return out.toString();
    }

    /**
     * Python {@code repr} of a list of events: {@code [} + events joined by {@code ", "} +
     * {@code ]}, each event {@code [} + its strings' repr joined by {@code ", "} + {@code ]}, e.g.
     * {@code [['a', 'b'], ['c']]}.
     */
    public static String repr(List<? extends List<String>> events) {
        StringBuilder out = new StringBuilder(16 * events.size() + 2);
        out.append('[');
        for (int e = 0; e < events.size(); e++) {
            if (e > 0) {
                out.append(", ");
            }
            List<String> event = events.get(e);
            out.append('[');
            for (int i = 0; i < event.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                appendRepr(out, event.get(i));
            }
            out.append(']');
        }
        return out.append(']').toString();
    }

    /** Appends Python {@code repr(s)} to {@code out}. */
    static void appendRepr(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c == 0x7F) {
                appendHex(out.append("\\x"), c, 2);
            } else if (c < 0x7F || UnicodePrintable.isPrintable(c)) {
                out.appendCodePoint(c);
            } else if (c <= 0xFF) {
                appendHex(out.append("\\x"), c, 2);
            } else if (c <= 0xFFFF) {
                appendHex(out.append("\\u"), c, 4);
            } else {
                appendHex(out.append("\\U"), c, 8);
            }
        }
        out.append(quote);
    }

    private static void appendHex(StringBuilder out, int value, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            out.append(HEX[(value >>> shift) & 0xF]);
        }
    }
}
