package io.katostreams.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python {@code str()} of a decoded JSON value: the text under which metadata values are stored
 * on a pattern (spec 03 §12.5).
 *
 * <p>JSON value model (shared across the engine): {@code null}; {@link Boolean}; {@link String};
 * integers as {@link BigInteger} (also {@link Long}, {@link Integer}, {@link Short},
 * {@link Byte}); floats as {@link Double} (also {@link Float}, widened exactly, and
 * {@link BigDecimal}, via {@link BigDecimal#doubleValue()}, as Python's JSON decoder turns a
 * number with {@code .} or an exponent into a float; a BigDecimal cannot carry the sign of
 * {@code -0.0}, so that value must arrive as a Double to print as {@code -0.0}); arrays as
 * {@link List}; objects as {@link Map} with string keys, iterated in member order.
 *
 * <table>
 *   <caption>Value → text</caption>
 *   <tr><td>string</td><td>itself at top level; {@link PythonRepr#repr(String) repr} inside containers</td></tr>
 *   <tr><td>integer</td><td>decimal digits ({@code -0} is {@code 0})</td></tr>
 *   <tr><td>float</td><td>{@link #floatRepr(double)}</td></tr>
 *   <tr><td>true / false / null</td><td>{@code True} / {@code False} / {@code None}</td></tr>
 *   <tr><td>array</td><td>{@code [1, 'a', None, True]}</td></tr>
 *   <tr><td>object</td><td>{@code {'k': 'v', 'n': [1.5]}}</td></tr>
 * </table>
 */
public final class PythonStr {

    private PythonStr() {
    }

    /**
     * Python {@code str(value)}.
     *
     * @throws IllegalArgumentException for a value outside the JSON value model (also nested)
     */
    public static String str(Object jsonValue) {
        if (jsonValue instanceof String) {
            return (String) jsonValue;
        }
        StringBuilder out = new StringBuilder();
        appendRepr(out, jsonValue);
        return out.toString();
    }

    /**
     * Python {@code repr(float)}, which {@code str(float)} equals: shortest round-trip digits
     * ({@link ShortestDigits}); with the decimal exponent e of {@code d.ddd×10^e}, plain notation
     * with at least one fractional digit when −4 ≤ e ≤ 15 ({@code 100.0}, {@code 0.0001},
     * {@code 1000000000000000.0}, {@code -0.0}), else {@code d[.ddd]e±XX} with at least two
     * exponent digits ({@code 1e+16}, {@code 1e-05}, {@code 1.5e-07}); {@code inf}, {@code -inf},
     * {@code nan}.
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        ShortestDigits.Digits sd = ShortestDigits.of(d);
        String digits = sd.digits();
        int e = sd.exponent();
        StringBuilder out = new StringBuilder(24);
        if (Double.doubleToRawLongBits(d) < 0) {
            out.append('-');
        }
        if (e >= -4 && e <= 15) {
            if (e < 0) {
                out.append("0.");
                out.append("0".repeat(-e - 1)).append(digits);
            } else if (digits.length() <= e + 1) {
                out.append(digits).append("0".repeat(e + 1 - digits.length())).append(".0");
            } else {
                out.append(digits, 0, e + 1).append('.').append(digits, e + 1, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(e < 0 ? '-' : '+');
            int abs = Math.abs(e);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        }
        return out.toString();
    }

    /** Appends Python {@code repr(value)}, the form of values nested in lists and dicts. */
    private static void appendRepr(StringBuilder out, Object value) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof String) {
            PythonRepr.appendRepr(out, (String) value);
        } else if (value instanceof Boolean) {
            out.append((Boolean) value ? "True" : "False");
        } else if (value instanceof BigInteger || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(floatRepr(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal) {
            out.append(floatRepr(((BigDecimal) value).doubleValue()));
        } else if (value instanceof List) {
            out.append('[');
            Iterator<?> it = ((List<?>) value).iterator();
            while (it.hasNext()) {
                appendRepr(out, it.next());
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (value instanceof Map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = ((Map<?, ?>) value).entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> member = it.next();
                if (!(member.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object key is not a String: " + member.getKey());
                }
                PythonRepr.appendRepr(out, (String) member.getKey());
                out.append(": ");
                appendRepr(out, member.getValue());
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }
}
