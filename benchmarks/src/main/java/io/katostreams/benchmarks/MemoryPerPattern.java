package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * Retained heap per learned pattern of the in-memory knowledge base (target: at most 1 KiB).
 *
 * <p>For each size (default 10,000 and 100,000; or the sizes given as arguments) the workload
 * patterns are generated first and kept alive, the heap is measured after several full GCs, the
 * patterns are learned into a fresh {@link InMemoryKnowledgeBase}, the heap is measured again (both
 * still strongly reachable) and the difference divided by the number of patterns. Everything the
 * knowledge base holds is counted (pattern index, names, postings, symbol statistics, per-pattern
 * timestamps), nothing of the workload itself (events are shared, not copied, by the engine's index).
 *
 * <pre>java -Xmx4g -cp benchmarks/target/kato-benchmarks.jar io.katostreams.benchmarks.MemoryPerPattern</pre>
 */
public final class MemoryPerPattern {

    private MemoryPerPattern() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) sizes.add(Integer.parseInt(a.replace("_", "").replace(",", "")));
        if (sizes.isEmpty()) sizes = List.of(10_000, 100_000);

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("MemoryPerPattern: retained heap of InMemoryKnowledgeBase per learned workload pattern%n");
        System.out.printf("  JVM %s %s, max heap %d MiB, compressed oops %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), Runtime.getRuntime().maxMemory() >> 20, compressedOops());
        System.out.printf("%-10s %14s %14s %16s%n", "patterns", "retained B", "retained MiB", "bytes/pattern");
        // Warm up the code once so that class loading and JIT metadata are not charged to the first size.
        Reference.reachabilityFence(Workload.knowledgeBase(1_000));

        for (int n : sizes) {
            List<List<List<String>>> patterns = Workload.patterns(n);
            long before = usedAfterGc(memory);
            InMemoryKnowledgeBase kb = Workload.knowledgeBase(patterns);
            long after = usedAfterGc(memory);
            long retained = after - before;
            if (kb.index().patternCount() != n) throw new IllegalStateException("expected " + n + " patterns");
            System.out.printf("%-10d %14d %14.1f %16.1f%n", n, retained, retained / 1048576.0, (double) retained / n);
            Reference.reachabilityFence(kb);
            Reference.reachabilityFence(patterns);
        }
        System.out.println("  target: <= 1024 bytes/pattern (1 KiB)");
    }

    /** Heap in use after repeated full collections, once it has stopped shrinking. */
    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static String compressedOops() {
        try {
            Object bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return ((com.sun.management.HotSpotDiagnosticMXBean) bean).getVMOption("UseCompressedOops").getValue();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
