package io.katostreams.embedded;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.TreeMap;
import java.util.Map;

/**
 * CPU time of this JVM's live threads, summed by role (stream thread, its producer, broker request
 * handlers, the bridge's HTTP, reply and producer threads, …), so a benchmark that runs the whole
 * stack in one JVM can say where the machine's cores went. Threads that ended between
 * two readings are missed (none do during a measured phase); JIT and GC threads are native and not
 * listed by the JVM, so "total" is the Java threads' share only.
 */
public final class ThreadCpu {
    private ThreadCpu() {
    }

    /** Nanoseconds of CPU per role since each thread started. */
    public static Map<String, Long> byGroup() {
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

    /** CPU nanoseconds per role spent between two {@link #byGroup()} readings. */
    public static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> spent = new TreeMap<>();
        byGroup().forEach((k, v) -> spent.put(k, v - before.getOrDefault(k, 0L)));
        return spent;
    }

    static String group(String name) {
        if (name.contains("StreamThread") && name.contains("producer")) return "topology producer I/O";
        if (name.contains("StreamThread")) return "topology stream thread";
        if (name.startsWith("kafka-producer-network-thread | bridge")) return "bridge producer I/O";
        if (name.startsWith("kafka-producer-network-thread")) return "load producer I/O";
        if (name.contains("request-handler")) return "broker request handlers";
        if (name.contains("network-thread")) return "broker network";
        if (name.contains("raft") || name.contains("quorum") || name.contains("controller")) return "broker controller/raft";
        if (name.contains("group-coordinator") || name.contains("Txn") || name.contains("transaction")) return "broker coordinators";
        if (name.startsWith("kafka-") || name.contains("log-") || name.contains("ReplicaFetcher")) return "broker other";
        // Jetty runs the bridge's handlers on virtual threads; their CPU is their carriers'.
        if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp") || name.startsWith("ForkJoinPool-")) return "bridge HTTP";
        if (name.startsWith("kato-bridge")) return "bridge replies/sessions/ticks";
        if (name.equals("main") || name.contains("adminclient")) return "benchmark driver";
        if (name.startsWith("HttpClient") || name.startsWith("pool-")) return "load clients";
        return "other";
    }
}
