package io.katostreams.schemas.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lenient input coercion of spec 01 §0.3, one method per declared type, shared by every
 * request body and by JSON records on topics.
 *
 * <p>Each method returns the coerced value, or {@code null} after appending one
 * {@link ValidationError} at {@code loc} to {@code errors} (so a caller can collect every problem
 * of a body, as the reference does). Nullability is the caller's business: call these only for a
 * present, non-null value or for a field that is not nullable (then JSON null is an error).
 * Numbers are always finite: NaN and ±infinity, whether from the tokens {@code NaN}/{@code Infinity},
 * from strings like {@code "inf"} or from overflow like {@code 1e400}, are rejected with
 * {@code finite_number} (spec 03 §1, required).
 */
public final class LenientJson {

    public static final String MSG_STRING = "Input should be a valid string";
    public static final String MSG_LIST = "Input should be a valid list";
    public static final String MSG_DICT = "Input should be a valid dictionary";
    public static final String MSG_FLOAT = "Input should be a valid number";
    public static final String MSG_FLOAT_PARSING = "Input should be a valid number, unable to parse string as a number";
    public static final String MSG_FINITE = "Input should be a finite number";
    public static final String MSG_INT = "Input should be a valid integer";
    public static final String MSG_INT_PARSING = "Input should be a valid integer, unable to parse string as an integer";
    public static final String MSG_INT_FROM_FLOAT = "Input should be a valid integer, got a number with a fractional part";
    public static final String MSG_BOOL = "Input should be a valid boolean";
    public static final String MSG_BOOL_PARSING = "Input should be a valid boolean, unable to interpret input";
    public static final String MSG_MISSING = "Field required";

    /** Decimal float text as Python's float() accepts it (after stripping whitespace). */
    private static final Pattern FLOAT_TEXT = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    /** Non-finite spellings that lax float parsing accepts and we then reject as non-finite. */
    private static final Pattern NON_FINITE_TEXT = Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
    /** Integer text: digits, optionally with a zero fraction ("60.0"). */
    private static final Pattern INT_TEXT = Pattern.compile("[+-]?[0-9]+(?:\\.0*)?");
    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on", "t", "y", "1");
    private static final Set<String> FALSE_WORDS = Set.of("false", "no", "off", "f", "n", "0");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private LenientJson() {
    }

    /** {@code loc} plus one more part (a member name or an array index). */
    public static List<Object> at(List<Object> loc, Object part) {
        List<Object> l = new ArrayList<>(loc.size() + 1);
        l.addAll(loc);
        l.add(part);
        return l;
    }

    /** string: a JSON string only (empty allowed). */
    public static String string(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        if (v != null && v.isTextual()) {
            return v.textValue();
        }
        errors.add(new ValidationError("string_type", loc, MSG_STRING, v));
        return null;
    }

    /**
     * float: integer or float; numeric string (surrounding whitespace tolerated); boolean (1.0/0.0).
     * Rejected: non-numeric strings ({@code float_parsing}), null and other types
     * ({@code float_type}), non-finite values ({@code finite_number}).
     */
    public static Double finiteFloat(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        double d;
        if (v != null && v.isNumber()) {
            d = v.doubleValue();
        } else if (v != null && v.isBoolean()) {
            d = v.booleanValue() ? 1.0 : 0.0;
        } else if (v != null && v.isTextual()) {
            String s = v.textValue().strip();
            if (FLOAT_TEXT.matcher(s).matches()) {
                d = Double.parseDouble(s);
            } else if (NON_FINITE_TEXT.matcher(s).matches()) {
                d = Double.NaN;
            } else {
                errors.add(new ValidationError("float_parsing", loc, MSG_FLOAT_PARSING, v));
                return null;
            }
        } else {
            errors.add(new ValidationError("float_type", loc, MSG_FLOAT, v));
            return null;
        }
        if (!Double.isFinite(d)) {
            errors.add(new ValidationError("finite_number", loc, MSG_FINITE, v));
            return null;
        }
        return d;
    }

