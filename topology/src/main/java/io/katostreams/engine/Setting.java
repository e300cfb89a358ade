package io.katostreams.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A typed configuration key carrying its name, environment variable, default, validation and
 * documentation in one place. Values arrive either as decoded JSON (the engine's plain JSON
 * model: {@code BigInteger}/{@code Long}/{@code Integer}, {@code Double}, {@code Boolean},
 * {@code String}) or as environment text; both paths apply the same rule.
 *
 * @param <T> the Java type of the value: {@code Long}, {@code Double}, {@code Boolean} or {@code String}
 */
public final class Setting<T> {

    /** The value types a setting can have. */
    public enum Type { INTEGER, FLOAT, BOOLEAN, STRING }

    private final String name;
    private final String envVar;
    private final Type type;
    private final T defaultValue;
    private final Double min;
    private final Double max;
    private final Set<String> allowed;
    private final String doc;

    private Setting(String name, String envVar, Type type, T defaultValue, Double min, Double max,
                    Set<String> allowed, String doc) {
        this.name = name;
        this.envVar = envVar;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        // sorted, so that rules and error messages read the same on every run
        this.allowed = allowed == null ? null : java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(allowed));
        this.doc = doc;
    }

    public static Setting<Long> integer(String name, String envVar, long def, Long min, Long max, String doc) {
        return new Setting<>(name, envVar, Type.INTEGER, def, min == null ? null : min.doubleValue(),
                max == null ? null : max.doubleValue(), null, doc);
    }

    public static Setting<Double> decimal(String name, String envVar, double def, Double min, Double max, String doc) {
        return new Setting<>(name, envVar, Type.FLOAT, def, min, max, null, doc);
    }

    public static Setting<Boolean> bool(String name, String envVar, boolean def, String doc) {
        return new Setting<>(name, envVar, Type.BOOLEAN, def, null, null, null, doc);
    }

    /** A string setting; {@code allowed} null means any string. */
    public static Setting<String> text(String name, String envVar, String def, Set<String> allowed, String doc) {
        return new Setting<>(name, envVar, Type.STRING, def, null, null, allowed, doc);
    }

    public String name() { return name; }
    public String envVar() { return envVar; }
    public Type type() { return type; }
    public T defaultValue() { return defaultValue; }
    public String doc() { return doc; }
    public Optional<Set<String>> allowed() { return Optional.ofNullable(allowed); }

    /** Human description of the valid values, for documentation and error messages. */
    public String rule() {
        switch (type) {
            case INTEGER:
            case FLOAT: {
                String kind = type == Type.INTEGER ? "integer" : "number";
                if (min != null && max != null) return kind + " " + fmt(min) + " … " + fmt(max);
                if (min != null) return kind + " ≥ " + fmt(min);
                if (max != null) return kind + " ≤ " + fmt(max);
                return kind;
            }
            case BOOLEAN:
                return "boolean";
            default:
                return allowed == null ? "string" : "one of " + String.join(", ", allowed);
        }
    }

    /**
     * Validates a decoded JSON value. {@code loc} is the path used in the error.
     *
     * @return the value converted to this setting's Java type
     * @throws InvalidInputException naming the path and the rule
     */
    public T accept(Object json, List<Object> loc) {
        Object v;
        switch (type) {
            case INTEGER: v = asInteger(json, loc); break;
            case FLOAT: v = asFloat(json, loc); break;
            case BOOLEAN:
                if (!(json instanceof Boolean)) throw error("bool_type", "Input should be a valid boolean", json, loc);
                v = json;
                break;
            default:
                if (!(json instanceof String s)) throw error("string_type", "Input should be a valid string", json, loc);
                if (allowed != null && !allowed.contains(s)) {
                    throw error("literal_error", "Input should be " + String.join(", ", allowed.stream()
                            .map(a -> "'" + a + "'").toList()), json, loc);
                }
                v = s;
        }
        checkRange(v, json, loc);
        @SuppressWarnings("unchecked") T t = (T) v;
        return t;
    }

    /** Parses environment or property text with the same rules (lenient boolean words allowed). */
    public T parseText(String text) {
        String s = text.trim();
        List<Object> loc = List.of(envVar == null ? name : envVar);
        Object json;
        switch (type) {
            case INTEGER:
            case FLOAT:
                try {
                    json = s.matches("[+-]?\\d+") ? (Object) new BigInteger(s) : (Object) Double.valueOf(s);
                } catch (NumberFormatException e) {
                    throw error(type == Type.INTEGER ? "int_parsing" : "float_parsing",
                            "Input should be a valid " + (type == Type.INTEGER ? "integer" : "number"), text, loc);
                }
                break;
            case BOOLEAN:
                json = parseBooleanWord(s);
                if (json == null) throw error("bool_parsing", "Input should be a valid boolean", text, loc);
                break;
            default:
                json = s;
        }
        return accept(json, loc);
    }

    static Boolean parseBooleanWord(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "t": case "y": case "1": return Boolean.TRUE;
            case "false": case "no": case "off": case "f": case "n": case "0": return Boolean.FALSE;
            default: return null;
        }
    }

    private Long asInteger(Object json, List<Object> loc) {
        if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
            return ((Number) json).longValue();
        }
        if (json instanceof BigInteger b) {
            if (b.bitLength() > 63) throw error("int_parsing", "Input should be a valid integer, unable to parse", json, loc);
            return b.longValue();
        }
        if (json instanceof Double || json instanceof Float || json instanceof BigDecimal) {
            double d = ((Number) json).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e18) return (long) d;
            if (Double.isFinite(d) && d == Math.rint(d)) {
                // integral, but beyond what is stored (a 64-bit integer)
                throw error("int_parsing", "Input should be a valid integer, unable to parse", json, loc);
            }
            throw error("int_from_float", "Input should be a valid integer, got a number with a fractional part", json, loc);
        }
        throw error("int_type", "Input should be a valid integer", json, loc);
    }

    private Double asFloat(Object json, List<Object> loc) {
        if (json instanceof Number n && !(json instanceof Boolean)) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) throw error("finite_number", "Input should be a finite number", json, loc);
            return d;
        }
        throw error("float_type", "Input should be a valid number", json, loc);
    }

    private void checkRange(Object v, Object json, List<Object> loc) {
        if (!(v instanceof Number n)) return;
        double d = n.doubleValue();
        if (min != null && d < min) {
            throw error("greater_than_equal", "Input should be greater than or equal to " + fmt(min), json, loc);
        }
        if (max != null && d > max) {
            throw error("less_than_equal", "Input should be less than or equal to " + fmt(max), json, loc);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private InvalidInputException error(String code, String msg, Object input, List<Object> loc) {
        return new InvalidInputException(List.of(new ValidationError(code, loc, msg + " (" + name + ": " + rule() + ")", input)));
    }

    @Override
    public String toString() {
        return name;
    }
}
