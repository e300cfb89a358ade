package io.katostreams.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Shortest round-trip decimal digits of a double, as Python's {@code repr(float)} chooses them
 * (David Gay's {@code dtoa} mode 0): the fewest significant digits whose decimal value reads back
 * (round-half-even) as the same double, and among those the one closest to the double's exact
 * value (a tie, which needs an exactly representable midpoint, goes to the even last digit).
 * Used by {@link PythonStr#floatRepr(double)} (spec 03 §12.5) and {@link VectorText} (03 §4.2).
 *
 * <p>The result is independent of the JDK: {@code Double.toString} is used as a fast path only
 * where it provably agrees (JDK 19+ except tiny subnormals; on older JDKs, whose
 * {@code Double.toString} is sometimes neither shortest nor closest, only for results of at most
 * 15 digits); everything else goes through an exact {@link BigDecimal} search, which costs a few
 * microseconds per value.
 */
final class ShortestDigits {

    /** JDK 19 made {@code Double.toString} shortest-and-closest (JDK-4511638). */
    private static final boolean JDK_TO_STRING_IS_SHORTEST = Runtime.version().feature() >= 19;

    /** 17 significant digits always round-trip a double. */
    private static final int MAX_DIGITS = 17;

    private static final MathContext[] HALF_EVEN = new MathContext[MAX_DIGITS + 1];
    private static final MathContext[] UP = new MathContext[MAX_DIGITS + 1];
    private static final MathContext[] DOWN = new MathContext[MAX_DIGITS + 1];

    static {
        for (int p = 1; p <= MAX_DIGITS; p++) {
            HALF_EVEN[p] = new MathContext(p, RoundingMode.HALF_EVEN);
            UP[p] = new MathContext(p, RoundingMode.UP);
            DOWN[p] = new MathContext(p, RoundingMode.DOWN);
        }
    }

    /**
     * The significant digits, without leading or trailing zeros ({@code "0"} for zero), and the
     * decimal exponent of the first digit: the value is {@code 0.digits × 10^(exponent + 1)}, i.e.
     * {@code d.ddd × 10^exponent}.
     */
    record Digits(String digits, int exponent) {
    }

    private static final Digits ZERO = new Digits("0", 0);

    private ShortestDigits() {
    }

    /**
     * Shortest round-trip digits of {@code |d|}.
     *
     * @throws IllegalArgumentException if {@code d} is NaN or infinite
     */
    static Digits of(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not a finite double: " + d);
        }
        double abs = Math.abs(d);
        if (abs == 0.0) {
            return ZERO;
        }
        String javaString = Double.toString(abs);
        Digits fast = parseJavaToString(javaString);
        if (JDK_TO_STRING_IS_SHORTEST) {
            // JDK 19+ may answer with 2 digits where a 1-digit decimal also round-trips (its spec
            // admits lengths 1 and 2 when the minimum is 1). Two distinct decimals of at most 2
            // digits can both read back as one double only when its precision is tiny: subnormals.
            if (fast.digits().length() != 2 || abs >= Double.MIN_NORMAL) {
                return fast;
            }
        } else if (fast.digits().length() <= 15 && abs >= Double.MIN_NORMAL
                && Double.parseDouble(javaString) == abs) {
            // Distinct decimals of at most 15 digits never read back as the same normal double
            // (DBL_DIG), so a round-tripping one this short is the only one of its length or less.
            return fast;
        }
        return exact(abs);
    }

    /**
     * The exact search; package-private for tests. {@code Double.toString} only provides a starting
     * length (JDK 17's is usually, not always, the minimum); every candidate is checked exactly.
     */
    static Digits exact(double abs) {
        if (!(abs > 0.0) || Double.isInfinite(abs)) {
            throw new IllegalArgumentException("not a finite positive double: " + abs);
        }
        RoundTrip interval = new RoundTrip(abs);
        // Lengths admitting a round-tripping decimal are upward closed (append zeros): start at
        // the hint (or 17, which always works) and walk down while a shorter one still exists.
        int p = Math.min(parseJavaToString(Double.toString(abs)).digits().length(), MAX_DIGITS);
        BigDecimal best = interval.candidate(p);
        if (best == null) {
            p = MAX_DIGITS;
            best = interval.candidate(p);
        }
        while (p > 1) {
            BigDecimal shorter = interval.candidate(p - 1);
            if (shorter == null) {
                break;
            }
            best = shorter;
            p--;
        }
        return toDigits(best);
    }

    /** The decimals that read back (round-half-even) as one positive finite double. */
    private static final class RoundTrip {
        private final BigDecimal value;
        private final BigDecimal low;
        private final BigDecimal high;
        /** Midpoints read back as the double with the even significand, so then they belong. */
        private final boolean closed;

        RoundTrip(double abs) {
            BigDecimal half = BigDecimal.valueOf(5, 1);
            value = new BigDecimal(abs);
            // Gaps to the neighbours are exact doubles (a power of two); halved as BigDecimal,
            // because half the smallest subnormal gap is not a double.
            low = value.subtract(new BigDecimal(abs - Math.nextDown(abs)).multiply(half));
            high = value.add(new BigDecimal(Math.ulp(abs)).multiply(half));
            closed = (Double.doubleToRawLongBits(abs) & 1) == 0;
        }

        private boolean contains(BigDecimal c) {
            int lowCmp = c.compareTo(low);
            int highCmp = c.compareTo(high);
            return (lowCmp > 0 || (closed && lowCmp == 0)) && (highCmp < 0 || (closed && highCmp == 0));
        }

        /**
         * The decimal of at most {@code p} significant digits closest to the value among those
         * in the interval, or null if there is none.
         */
        BigDecimal candidate(int p) {
            BigDecimal nearest = value.round(HALF_EVEN[p]);
            if (contains(nearest)) {
                return nearest;
            }
            // The interval contains the value and is convex, so if the nearest p-digit decimal
            // lies outside, only its neighbour on the other side of the value can lie inside.
            BigDecimal other = value.round(nearest.compareTo(value) < 0 ? UP[p] : DOWN[p]);
            return contains(other) ? other : null;
        }
    }

    /**
     * The shortest digits cut to at most {@code keep} significant digits, as NumPy's Dragon4 does
     * with a precision limit: {@code shortest} (= {@code of(abs)}) itself if it has at most
     * {@code keep} digits, else the exact binary value of {@code abs} rounded half-to-even to
     * {@code keep} digits ({@code keep} ≤ 0 rounds to a unit of a higher place). Trailing zeros
     * are stripped; a carry may raise the exponent ({@code 9.9999 → 1e1}).
     *
     * <p>Rounding the shortest digits gives the same result as rounding the exact value, except
     * when the shortest digits sit exactly on a midpoint: no other midpoint can lie between the
     * exact value and its shortest digits, because that midpoint would be an equally short or
     * shorter decimal in the round-trip interval, closer to the value. Only that tie needs the
     * exact value.
     */
    static Digits round(double abs, Digits shortest, int keep) {
        String digits = shortest.digits();
        if (keep >= digits.length()) {
            return shortest;
        }
        if (keep < 1) {
            return exactRound(abs, keep, shortest.exponent());
        }
        // sign of (dropped part - half a unit of the last kept digit)
        int cmp = digits.charAt(keep) - '5';
        if (cmp == 0 && keep + 1 < digits.length()) {
            cmp = 1; // a 5 followed by more (non-zero) digits
        } else if (cmp == 0) {
            // the shortest digits are a midpoint: the exact value decides, half-to-even if equal
            BigDecimal midpoint = new BigDecimal(new BigInteger(digits), digits.length() - 1 - shortest.exponent());
            cmp = new BigDecimal(abs).compareTo(midpoint);
            if (cmp == 0) {
                cmp = (digits.charAt(keep - 1) - '0') % 2 == 0 ? -1 : 1;
            }
        }
        char[] kept = digits.substring(0, keep).toCharArray();
        int exponent = shortest.exponent();
        if (cmp > 0) {
            int i = keep - 1;
            while (i >= 0 && kept[i] == '9') {
                kept[i--] = '0';
            }
            if (i < 0) {
                return new Digits("1", exponent + 1);
            }
            kept[i]++;
        }
        int end = keep;
        while (end > 1 && kept[end - 1] == '0') {
            end--;
        }
        return new Digits(new String(kept, 0, end), exponent);
    }

    /** Rounds the exact value so that its last kept digit has weight 10^(exponent + 1 - keep). */
    private static Digits exactRound(double abs, int keep, int exponent) {
        BigDecimal rounded = new BigDecimal(abs).setScale(keep - exponent - 1, RoundingMode.HALF_EVEN);
        return rounded.signum() == 0 ? ZERO : toDigits(rounded);
    }

    private static Digits toDigits(BigDecimal decimal) {
        BigDecimal stripped = decimal.stripTrailingZeros();
        String unscaled = stripped.unscaledValue().toString();
        // value = unscaled × 10^-scale = d.ddd × 10^(len - 1 - scale)
        return new Digits(unscaled, unscaled.length() - 1 - stripped.scale());
    }

    /** Parses {@code Double.toString} output of a positive finite double ("1.5E-7", "123.45"). */
    private static Digits parseJavaToString(String s) {
        int ePos = s.indexOf('E');
        String mantissa = ePos < 0 ? s : s.substring(0, ePos);
        int exp10 = ePos < 0 ? 0 : Integer.parseInt(s.substring(ePos + 1));
        int dot = mantissa.indexOf('.');
        String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int pointPos = dot + exp10; // digits before the decimal point, relative to `all`
        int first = 0;
        while (all.charAt(first) == '0') {
            first++;
        }
        int last = all.length();
        while (all.charAt(last - 1) == '0') {
            last--;
        }
        return new Digits(all.substring(first, last), pointPos - first - 1);
    }
}
