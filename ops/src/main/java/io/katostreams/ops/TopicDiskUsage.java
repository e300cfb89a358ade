package io.katostreams.ops;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Bytes on disk per topic, summed over every replica on every broker ({@code Admin#describeLogDirs}):
 * what {@code ./ops/kato status} prints and what the disk benchmark measures (issue 16).
 */
public final class TopicDiskUsage {
    private TopicDiskUsage() {}

    /** Topic → bytes of its log segments on all brokers, by name. */
    public static Map<String, Long> bytesPerTopic(Admin admin) throws Exception {
        List<Integer> brokers = new ArrayList<>();
        for (Node n : admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)) brokers.add(n.id());
        Map<String, Long> bytes = new TreeMap<>();
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                .get(10, TimeUnit.SECONDS);
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription d : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                    bytes.merge(e.getKey().topic(), e.getValue().size(), Long::sum);
                }
            }
        }
        return bytes;
    }

    /** Prints one line per topic, largest first, and the total. */
    public static void print(Map<String, Long> bytes, PrintStream out) {
        out.println("disk use per topic (all replicas, Admin#describeLogDirs):");
        bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.printf(Locale.ROOT, "  %12s  %s%n", human(e.getValue()), e.getKey()));
        out.printf(Locale.ROOT, "  %12s  total%n", human(bytes.values().stream().mapToLong(Long::longValue).sum()));
    }

    static String human(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }
}
