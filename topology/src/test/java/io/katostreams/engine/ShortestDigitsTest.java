package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shortest round-trip digit generator behind Python float repr and NumPy text. */
class ShortestDigitsTest {

    private static void assertDigits(String digits, int exponent, double d) {
        assertEquals(new ShortestDigits.Digits(digits, exponent), ShortestDigits.of(d), () -> Double.toString(d));
        if (d != 0) {
            assertEquals(new ShortestDigits.Digits(digits, exponent), ShortestDigits.exact(Math.abs(d)));
        }
    }

    @Test
    void knownValues() {
        assertDigits("0", 0, 0.0);
        assertDigits("0", 0, -0.0);
        assertDigits("1", -1, 0.1);
        assertDigits("1", -1, -0.1);
        assertDigits("30000000000000004", -1, 0.1 + 0.2);
        assertDigits("1", 2, 100.0);
        assertDigits("4567", 1, 45.67);
        assertDigits("5", -324, Double.MIN_VALUE);
        assertDigits("1", -323, 2 * Double.MIN_VALUE);
        assertDigits("17976931348623157", 308, Double.MAX_VALUE);
        assertDigits("22250738585072014", -308, Double.MIN_NORMAL);
    }

    /** JDK 17's Double.toString gets these wrong (too long, or not the closest). */
    @Test
    void valuesWhereJdk17DoubleToStringIsNotShortest() {
        assertDigits("1", 23, 1e23);
        assertDigits("2", 23, 2e23);
        assertDigits("841", 21, 8.41e21);
        assertDigits("282879384806159", 17, 2.82879384806159e17);
        assertDigits("19400994884341945", 25, 1.9400994884341945e25);
        assertDigits("2681447534367114", 18, 2.6814475343671142e18);
    }

    /** The Double.toString fast paths (JDK 19+; at most 15 digits before) agree with the exact search. */
    @Test
    void fastPathAgreesWithExactSearch() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            double d;
            switch (i % 4) {
                case 0:
                    d = Double.longBitsToDouble(random.nextLong());
                    break;
                case 1:
                    d = Double.longBitsToDouble(random.nextLong() & 0x000FFFFFFFFFFFFFL); // subnormal
                    break;
                case 2:
                    d = Double.longBitsToDouble(random.nextInt(4096)); // tiny subnormals, 1-2 digits
                    break;
                default:
                    d = Double.parseDouble(String.format("%.3g", random.nextDouble() * Math.pow(10, random.nextInt(60) - 30)));
                    break;
            }
            double abs = Math.abs(d);
            if (abs == 0 || !Double.isFinite(abs)) {
                continue;
            }
            assertEquals(ShortestDigits.exact(abs), ShortestDigits.of(d), () -> Double.toString(abs));
        }
    }

    /** The digits read back as the same double. */
    @Test
    void digitsRoundTrip() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            double d = Math.abs(Double.longBitsToDouble(random.nextLong()));
            if (d == 0 || !Double.isFinite(d)) {
                continue;
            }
            ShortestDigits.Digits sd = ShortestDigits.of(d);
            double back = Double.parseDouble("0." + sd.digits() + "E" + (sd.exponent() + 1));
            assertEquals(d, back);
        }
    }

    @Test
    void roundingKnownValues() {
        assertEquals(new ShortestDigits.Digits("195312", -3), round(0.001953125, 6), "tie, to even");
        assertEquals(new ShortestDigits.Digits("585938", -3), round(0.005859375, 6), "tie, to even");
        assertEquals(new ShortestDigits.Digits("1", 0), round(0.999999999, 8), "carry");
        assertEquals(new ShortestDigits.Digits("33333333", -1), round(1.0 / 3, 8));
        assertEquals(new ShortestDigits.Digits("123456789", 8), round(123456789.0, 9), "nothing to round");
        assertEquals(new ShortestDigits.Digits("1", -1), round(0.1, 3));
        assertEquals(new ShortestDigits.Digits("1", 0), round(0.6, 0), "keep 0: to a unit of the next place");
        assertEquals(new ShortestDigits.Digits("0", 0), round(0.4, 0));
        assertEquals(new ShortestDigits.Digits("0", 0), round(0.5, 0), "exact tie to even (0)");
        assertEquals(new ShortestDigits.Digits("0", 0), round(0.001, -2));
    }

    /** Cutting the shortest digits equals rounding the exact binary value with BigDecimal. */
    @Test
    void roundingAgreesWithExactBigDecimalRounding() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            double d;
            if (i % 2 == 0) {
                d = Math.abs(Double.longBitsToDouble(random.nextLong()));
            } else {
                // dyadic values with short decimal expansions produce exact midpoints
                d = (random.nextInt(1 << 20) + 1) / (double) (1 << random.nextInt(30));
            }
            if (d == 0 || !Double.isFinite(d)) {
                continue;
            }
            int keep = 1 + random.nextInt(17);
            ShortestDigits.Digits rounded = round(d, keep);
            if (ShortestDigits.of(d).digits().length() <= keep) {
                assertEquals(ShortestDigits.of(d), rounded, "short enough: unchanged");
                continue;
            }
            BigDecimal expected = new BigDecimal(d).round(new MathContext(keep, RoundingMode.HALF_EVEN));
            BigDecimal actual = new BigDecimal(new BigInteger(rounded.digits()),
                    rounded.digits().length() - 1 - rounded.exponent());
            double value = d;
            assertEquals(0, expected.compareTo(actual), () -> value + " to " + keep + " digits: " + rounded);
        }
    }

    private static ShortestDigits.Digits round(double abs, int keep) {
        return ShortestDigits.round(abs, ShortestDigits.of(abs), keep);
    }

    @Test
    void rejectsNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ShortestDigits.exact(0.0));
    }
}
