package io.katostreams.topology;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodePrefixPartitionerTest {

    private static int partition(String key, int n) {
        return new NodePrefixPartitioner().partitions("kato.knowledge", key.getBytes(StandardCharsets.UTF_8), null, n)
                .orElseThrow().iterator().next();
    }

    @Test
    void everyItemOfANodeGoesToOnePartition() {
        for (String node : new String[]{"alice_kato", "bob_kato", "project_x_kato", "_kato"}) {
            int p = partition(node + "/totals", 12);
            assertEquals(p, partition(node + "/pattern/395314cc2f2880a00c3e6e11f1e02d8b8c45a0e4", 12));
            assertEquals(p, partition(node + "/symbol/a/b", 12));
            assertEquals(p, partition(node + "/cleared", 12));
        }
    }

    @Test
    void nodesSpreadOverPartitions() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100; i++) used.add(partition("node" + i + "_kato/totals", 6));
        assertTrue(used.size() > 3, "used " + used);
    }
}
