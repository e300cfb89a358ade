package io.katostreams.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Python's notion of a "printable" code point, pinned to Unicode 13.0 (the reference's Python
 * 3.10 character database): printable unless the general category is Cc, Cf, Cs, Co, Cn, Zl, Zp
 * or Zs; U+0020 SPACE is printable. Spec 03 §12.3, 04 §2.4.
 *
 * <p>The answer never depends on the running JDK's Unicode version (Java 18+ carry newer data), so
 * pattern names stay stable: it comes from the resource {@code unicode13-nonprintable.txt},
 * generated once from JDK 17 by {@code UnicodeTableGenerator} (topology test sources).
 */
public final class UnicodePrintable {

    private static final String RESOURCE = "unicode13-nonprintable.txt";

    /** Sorted, disjoint, non-adjacent inclusive ranges of non-printable code points. */
    private static final int[] STARTS;
    private static final int[] ENDS;

    static {
        int[][] table = load();
        STARTS = table[0];
        ENDS = table[1];
    }

    private UnicodePrintable() {
    }

    /**
     * Whether Python 3.10's {@code str.isprintable} holds for the code point, i.e. whether
     * {@code repr} writes it literally (for code points of U+0080 and above).
     *
     * @param codePoint any int; values outside U+0000…U+10FFFF are not printable
     */
    public static boolean isPrintable(int codePoint) {
        if (codePoint < 0 || codePoint > Character.MAX_CODE_POINT) {
            return false;
        }
        if (codePoint >= 0x20 && codePoint < 0x7F) {
            return true;
        }
        int i = Arrays.binarySearch(STARTS, codePoint);
        if (i >= 0) {
            return false;
        }
        int range = -i - 2; // the last range starting below codePoint
        return range < 0 || codePoint > ENDS[range];
    }

    private static int[][] load() {
        InputStream in = UnicodePrintable.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("missing resource io/katostreams/engine/" + RESOURCE);
        }
        int[] starts = new int[1024];
        int[] ends = new int[1024];
        int n = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int dash = line.indexOf('-');
                int start = Integer.parseInt(line.substring(0, dash), 16);
                int end = Integer.parseInt(line.substring(dash + 1), 16);
                if (end < start || (n > 0 && start <= ends[n - 1] + 1)) {
                    throw new IllegalStateException(RESOURCE + ": ranges not sorted and disjoint at " + line);
                }
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * n);
                    ends = Arrays.copyOf(ends, 2 * n);
                }
                starts[n] = start;
                ends[n] = end;
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new int[][] {Arrays.copyOf(starts, n), Arrays.copyOf(ends, n)};
    }
}
