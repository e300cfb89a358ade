package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spec 03 §4.2 and the texts of §4.4. Edge cases beyond the spec were checked against NumPy 2.4.6
 * {@code str(numpy.array(x))}.
 */
class VectorTextTest {

    private static String text(double... x) {
        return VectorText.format(x);
    }

    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    /** The expected text of n copies of one token, wrapped per spec step 8. */
    private static String wrapped(String token, int n) {
        // a line is " " + k tokens each followed by a space; the next token fits while the total stays <= 74
        int perLine = 74 / (token.length() + 1);
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < n; start += perLine) {
            lines.add(String.join(" ", Collections.nCopies(Math.min(perLine, n - start), token)));
        }
        return "[" + String.join("\n ", lines) + "]";
    }

    /** The canonical-text column of spec 03 §4.4 (the summed vectors). */
    @Test
    void specWorkedExamples() {
        assertEquals("[1. 2. 3.]", text(1, 2, 3));
        assertEquals("[0.1 0.2 0.3]", text(0.1, 0.2, 0.3));
        assertEquals("[0.1 0.2 0.3 0.4]", text(0.1, 0.2, 0.3, 0.4));
        assertEquals("[1.5 0.5]", text(1.5, 0.5));
        assertEquals("[0.3 0.3]", text(0.1 + 0.2, 0.2 + 0.1));
        assertEquals("[0.1  0.25]", text(0.1, 0.25));
        assertEquals("[ 1. -2.]", text(1.0, -2.0));
        assertEquals("[-0.5   0.25]", text(-0.5, 0.25));
        assertEquals("[0. 0.]", text(0, 0));
        assertEquals("[]", text());
        assertEquals("[11. 12. 13.]", text(11, 12, 13));
        assertEquals("[0.33333333 0.66666667]", text(0.3333333333333333, 0.6666666666666666));
        assertEquals("[0.00195312]", text(0.001953125));
        assertEquals("[0.00585938]", text(0.005859375));
        assertEquals("[1.e-05 1.e+00]", text(0.00001, 1.0));
        assertEquals("[5.0e-01 1.5e+03]", text(0.5, 1500.0));
        assertEquals("[-1.e-05  0.e+00  3.e+00]", text(-0.00001, 0, 3));
        assertEquals("[1.23456789e+08 1.00000000e+00]", text(123456789.0, 1.0));
        assertEquals("[1.e+100 1.e+000]", text(1e100, 1.0));
        assertEquals("[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19.]",
                text(range(20)));
        assertEquals("[   0.    1.    2. ...  998.  999. 1000.]", text(range(1001)));
    }

    @Test
    void sevenHundredSixtyEightTimesPointOneGivesFortyThreeLines() {
        double[] x = new double[768];
        Arrays.fill(x, 0.1);
        String t = text(x);
        assertEquals(wrapped("0.1", 768), t);
        assertEquals(43, t.split("\n", -1).length);
        for (String line : t.split("\n")) {
            assertTrue(line.length() <= 75, line);
        }
    }

    @Test
    void summarisationStartsAboveOneThousand() {
        String thousand = text(range(1000));
        assertEquals(-1, thousand.indexOf("..."));
        assertEquals(1000, thousand.substring(1, thousand.length() - 1).trim().split("\\s+").length);

        double[] x = range(1001);
        x[500] = -7;
        assertEquals("[   0.    1.    2. ...  998.  999. 1000.]", text(x), "middle values are not shown");
    }

    @Test
    void modeAndWidthsComeFromTheShownValuesOnly() {
        double[] x = new double[1200];
        Arrays.fill(x, 1e300);
        x[3] = Double.NaN;
        x[600] = -5e-324;
        x[0] = 0;
        x[1] = 1;
        x[2] = 2;
        x[1197] = 11;
        x[1198] = 12;
        x[1199] = 13;
        assertEquals("[ 0.  1.  2. ... 11. 12. 13.]", text(x));
    }

    @Test
    void negativeZero() {
        assertEquals("[-0.]", text(-0.0));
        assertEquals("[ 0. -0.]", text(0.0, -0.0));
        assertEquals("[-0.e+00  1.e-05]", text(-0.0, 1e-5));
    }

    @Test
    void positionalRounding() {
        assertEquals("[1.]", text(0.999999999));
        assertEquals("[1.00000001]", text(1.0000000051));
        assertEquals("[12345678.12345679]", text(12345678.123456789));
        assertEquals("[99999999.]", text(99999999.0));
        assertEquals("[0.0001 0.1   ]", text(0.0001, 0.1));
        assertEquals("[   2.5 1234.5]", text(2.5, 1234.5));
    }

    @Test
    void modeThresholds() {
        assertEquals("[1.e+08]", text(1e8));
        assertEquals("[1.000e-04 1.001e-01]", text(0.0001, 0.1001), "ratio just above 1000");
        assertEquals("[0.0001 0.1   ]", text(0.0001, 0.1), "ratio 1000 (in doubles) is not above 1000");
    }

    @Test
    void scientificWidths() {
        assertEquals("[1.23456789e+11]", text(123456789012.0));
        assertEquals("[ 1.5e+300 -2.0e+000]", text(1.5e300, -2.0));
        assertEquals("[1.e-100 1.e+000]", text(1e-100, 1.0));
        assertEquals("[ 5.e-01 -1.e-07]", text(0.5, -1e-7));
        assertEquals("[1.23456789e-05 1.00000000e+00]", text(1.23456789e-5, 1.0));
    }

    @Test
    void subnormalsShowExactDigitsWhenPadded() {
        assertEquals("[5.e-324 5.e-001]", text(5e-324, 0.5));
        assertEquals("[9.9e-324 2.5e-001]", text(1e-323, 0.25));
    }

    @Test
    void nonFiniteValues() {
        assertEquals("[nan inf]", text(Double.NaN, Double.POSITIVE_INFINITY));
        assertEquals("[ nan -inf]", text(Double.NaN, Double.NEGATIVE_INFINITY));
        assertEquals("[nan  1.]", text(Double.NaN, 1.0));
        assertEquals("[   inf -2.5    0.125]", text(Double.POSITIVE_INFINITY, -2.5, 0.125));
        assertEquals("[1.e-05   -inf]", text(1e-5, Double.NEGATIVE_INFINITY));
    }
}
