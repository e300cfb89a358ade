package io.katostreams.ops.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.TreeMap;
import java.util.Map;

/**
 * CPU time of this JVM's live threads, summed by role (stream thread, its producer, broker request
 * handlers, …), so a benchmark can say where the machine's cores went. Threads that ended between
 * two readings are missed (none do during a measured phase); JIT and GC threads are native and not
 * listed by the JVM, so "total" is the Java threads' share only.
 */
final class ThreadCpu {
    private ThreadCpu() {
    }

    static Map<String, Long> byGroup() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            if (info == null || cpu < 0) continue;
            groups.merge(group(info.getThreadName()), cpu, Long::sum);
        }
        return groups;
    }

    static String group(String name) {
        if (name.contains("StreamThread") && name.contains("producer")) return "topology producer I/O";
        if (name.contains("StreamThread")) return "topology stream thread";
        if (name.startsWith("kafka-producer-network-thread")) return "load producer I/O";
        if (name.contains("request-handler")) return "broker request handlers";
        if (name.contains("network-thread")) return "broker network";
        if (name.contains("raft") || name.contains("quorum") || name.contains("controller")) return "broker controller/raft";
        if (name.contains("group-coordinator") || name.contains("Txn") || name.contains("transaction")) return "broker coordinators";
        if (name.startsWith("kafka-") || name.contains("log-") || name.contains("ReplicaFetcher")) return "broker other";
        if (name.equals("main") || name.contains("adminclient")) return "benchmark driver";
        return "other";
    }
}
