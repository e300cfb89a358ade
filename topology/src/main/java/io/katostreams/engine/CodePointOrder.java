package io.katostreams.engine;

import java.util.Comparator;

/**
 * Orders strings by their sequence of Unicode code points, lexicographically, a proper prefix
 * first: Python's default {@code str} order (spec 03 §3). Case-sensitive, no locale, no
 * natural-number ordering, and consistent with {@code equals}.
 *
 * <p>Differs from {@link String#compareTo}, which compares UTF-16 code units, exactly when a
 * supplementary character (above U+FFFF) meets a character in U+E000…U+FFFF at the first
 * difference: {@code "～"} (U+FF5E) sorts before {@code "😀"} (U+1F600) here, after it there.
 * Unpaired surrogates count as the code points U+D800…U+DFFF, as in Python.
 */
public final class CodePointOrder {

    /** The order as a {@link Comparator}, for {@code List.sort} and sorted collections. */
    public static final Comparator<String> INSTANCE = CodePointOrder::compare;

    private CodePointOrder() {
    }

    /**
     * Compares by code point sequence.
     *
     * @return negative, zero or positive as {@code a} sorts before, equal to or after {@code b}
     */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                if (!Character.isSurrogate(ca) && !Character.isSurrogate(cb)) {
                    return ca - cb;
                }
                // The strings agree before i. If a high surrogate precedes i (in both) and pairs
                // with a low surrogate at i in either string, the differing code points start at
                // i - 1 (a pair may face another pair or a lone high surrogate); else at i.
                boolean pairedBefore = i > 0 && Character.isHighSurrogate(a.charAt(i - 1))
                        && (Character.isLowSurrogate(ca) || Character.isLowSurrogate(cb));
                int at = pairedBefore ? i - 1 : i;
                return Integer.compare(a.codePointAt(at), b.codePointAt(at));
            }
        }
        return a.length() - b.length();
    }
}
