package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings a session has set explicitly (spec 02 §5). Unset settings resolve to the service
 * defaults through {@link #effective(SessionConfig)}. Immutable; values are Long, Double, Boolean or String.
 */
public final class SessionConfig {

    public static final SessionConfig EMPTY = new SessionConfig(Map.of());

    private final Map<Setting<?>, Object> values;

    private SessionConfig(Map<Setting<?>, Object> values) {
        this.values = values;
    }

    /** A config holding every setting at its declared default; the basis of service defaults. */
    public static SessionConfig declaredDefaults() {
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : SessionSettings.ALL) m.put(s, s.defaultValue());
        return new SessionConfig(Collections.unmodifiableMap(m));
    }

    /**
     * Service defaults from environment variables (spec 02 §4); variables not present keep the
     * declared default. Invalid values fail with the variable name and rule.
     */
    public static SessionConfig fromEnvironment(Map<String, String> env) {
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : SessionSettings.ALL) {
            String text = env.get(s.envVar());
            Object v = text == null || text.isBlank() ? s.defaultValue() : s.parseText(text);
            if (s == SessionSettings.STM_MODE && !SessionSettings.ROLLING.equals(v)) v = SessionSettings.CLEAR;
            m.put(s, v);
        }
        return new SessionConfig(Collections.unmodifiableMap(m));
    }

    /** Rebuilds a config from stored values (setting name → value); unknown names are ignored. */
    public static SessionConfig ofStored(Map<String, ?> stored) {
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : SessionSettings.ALL) {
            Object v = stored.get(s.name());
            if (v != null) m.put(s, normalise(s, v));
        }
        return new SessionConfig(Collections.unmodifiableMap(m));
    }

    private static Object normalise(Setting<?> s, Object v) {
        switch (s.type()) {
            case INTEGER: return ((Number) v).longValue();
            case FLOAT: return ((Number) v).doubleValue();
            default: return v;
        }
    }

    /**
     * The configuration given at session creation (spec 01 §3.1, [QUIRK]): if any known key holds an
     * invalid value, the whole requested configuration is discarded and the session starts with none.
     * An {@code stm_mode} other than CLEAR/ROLLING becomes CLEAR. Null values and unknown keys are ignored.
     */
    public static SessionConfig forCreation(Map<String, ?> requested) {
        if (requested == null) return EMPTY;
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : SessionSettings.ALL) {
            if (!requested.containsKey(s.name())) continue;
            Object raw = requested.get(s.name());
            if (raw == null) continue;
            if (s == SessionSettings.STM_MODE) {
                m.put(s, SessionSettings.ROLLING.equals(raw) ? SessionSettings.ROLLING : SessionSettings.CLEAR);
                continue;
            }
            try {
                m.put(s, s.accept(raw, List.of("body", "config", s.name())));
            } catch (InvalidInputException e) {
                return EMPTY;
            }
        }
        return new SessionConfig(Collections.unmodifiableMap(m));
    }

    /**
     * Applies an update (spec 02 §5.3): the auto-toggle of sort_symbols with use_token_matching, null
     * resets a key, unknown keys are ignored, {@code stm_mode} is stored verbatim (any string). All keys
     * are validated first; if any fails nothing changes.
     *
     * @param locPrefix the path of the update object in the request, e.g. {@code ["body","config"]}
     * @throws InvalidInputException with one error per failing key
     */
    public SessionConfig update(Map<String, ?> update, List<Object> locPrefix) {
        Map<String, Object> u = new LinkedHashMap<>(update);
        String utm = SessionSettings.USE_TOKEN_MATCHING.name();
        String sort = SessionSettings.SORT_SYMBOLS.name();
        if (u.containsKey(utm) && !u.containsKey(sort)) u.put(sort, u.get(utm));

        Map<Setting<?>, Object> m = new LinkedHashMap<>(values);
        List<ValidationError> errors = new ArrayList<>();
        for (Setting<?> s : SessionSettings.ALL) {
            if (!u.containsKey(s.name())) continue;
            Object raw = u.get(s.name());
            if (raw == null) {
                m.remove(s);
                continue;
            }
            List<Object> loc = new ArrayList<>(locPrefix);
            loc.add(s.name());
            try {
                if (s == SessionSettings.STM_MODE) {
                    if (!(raw instanceof String)) {
                        throw new InvalidInputException(List.of(new ValidationError("string_type", loc,
                                "Input should be a valid string (stm_mode: CLEAR or ROLLING)", raw)));
                    }
                    m.put(s, raw);
                } else {
                    m.put(s, s.accept(raw, loc));
                }
            } catch (InvalidInputException e) {
                for (ValidationError ve : e.errors()) {
                    errors.add(new ValidationError(ve.type(), loc, ve.msg(), ve.input()));
                }
            }
        }
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        Map<Setting<?>, Object> ordered = new LinkedHashMap<>();
        for (Setting<?> s : SessionSettings.ALL) {
            if (m.containsKey(s)) ordered.put(s, m.get(s));
        }
        return new SessionConfig(Collections.unmodifiableMap(ordered));
    }

    /** The explicitly set value, or null. */
    public <T> T get(Setting<T> s) {
        @SuppressWarnings("unchecked") T t = (T) values.get(s);
        return t;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The set keys and their values, in declaration order (spec 02 §5.4, what clients see). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<Setting<?>, Object> e : values.entrySet()) m.put(e.getKey().name(), e.getValue());
        return m;
    }

    /** Resolves every setting: this session's value if set, else the service default. */
    public EffectiveConfig effective(SessionConfig defaults) {
        return new EffectiveConfig(
                resolve(SessionSettings.MAX_PATTERN_LENGTH, defaults),
                resolve(SessionSettings.STM_MODE, defaults),
                resolve(SessionSettings.PERSISTENCE, defaults).intValue(),
                resolve(SessionSettings.RECALL_THRESHOLD, defaults),
                resolve(SessionSettings.MAX_PREDICTIONS, defaults).intValue(),
                resolve(SessionSettings.USE_TOKEN_MATCHING, defaults),
                resolve(SessionSettings.SORT_SYMBOLS, defaults),
                resolve(SessionSettings.PROCESS_PREDICTIONS, defaults),
                resolve(SessionSettings.INDEXER_TYPE, defaults),
                resolve(SessionSettings.MAX_PATTERNS_CONSIDERED, defaults),
                SessionSettings.FILTER_EXHAUSTIVE.equals(resolve(SessionSettings.CANDIDATE_FILTER, defaults)));
    }

    private <T> T resolve(Setting<T> s, SessionConfig defaults) {
        T v = get(s);
        if (v != null) return v;
        T d = defaults.get(s);
        return d != null ? d : s.defaultValue();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionConfig c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
