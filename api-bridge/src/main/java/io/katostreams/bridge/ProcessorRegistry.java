package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.ProcessorId;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The nodes this bridge has addressed, reported as the reference's per-node "processors" in
 * {@code /status} and {@code /metrics} (spec 01 §2.2). Informative only: the nodes live in the
 * topology. Bounded like the reference's processor cache (02 §6.4): at most
 * {@link #MAX_PROCESSORS} entries, the least recently addressed dropped first, and an entry idle
 * for {@link #EVICTION_TTL_SECONDS} dropped, so a bridge serving millions of nodes does not grow.
 */
final class ProcessorRegistry {

    static final int MAX_PROCESSORS = 100;
    static final int EVICTION_TTL_SECONDS = 3600;

    private record Info(String nodeId, long createdAtMs, long lastAccessedMs) {
    }

    private final Clock clock;
    private final String serviceName;
    /** Guarded by itself; access order, so the eldest entry is the least recently addressed. */
    private final LinkedHashMap<String, Info> nodes = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Info> eldest) {
            return size() > MAX_PROCESSORS;
        }
    };

    ProcessorRegistry(Clock clock, String serviceName) {
        this.clock = clock;
        this.serviceName = serviceName;
    }

    void touch(String nodeId) {
        long now = clock.millis();
        String pid = ProcessorId.of(nodeId, serviceName);
        synchronized (nodes) {
            Info old = nodes.get(pid);
            nodes.put(pid, old == null ? new Info(nodeId, now, now) : new Info(old.nodeId(), old.createdAtMs(), now));
        }
    }

    /** The live entries by processor id, after dropping those idle for the eviction TTL. */
    private SortedMap<String, Info> live(long now) {
        synchronized (nodes) {
            nodes.values().removeIf(i -> now - i.lastAccessedMs() >= EVICTION_TTL_SECONDS * 1000L);
            return new TreeMap<>(nodes);
        }
    }

    /** The {@code processors} object of /status. */
    ObjectNode toJson() {
        long now = clock.millis();
        SortedMap<String, Info> nodes = live(now);
        ObjectNode o = Http.NODES.objectNode();
        o.put("total_processors", nodes.size());
        o.put("max_processors", MAX_PROCESSORS);
        o.put("eviction_ttl_seconds", EVICTION_TTL_SECONDS);
        ArrayNode list = o.putArray("processors");
        nodes.forEach((pid, info) -> {
            ObjectNode p = list.addObject();
            p.put("processor_id", pid);
            p.put("node_id", info.nodeId());
            p.put("created_at", Http.isoOffset(Instant.ofEpochMilli(info.createdAtMs())));
            p.put("last_accessed", Http.isoOffset(Instant.ofEpochMilli(info.lastAccessedMs())));
            p.put("access_count", 1); // [QUIRK] recorded at creation, never incremented
            p.put("idle_seconds", (now - info.lastAccessedMs()) / 1000.0);
        });
        return o;
    }
}
