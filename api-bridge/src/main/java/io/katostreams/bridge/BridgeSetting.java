package io.katostreams.bridge;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting of the bridge: its environment variable, default, rule and documentation in one
 * place (the same pattern as the topology's {@code io.katostreams.engine.Setting}; the bridge does
 * not depend on the topology module, so it has this small copy).
 *
 * <p>A missing or blank variable means the default. A value that breaks the rule fails start-up
 * with a message naming the variable and the rule: a bridge never runs with a setting it did not
 * understand.
 *
 * @param <T> Long, Boolean or String
 */
public final class BridgeSetting<T> {

    private final String envVar;
    private final T defaultValue;
    private final String rule;
    private final String doc;
    private final Function<String, T> parser;

    private BridgeSetting(String envVar, T defaultValue, String rule, String doc, Function<String, T> parser) {
        this.envVar = envVar;
        this.defaultValue = defaultValue;
        this.rule = rule;
        this.doc = doc;
        this.parser = parser;
    }

    /** An integer in {@code [min, max]}. */
    public static BridgeSetting<Long> integer(String envVar, long def, long min, long max, String doc) {
        // worded like the topology's Setting, so a variable both read documents one rule
        String rule = max == Long.MAX_VALUE ? "integer ≥ " + min : "integer " + min + " … " + max;
        return new BridgeSetting<>(envVar, def, rule, doc, text -> {
            long v;
            try {
                v = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw invalid(envVar, text, rule);
            }
            if (v < min || v > max) {
                throw invalid(envVar, text, rule);
            }
            return v;
        });
    }

    /** A boolean: true/false, yes/no, on/off, 1/0 (any case). */
    public static BridgeSetting<Boolean> bool(String envVar, boolean def, String doc) {
        String rule = "boolean (true/false, yes/no, on/off, 1/0)";
        return new BridgeSetting<>(envVar, def, rule, doc, text -> {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1": return Boolean.TRUE;
                case "false": case "no": case "off": case "0": return Boolean.FALSE;
                default: throw invalid(envVar, text, rule);
            }
        });
    }

    /** One of {@code choices} (compared in lower case); the value is returned in lower case. */
    public static BridgeSetting<String> choice(String envVar, String def, java.util.List<String> choices, String doc) {
        String rule = "one of " + String.join(", ", choices);
        return new BridgeSetting<>(envVar, def, rule, doc, text -> {
            String v = text.trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(v)) {
                throw invalid(envVar, text, rule);
            }
            return v;
        });
    }

    /** Any text; {@code def} may be null (the setting is then optional). */
    public static BridgeSetting<String> text(String envVar, String def, String doc) {
        return new BridgeSetting<>(envVar, def, "string", doc, String::trim);
    }

    public String envVar() {
        return envVar;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String rule() {
        return rule;
    }

    public String doc() {
        return doc;
    }

    /** The value in {@code env}, or the default when absent or blank. */
    public T read(Map<String, String> env) {
        String text = env.get(envVar);
        return text == null || text.isBlank() ? defaultValue : parser.apply(text);
    }

    /** Parses one text value with this setting's rule. */
    public T parse(String text) {
        return parser.apply(Objects.requireNonNull(text, "text"));
    }

    private static IllegalArgumentException invalid(String envVar, String text, String rule) {
        return new IllegalArgumentException(envVar + "='" + text + "' is invalid: expected " + rule);
    }

    @Override
    public String toString() {
        return envVar + " (" + rule + ", default " + defaultValue + "): " + doc;
    }
}
