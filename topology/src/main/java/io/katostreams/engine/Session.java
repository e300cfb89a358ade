package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's own state (spec 02 §3.2, §6.3): STM, emotive and metadata accumulators, observation
 * counter, configuration, client metadata and its lifetime. Every session of a node has its own;
 * only learned knowledge is shared.
 *
 * <p>Mutable, single writer. Operations that may fail work on a {@link #copy()} so that a failed
 * request leaves the session exactly as it was (spec 03 §2). Times are epoch milliseconds taken
 * from the records that caused the change (decision D4), never from a clock.
 */
public final class Session {

    /** Accumulator entries kept when a session is saved (spec 02 §3.7). */
    public static final int MAX_ACCUMULATOR = 1000;

    private final String sessionId;
    private final String nodeId;
    private final long createdAt;
    private long lastAccessed;
    private long expiresAt;
    private final long ttlSeconds;
    private ShortTermMemory stm;
    private List<Map<String, Double>> emotivesAccumulator;
    private List<Map<String, Object>> metadataAccumulator;
    private long time;
    private final Map<String, Object> metadata;
    private long accessCount;
    private SessionConfig config;
    private long configVersion;
    private long configUpdatedAt;
    /** Summed vectors of the {@code VCTR|} symbols in the STM, kept until they are learned (decision D6). */
    private Map<String, double[]> pendingVectors;

    private Session(String sessionId, String nodeId, long createdAt, long ttlSeconds, Map<String, Object> metadata) {
        this.sessionId = sessionId;
        this.nodeId = nodeId;
        this.createdAt = createdAt;
        this.ttlSeconds = ttlSeconds;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A new session (spec 02 §3.1): empty STM and accumulators, counter 0, expiry = now + TTL. */
    public static Session create(String sessionId, String nodeId, Map<String, Object> metadata, long ttlSeconds,
                                 SessionConfig config, long now) {
        Session s = new Session(sessionId, nodeId, now, ttlSeconds, metadata == null ? Map.of() : metadata);
        s.lastAccessed = now;
        s.expiresAt = now + ttlSeconds * 1000L;
        s.stm = new ShortTermMemory();
        s.emotivesAccumulator = new ArrayList<>();
        s.metadataAccumulator = new ArrayList<>();
        s.config = config;
        s.configVersion = 1;
        s.configUpdatedAt = now;
        s.pendingVectors = new LinkedHashMap<>();
        return s;
    }

    /** Rebuilds a stored session with every field as it was saved. */
    public static Session restore(String sessionId, String nodeId, long createdAt, long lastAccessed, long expiresAt,
                                  long ttlSeconds, List<List<String>> stm, List<Map<String, Double>> emotives,
                                  List<Map<String, Object>> metadataAccumulator, long time,
                                  Map<String, Object> metadata, long accessCount, SessionConfig config,
                                  long configVersion, long configUpdatedAt, Map<String, double[]> pendingVectors) {
        Session s = new Session(sessionId, nodeId, createdAt, ttlSeconds, metadata);
        s.lastAccessed = lastAccessed;
        s.expiresAt = expiresAt;
        s.stm = new ShortTermMemory(stm);
        s.emotivesAccumulator = new ArrayList<>(emotives);
        s.metadataAccumulator = new ArrayList<>(metadataAccumulator);
        s.time = time;
        s.accessCount = accessCount;
        s.config = config;
        s.configVersion = configVersion;
        s.configUpdatedAt = configUpdatedAt;
        s.pendingVectors = new LinkedHashMap<>(pendingVectors);
        return s;
    }

    public Session copy() {
        Session c = new Session(sessionId, nodeId, createdAt, ttlSeconds, metadata);
        c.lastAccessed = lastAccessed;
        c.expiresAt = expiresAt;
        c.stm = stm.copy();
        c.emotivesAccumulator = new ArrayList<>(emotivesAccumulator);
        c.metadataAccumulator = new ArrayList<>(metadataAccumulator);
        c.time = time;
        c.accessCount = accessCount;
        c.config = config;
        c.configVersion = configVersion;
        c.configUpdatedAt = configUpdatedAt;
        c.pendingVectors = new LinkedHashMap<>(pendingVectors);
        return c;
    }

    // ---- lifetime (spec 02 §3.3–3.4) --------------------------------------------------------

    /** Live while {@code now <= expires_at}. */
    public boolean isExpired(long now) {
        return now > expiresAt;
    }

    /** An access of a live session: slides the expiry (when enabled) and counts the access. */
    public void access(long now, boolean slide) {
        accessCount++;
        lastAccessed = now;
        if (slide) expiresAt = now + ttlSeconds * 1000L;
    }

    /** One-off extension (spec 02 §3.4): the session's own TTL is unchanged ([QUIRK]). */
    public void extend(long now, long seconds) {
        expiresAt = now + seconds * 1000L;
    }

    // ---- state changes used by the processors ------------------------------------------------

    /** Empties STM and both accumulators (clear-stm, spec 03 §13); the counter stays. */
    public void clearStm() {
        stm.clear();
        clearAccumulators();
        pendingVectors.clear();
    }

    /** clear-all for the calling session: also resets the counter. */
    public void clearAll() {
        clearStm();
        time = 0;
    }

    void clearAccumulators() {
        emotivesAccumulator.clear();
        metadataAccumulator.clear();
    }

    long tick() {
        return ++time;
    }

    void addEmotives(Map<String, Double> e) {
        emotivesAccumulator.add(Collections.unmodifiableMap(new LinkedHashMap<>(e)));
    }

    void addMetadata(Map<String, Object> m) {
        metadataAccumulator.add(Collections.unmodifiableMap(new LinkedHashMap<>(m)));
    }

    void rememberVector(String name, double[] summed) {
        pendingVectors.put(name, summed);
    }

    /** Drops remembered vectors whose symbols are no longer in the STM. */
    void forgetVectorsNotInStm() {
        if (pendingVectors.isEmpty()) return;
        pendingVectors.keySet().removeIf(name -> !stm.contains(name));
    }

    /** The save rule of spec 02 §3.7: newest 1000 events and accumulator entries. */
    public void trimForSave() {
        stm.trimToNewest(ShortTermMemory.MAX_EVENTS);
        trim(emotivesAccumulator);
        trim(metadataAccumulator);
        forgetVectorsNotInStm();
    }

    private static void trim(List<?> list) {
        if (list.size() > MAX_ACCUMULATOR) list.subList(0, list.size() - MAX_ACCUMULATOR).clear();
    }

    /** Applies a configuration update (spec 02 §5.3); the caller validated it. */
    public void setConfig(SessionConfig newConfig, long now) {
        config = newConfig;
        configVersion++;
        configUpdatedAt = now;
    }

    // ---- reads --------------------------------------------------------------------------------

    public String sessionId() { return sessionId; }
    public String nodeId() { return nodeId; }
    public long createdAt() { return createdAt; }
    public long lastAccessed() { return lastAccessed; }
    public long expiresAt() { return expiresAt; }
    public long ttlSeconds() { return ttlSeconds; }
    public ShortTermMemory stm() { return stm; }
    public List<Map<String, Double>> emotivesAccumulator() { return Collections.unmodifiableList(emotivesAccumulator); }
    public List<Map<String, Object>> metadataAccumulator() { return Collections.unmodifiableList(metadataAccumulator); }
    public long time() { return time; }
    public Map<String, Object> metadata() { return metadata; }
    public long accessCount() { return accessCount; }
    public SessionConfig config() { return config; }
    public long configVersion() { return configVersion; }
    public long configUpdatedAt() { return configUpdatedAt; }
    public Map<String, double[]> pendingVectors() { return Collections.unmodifiableMap(pendingVectors); }
}
