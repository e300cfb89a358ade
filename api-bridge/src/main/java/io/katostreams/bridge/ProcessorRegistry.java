package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.ProcessorId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The nodes this bridge has addressed, reported as the reference's per-node "processors" in
 * {@code /status} and {@code /metrics} (spec 01 §2.2). Informative only: the nodes live in the
 * topology, which has no processor cache to evict.
 */
final class ProcessorRegistry {

    static final int MAX_PROCESSORS = 100;
    static final int EVICTION_TTL_SECONDS = 3600;

    private record Info(String nodeId, long createdAtMs, long lastAccessedMs) {
    }

    private final Clock clock;
    private final String serviceName;
    private final Map<String, Info> nodes = new ConcurrentSkipListMap<>();

    ProcessorRegistry(Clock clock, String serviceName) {
        this.clock = clock;
        this.serviceName = serviceName;
    }

    void touch(String nodeId) {
        long now = clock.millis();
        nodes.merge(ProcessorId.of(nodeId, serviceName), new Info(nodeId, now, now),
                (old, fresh) -> new Info(old.nodeId(), old.createdAtMs(), now));
    }

    /** The {@code processors} object of /status. */
    ObjectNode toJson() {
        long now = clock.millis();
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
