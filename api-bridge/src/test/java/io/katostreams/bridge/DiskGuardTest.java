package io.katostreams.bridge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The disk guard's decision, its recovery and the requests it refuses (issue 16). */
class DiskGuardTest {
    private long free = 500;
    private long total = 1000;
    private boolean failing;

    private final DiskGuard.Space space = new DiskGuard.Space() {
        @Override
        public long free() throws IOException {
            if (failing) throw new IOException("gone");
            return free;
        }

        @Override
        public long total() {
            return total;
        }
    };

    @Test
    void tripsPastThePercentageOrUnderTheFloorAndLiftsByItself() {
        List<Boolean> changes = new ArrayList<>();
        DiskGuard g = new DiskGuard(Path.of("/data"), space, 90, 50, 600_000); // the sampler never fires here
        g.start(() -> changes.add(g.refusing()));
        try {
            assertFalse(g.refusing());
            assertNull(g.issue());
            free = 101; // 89.9 % used
            assertFalse(g.sample().refusing());
            free = 99; // 90.1 %
            assertTrue(g.sample().refusing());
            assertTrue(g.issue().startsWith("Disk nearly full: /data is 90.1 % used"), g.issue());
            assertTrue(g.refusal().startsWith("insufficient storage"));
            total = 100_000;
            free = 49; // a tiny share used, but under the floor of 50 bytes
            assertTrue(g.sample().refusing());
            free = 60_000;
            assertFalse(g.sample().refusing(), "space returned");
            failing = true;
            assertFalse(g.sample().refusing(), "an unreadable disk keeps the last decision");
            assertTrue(g.issue().contains("unreadable"));
            assertEquals(List.of(true, false), changes, "one notification per change");
        } finally {
            g.close();
        }
    }

    @Test
    void refusesOnlyRequestsThatGrowKnowledgeOrAnStm() {
        assertTrue(DiskGuard.isGrowth("POST", "/sessions/s-1/observe"));
        assertTrue(DiskGuard.isGrowth("POST", "/sessions/s-1/observe-sequence"));
        assertTrue(DiskGuard.isGrowth("POST", "/sessions/s-1/learn/"));
        assertTrue(DiskGuard.isGrowth("POST", "/observe"));
        assertTrue(DiskGuard.isGrowth("POST", "/learn"));
        assertFalse(DiskGuard.isGrowth("GET", "/sessions/s-1/predictions"));
        assertFalse(DiskGuard.isGrowth("POST", "/sessions/s-1/clear-stm"));
        assertFalse(DiskGuard.isGrowth("POST", "/sessions"));
        assertFalse(DiskGuard.isGrowth("DELETE", "/sessions/s-1"));
        assertFalse(DiskGuard.isGrowth("POST", "/sessions/a/b/observe"));
    }
}
