package io.katostreams.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical text of a summed observation vector: NumPy's default {@code str()} of a 1-D
 * float64 array (precision 8, line width 75, summarisation above 1000 elements with 3 edge
 * items), exactly as spec 03 §4.2 specifies it. Examples: {@code []}, {@code [1. 2. 3.]},
 * {@code [0.1  0.25]}, {@code [ 1. -2.]}, {@code [1.e-05 1.e+00]},
 * {@code [   0.    1.    2. ...  998.  999. 1000.]}; long vectors wrap onto lines of at most 75
 * characters (continuation lines start with a space).
 *
 * <p>The text is pure ASCII; its SHA-1 is the vector symbol ({@link VectorSymbol}).
 */
public final class VectorText {

    private static final int PRECISION = 8;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    /** 75 minus the closing bracket. */
    private static final int LINE_LIMIT = 74;

    private VectorText() {
    }

    /** NumPy {@code str(numpy.array(x, dtype=float64))} per spec 03 §4.2. */
    public static String format(double[] x) {
        int n = x.length;
        if (n == 0) {
            return "[]";
        }
        boolean summarise = n > THRESHOLD;
        double[] shown = summarise
                ? new double[] {x[0], x[1], x[2], x[n - 3], x[n - 2], x[n - 1]}
                : x;

        List<String> tokens = scientific(shown) ? scientificTokens(shown) : positionalTokens(shown);
        if (summarise) {
            tokens.add(EDGE_ITEMS, "...");
        }
        return wrap(tokens);
    }

