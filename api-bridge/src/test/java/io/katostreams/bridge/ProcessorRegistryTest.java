package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The /status processor list is bounded like the reference's processor cache (02 §6.4). */
class ProcessorRegistryTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static List<String> ids(JsonNode status) {
        List<String> ids = new ArrayList<>();
        status.get("processors").forEach(p -> ids.add(p.get("node_id").asText()));
        return ids;
    }

    @Test
    void keepsTheHundredMostRecentlyAddressedNodes() {
        ProcessorRegistry r = new ProcessorRegistry(clock, "kato");
        for (int i = 0; i < 150; i++) {
            r.touch(String.format("n%03d", i));
            if (i == 100) r.touch("n000"); // n000 addressed again late: it stays
        }
        JsonNode status = r.toJson();
        assertEquals(100, status.get("total_processors").intValue());
        List<String> ids = ids(status);
        assertEquals(100, ids.size());
        assertEquals("n000", ids.get(0));
        assertEquals("n051", ids.get(1), "n001 … n050 were the least recently addressed");
        assertEquals("n149", ids.get(99));
    }

    @Test
    void dropsNodesIdleForTheEvictionTtl() {
        ProcessorRegistry r = new ProcessorRegistry(clock, "kato");
        r.touch("old");
        now = now.plusSeconds(ProcessorRegistry.EVICTION_TTL_SECONDS - 1);
        r.touch("recent");
        assertEquals(List.of("old", "recent"), ids(r.toJson()));
        now = now.plusSeconds(1);
        JsonNode status = r.toJson();
        assertEquals(List.of("recent"), ids(status));
        assertEquals(1, status.get("total_processors").intValue());
        assertEquals("recent_kato", status.get("processors").get(0).get("processor_id").asText());
    }
}
