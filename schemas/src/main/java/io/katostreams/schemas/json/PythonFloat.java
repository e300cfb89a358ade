package io.katostreams.schemas.json;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code repr(float)} in Java, because the reference's JSON (and its metadata str()
 * texts) print floats that way: shortest round-trip digits, positional notation with at least one
 * fractional digit when the decimal exponent e (of d.ddd×10^e) is in -4..15 ({@code 1.0},
 * {@code 0.0001}, {@code 3.6666666666666665}), otherwise {@code d[.ddd]e±XX} ({@code 1e-05},
 * {@code 1e+16}). Java's {@code Double.toString} differs in the exponent form ({@code 1.0E-5}) and,
 * before JDK 19, is not always the shortest; the digits here come from Jackson's Schubfach
 * implementation, which is shortest on every JDK.
 */
public final class PythonFloat {

    private PythonFloat() {
    }

    /** {@code repr(d)}: also {@code nan}, {@code inf}, {@code -inf}, {@code -0.0}. */
    public static String repr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0.0) {
            return Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0";
        }
        String java = NumberOutput.toString(Math.abs(d), true); // "123.45", "0.001" or "1.2345E-5"
        // Decompose into significant digits (no leading or trailing zeros) and the decimal
        // exponent e of d.ddd×10^e, without BigDecimal: this runs for every float of every reply.
        StringBuilder digits = new StringBuilder(20);
        int exponent;
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int point = mantissa.indexOf('.');
        int firstNonZero = -1;
        for (int i = 0; i < mantissa.length(); i++) {
            char ch = mantissa.charAt(i);
            if (ch == '.') {
                continue;
            }
            if (firstNonZero < 0 && ch != '0') {
                firstNonZero = i;
            }
            if (firstNonZero >= 0) {
                digits.append(ch);
            }
        }
        exponent = (firstNonZero < point ? point - firstNonZero - 1 : point - firstNonZero)
                + (e < 0 ? 0 : Integer.parseInt(java.substring(e + 1)));
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits.setLength(end);
        if (end == 2 && Math.abs(d) < Double.MIN_NORMAL) {
            // Java's algorithm prints at least two digits; Python prints one when one round-trips,
            // which for a two-digit result can only happen among subnormals (5e-324 vs 4.9E-324).
            BigDecimal one = new BigDecimal(digits + "E" + (exponent - 1)).round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (one.doubleValue() == Math.abs(d)) {
                digits.setLength(0);
                digits.append(one.unscaledValue().toString().charAt(0));
                exponent = one.precision() - 1 - one.scale();
            }
        }
        StringBuilder out = new StringBuilder(26);
        if (d < 0) {
            out.append('-');
        }
        int n = digits.length();
        if (exponent >= 0 && exponent <= 15) {
            if (n <= exponent + 1) {
                out.append(digits);
                for (int i = n; i <= exponent; i++) {
                    out.append('0');
                }
                out.append(".0");
            } else {
                out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, n);
            }
            return out.toString();
        }
        if (exponent < 0 && exponent >= -4) {
            out.append("0.");
            for (int i = -1; i > exponent; i--) {
                out.append('0');
            }
            return out.append(digits).toString();
        }
        out.append(digits.charAt(0));
        if (n > 1) {
            out.append('.').append(digits, 1, n);
        }
        int abs = Math.abs(exponent);
        return out.append('e').append(exponent < 0 ? '-' : '+').append(abs < 10 ? "0" : "").append(abs).toString();
    }
}