    /** Spec step 3: the mode is chosen from the shown finite non-zero magnitudes. */
    private static boolean scientific(double[] shown) {
        double max = 0.0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : shown) {
            if (Double.isFinite(v) && v != 0.0) {
                double a = Math.abs(v);
                max = Math.max(max, a);
                min = Math.min(min, a);
            }
        }
        return max > 0.0 && (max >= 1e8 || min < 1e-4 || max / min > 1000.0);
    }

    /** Spec step 4: {@code [-]INT.FRAC}, INT right-aligned and FRAC left-aligned. */
    private static List<String> positionalTokens(double[] shown) {
        int count = shown.length;
        String[] ints = new String[count];
        String[] fracs = new String[count];
        int intWidth = 0;
        int fracWidth = 0;
        for (int i = 0; i < count; i++) {
            double v = shown[i];
            if (!Double.isFinite(v)) {
                continue;
            }
            String plain = positional(v);
            int dot = plain.indexOf('.');
            ints[i] = plain.substring(0, dot);
            fracs[i] = plain.substring(dot + 1);
            intWidth = Math.max(intWidth, ints[i].length());
            fracWidth = Math.max(fracWidth, fracs[i].length());
        }
        int width = nonFiniteAwareWidth(shown, intWidth + 1 + fracWidth);
        intWidth = width - 1 - fracWidth;
        List<String> tokens = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            if (ints[i] == null) {
                tokens.add(padLeft(nonFinite(shown[i]), width));
            } else {
                tokens.add(padLeft(ints[i], intWidth) + '.' + padRight(fracs[i], fracWidth));
            }
        }
        return tokens;
    }

    /**
     * {@code [-]INT.FRAC} of one finite value: its shortest round-trip digits in plain notation,
     * or, when those need more than 8 fractional digits, the exact value rounded half-to-even to 8
     * fractional digits; trailing fractional zeros removed (FRAC may be empty).
     */
    private static String positional(double v) {
        String sign = Double.doubleToRawLongBits(v) < 0 ? "-" : "";
        ShortestDigits.Digits sd = ShortestDigits.of(v);
        if (sd.digits().length() - 1 - sd.exponent() > PRECISION) {
            sd = ShortestDigits.round(Math.abs(v), sd, sd.exponent() + 1 + PRECISION);
        }
        String digits = sd.digits();
        int e = sd.exponent();
        int fractionDigits = digits.length() - 1 - e;
        if (digits.equals("0")) {
            return sign + "0.";
        }
        if (e < 0) {
            return sign + "0." + "0".repeat(-e - 1) + digits;
        }
        if (fractionDigits <= 0) {
            return sign + digits + "0".repeat(-fractionDigits) + ".";
        }
        return sign + digits.substring(0, e + 1) + '.' + digits.substring(e + 1);
    }

    /**
     * Spec step 5: {@code [-]d.ddde±XX} with a common mantissa precision P and exponent width.
     * One refinement over the spec text, taken from NumPy: a subnormal value whose shortest digits
     * are fewer than P + 1 shows its exact value rounded to P + 1 digits instead of zero padding.
     */
    private static List<String> scientificTokens(double[] shown) {
        int count = shown.length;
        String[] signs = new String[count];
        String[] mantissaDigits = new String[count];
        int[] exponents = new int[count];
        int precision = 0;
        int exponentWidth = 2;
        int intWidth = 0;
        for (int i = 0; i < count; i++) {
            double v = shown[i];
            if (!Double.isFinite(v)) {
                continue;
            }
            ShortestDigits.Digits sd = ShortestDigits.round(Math.abs(v), ShortestDigits.of(v), PRECISION + 1);
            String digits = sd.digits();
            int e = sd.exponent();
            signs[i] = Double.doubleToRawLongBits(v) < 0 ? "-" : "";
            mantissaDigits[i] = digits;
            exponents[i] = e;
            precision = Math.max(precision, digits.length() - 1);
            exponentWidth = Math.max(exponentWidth, Integer.toString(Math.abs(e)).length());
            intWidth = Math.max(intWidth, signs[i].length() + 1);
        }
        int width = nonFiniteAwareWidth(shown, intWidth + 1 + precision + 2 + exponentWidth);
        List<String> tokens = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            if (mantissaDigits[i] == null) {
                tokens.add(padLeft(nonFinite(shown[i]), width));
                continue;
            }
            String digits = mantissaDigits[i];
            int e = exponents[i];
            if (digits.length() - 1 < precision && isSubnormal(shown[i])) {
                // NumPy prints the missing mantissa digits from the exact binary value (rounded
                // half-to-even), not as zeros: 5e-324 next to 0.5 is 4.9e-324. For normal doubles
                // both agree (the exact value is within 2^-53 relative of the shortest digits).
                BigDecimal exact = new BigDecimal(Math.abs(shown[i]))
                        .round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
                digits = exact.unscaledValue().toString();
                e = digits.length() - 1 - exact.scale();
            }
            StringBuilder t = new StringBuilder(width);
            t.append(signs[i]).append(digits.charAt(0)).append('.').append(digits, 1, digits.length());
            t.append("0".repeat(precision - (digits.length() - 1)));
            t.append('e').append(e < 0 ? '-' : '+').append(padZeros(Math.abs(e), exponentWidth));
            tokens.add(padLeft(t.toString(), width));
        }
        return tokens;
    }

    /**
     * Spec step 6: the common token width, widened if needed so that {@code nan} and {@code inf}
     * fit, or {@code -inf} when a negative infinity is shown (NumPy widens the integer part).
     */
    private static int nonFiniteAwareWidth(double[] shown, int finiteWidth) {
        boolean nonFinite = false;
        boolean negativeInfinity = false;
        for (double v : shown) {
            nonFinite |= !Double.isFinite(v);
            negativeInfinity |= v == Double.NEGATIVE_INFINITY;
        }
        if (!nonFinite) {
            return finiteWidth;
        }
        return Math.max(finiteWidth, negativeInfinity ? 4 : 3);
    }

    private static boolean isSubnormal(double v) {
        return v != 0.0 && Math.abs(v) < Double.MIN_NORMAL;
    }

    private static String nonFinite(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        return v > 0 ? "inf" : "-inf";
    }

    /** Spec step 8: NumPy's line wrapping at width 75 with a one-space hanging indent. */
    private static String wrap(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(80).append(' ');
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (line.length() + t.length() > LINE_LIMIT && line.length() > 1) {
                out.append(stripTrailing(line)).append('\n');
                line.setLength(0);
                line.append(' ');
            }
            line.append(t);
            if (i < tokens.size() - 1) {
                line.append(' ');
            }
        }
        out.append(line);
        return "[" + out.substring(1) + "]";
    }

    private static CharSequence stripTrailing(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.subSequence(0, end);
    }

    private static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String padZeros(int value, int width) {
        return padLeft(Integer.toString(value), width).replace(' ', '0');
    }
}
