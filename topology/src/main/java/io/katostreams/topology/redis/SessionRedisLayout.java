package io.katostreams.topology.redis;

import io.katostreams.engine.SessionSettings;
import io.katostreams.engine.Setting;
import io.katostreams.schemas.avro.SessionConfig;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.json.KatoJson;
import io.katostreams.topology.PlainJson;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * How one session of topic kato.sessions looks in Redis (design "Naming"; the founding
 * documents' layout of spec 05 §4.4, not the reference's single {@code kato:session:<id>} string):
 *
 * <table>
 *   <caption>Keys of one session; all three expire at the session's {@code expires_at}</caption>
 *   <tr><th>key</th><th>type</th><th>value</th></tr>
 *   <tr><td>{@code session:<id>}</td><td>hash</td><td>{@link #hash fields}: node_id, created_at,
 *       expires_at, last_accessed (ISO-8601 UTC, {@code +00:00} like the session record of spec 05
 *       §4.3), ttl_seconds, time, access_count (decimal), config (JSON object of the session
 *       settings that are set, spec 02 §5.4), metadata (the client metadata JSON)</td></tr>
 *   <tr><td>{@code session:<id>:stm}</td><td>string</td><td>the STM as JSON, an array of events,
 *       each an array of symbols, oldest first</td></tr>
 *   <tr><td>{@code session:<id>:emotives}</td><td>string</td><td>the emotive accumulator as JSON,
 *       an array of objects (emotive → number), oldest first</td></tr>
 * </table>
 *
 * <p>Pure functions, no I/O. Numbers in JSON follow the project's rules (floats printed like
 * Python, see {@link PlainJson}).
 */
public final class SessionRedisLayout {

    /**
     * Written by the mirror (without TTL) with a random value when it finds it missing. Its
     * disappearance means Redis lost its data (restart without persistence, FLUSHALL), and a new
     * value means somebody asked for a rebuild; either way the mirror rewrites every session.
     */
    public static final String EPOCH_KEY = "kato:mirror:epoch";

    private static final String PREFIX = "session:";

    private SessionRedisLayout() {
    }

    /** {@code session:<id>}, the hash. */
    public static String hashKey(String sessionId) {
        return PREFIX + sessionId;
    }

    /** {@code session:<id>:stm}, the STM string. */
    public static String stmKey(String sessionId) {
        return PREFIX + sessionId + ":stm";
    }

    /** {@code session:<id>:emotives}, the emotive accumulator string. */
    public static String emotivesKey(String sessionId) {
        return PREFIX + sessionId + ":emotives";
    }

    /** The three keys of a session: hash, STM, emotives. */
    public static String[] keys(String sessionId) {
        return new String[] {hashKey(sessionId), stmKey(sessionId), emotivesKey(sessionId)};
    }

    /** The fields of {@code session:<id>}, in the order listed in the class comment. */
    public static Map<String, String> hash(SessionState s) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("node_id", s.getNodeId());
        h.put("created_at", iso(s.getCreatedAt()));
        h.put("expires_at", iso(s.getExpiresAt()));
        h.put("last_accessed", iso(s.getLastAccessed()));
        h.put("ttl_seconds", Long.toString(s.getTtlSeconds()));
        h.put("time", Long.toString(s.getTime()));
        h.put("access_count", Long.toString(s.getAccessCount()));
        h.put("config", configJson(s.getSessionConfig()));
        h.put("metadata", s.getMetadataJson());
        return h;
    }

    /** The value of {@code session:<id>:stm}, e.g. {@code [["a","b"],["c"]]}. */
    public static String stmJson(SessionState s) {
        return PlainJson.write(s.getStm());
    }

    /** The value of {@code session:<id>:emotives}, e.g. {@code [{"joy":0.5}]}. */
    public static String emotivesJson(SessionState s) {
        return PlainJson.write(s.getEmotivesAccumulator());
    }

    /**
     * The settings that are set (non-null), in {@link SessionSettings#ALL} order, e.g.
     * {@code {"max_pattern_length":3,"stm_mode":"ROLLING"}}; {@code {}} when none is. This is the
     * {@code session_config} clients see (spec 02 §5.4). The Avro record names its fields after
     * the settings; bookkeeping fields (version, updated_at) are left out.
     */
    public static String configJson(SessionConfig config) {
        Map<String, Object> set = new LinkedHashMap<>();
        Schema schema = config.getSchema();
        for (Setting<?> setting : SessionSettings.ALL) {
            Schema.Field field = schema.getField(setting.name());
            Object value = field == null ? null : config.get(field.pos());
            if (value != null) {
                set.put(setting.name(), value instanceof CharSequence text ? text.toString() : value);
            }
        }
        return PlainJson.write(set);
    }

    private static String iso(Instant t) {
        return KatoJson.isoOffset(t);
    }
}