    /**
     * integer: integer; float with zero fraction; integer-valued numeric string ({@code "60"},
     * {@code " 60 "}, {@code "60.0"}); boolean (1/0). Rejected: {@code 3.5}
     * ({@code int_from_float}), {@code "1e3"} and other strings ({@code int_parsing}), null and other
     * types ({@code int_type}); values outside the 64-bit range ({@code int_parsing}).
     */
    public static Long integer(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        if (v != null && v.isIntegralNumber()) {
            if (v.canConvertToLong()) {
                return v.longValue();
            }
        } else if (v != null && v.isNumber()) {
            double d = v.doubleValue();
            if (!Double.isFinite(d)) {
                errors.add(new ValidationError("finite_number", loc, MSG_FINITE, v));
                return null;
            }
            if (d != Math.rint(d)) {
                errors.add(new ValidationError("int_from_float", loc, MSG_INT_FROM_FLOAT, v));
                return null;
            }
            BigInteger big = new BigDecimal(d).toBigIntegerExact();
            if (big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
                return big.longValue();
            }
        } else if (v != null && v.isBoolean()) {
            return v.booleanValue() ? 1L : 0L;
        } else if (v != null && v.isTextual()) {
            String s = v.textValue().strip();
            if (INT_TEXT.matcher(s).matches()) {
                int dot = s.indexOf('.');
                BigInteger big = new BigInteger(dot < 0 ? s : s.substring(0, dot));
                if (big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
                    return big.longValue();
                }
            }
        } else {
            errors.add(new ValidationError("int_type", loc, MSG_INT, v));
            return null;
        }
        errors.add(new ValidationError("int_parsing", loc, MSG_INT_PARSING, v));
        return null;
    }

    /**
     * boolean: {@code true}/{@code false}; the numbers 0 and 1; the strings (any case)
     * true, false, yes, no, on, off, t, f, y, n, 1, 0. Anything else: {@code bool_parsing}
     * (strings and numbers) or {@code bool_type} (null, arrays, objects).
     */
    public static Boolean bool(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        if (v != null && v.isBoolean()) {
            return v.booleanValue();
        }
        if (v != null && v.isNumber()) {
            double d = v.doubleValue();
            if (d == 1.0) {
                return Boolean.TRUE;
            } else if (d == 0.0) {
                return Boolean.FALSE;
            }
            errors.add(new ValidationError("bool_parsing", loc, MSG_BOOL_PARSING, v));
            return null;
        }
        if (v != null && v.isTextual()) {
            String s = v.textValue().toLowerCase(Locale.ROOT);
            if (TRUE_WORDS.contains(s)) {
                return Boolean.TRUE;
            } else if (FALSE_WORDS.contains(s)) {
                return Boolean.FALSE;
            }
            errors.add(new ValidationError("bool_parsing", loc, MSG_BOOL_PARSING, v));
            return null;
        }
        errors.add(new ValidationError("bool_type", loc, MSG_BOOL, v));
        return null;
    }

    /** object: a JSON object only ({@code dict_type} otherwise). */
    public static ObjectNode object(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        if (v != null && v.isObject()) {
            return (ObjectNode) v;
        }
        errors.add(new ValidationError("dict_type", loc, MSG_DICT, v));
        return null;
    }

    /** array: a JSON array only ({@code list_type} otherwise). */
    public static ArrayNode array(JsonNode v, List<Object> loc, List<ValidationError> errors) {
        if (v != null && v.isArray()) {
            return (ArrayNode) v;
        }
        errors.add(new ValidationError("list_type", loc, MSG_LIST, v));
        return null;
    }

    /** A required member that is absent: {@code missing}, input = the enclosing object. */
    public static ValidationError missing(List<Object> loc, JsonNode enclosing) {
        return new ValidationError("missing", loc, MSG_MISSING, enclosing);
    }
}
