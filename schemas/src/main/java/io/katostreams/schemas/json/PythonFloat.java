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
        BigDecimal shortest = new BigDecimal(NumberOutput.toString(d, true)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            // Java's algorithm prints at least two digits; Python prints one when one round-trips
            // (only subnormals differ, e.g. 5e-324 vs Java's 4.9E-324).
            BigDecimal one = shortest.round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (one.doubleValue() == d) {
                shortest = one.stripTrailingZeros();
            }
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent <= 15) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int abs = Math.abs(exponent);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" + abs : Integer.toString(abs));
    }
}
