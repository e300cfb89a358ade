package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.Observation;
import io.katostreams.engine.ObservationProcessor;
import io.katostreams.engine.Predictor;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A companion of the JMH suite for shared or busy machines: the same workload and calls as
 * {@link PredictBenchmark}, {@link ObserveBenchmark} and {@link LearnBenchmark}, but every call's
 * <em>thread CPU time</em> is recorded next to its wall-clock time. Wall-clock percentiles include
 * time the thread spent waiting for a core (other processes) and GC pauses; CPU-time percentiles
 * are what one request costs on one core, whatever else runs (GC work on other threads excluded).
 *
 * <p>Per size: the knowledge base is built, each path is warmed up for a few seconds, then measured
 * for at least {@code -Dkato.seconds=5} seconds and 2,000 calls. Learns: 200,000 learns of the
 * 20 %-re-learn stream into the base of N patterns, after a warm-up on a throw-away base.
 *
 * <pre>java -Xmx4g -cp benchmarks/target/kato-benchmarks.jar io.katostreams.benchmarks.CpuTimeLatency [sizes...]</pre>
 */
public final class CpuTimeLatency {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeLatency() {
    }

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) sizes.add(Integer.parseInt(a.replace("_", "").replace(",", "")));
        if (sizes.isEmpty()) sizes = List.of(1_000, 10_000, 100_000);
        if (!THREADS.isCurrentThreadCpuTimeSupported()) throw new IllegalStateException("no thread CPU time");
        THREADS.setThreadCpuTimeEnabled(true);
        double seconds = Double.parseDouble(System.getProperty("kato.seconds", "5"));

        System.out.println("CpuTimeLatency: per-call thread CPU time and wall time (ms), default session configuration");
        System.out.printf("%-8s %-8s %7s | %9s %9s %9s | %9s %9s %9s%n", "path", "patterns", "calls",
                "cpu p50", "cpu p99", "cpu mean", "wall p50", "wall p99", "wall mean");
        ObservationProcessor processor = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
        List<String> learnLines = new ArrayList<>();
        for (int n : sizes) {
            List<List<List<String>>> learned = Workload.patterns(n);
            InMemoryKnowledgeBase kb = Workload.knowledgeBase(learned);

            List<List<List<String>>> queries = Workload.queries(learned);
            Session[] sessions = new Session[queries.size()];
            for (int q = 0; q < sessions.length; q++) {
                sessions[q] = Workload.newSession("query-" + q);
                for (List<String> e : queries.get(q)) sessions[q].stm().append(e);
            }
            int[] next = {0};
            Runnable predict = () -> {
                Session s = sessions[next[0]];
                next[0] = (next[0] + 1) % sessions.length;
                if (processor.predict(s, kb) == null) throw new AssertionError();
            };
            report("predict", n, measure(predict, seconds));

            List<Observation> obs = new ArrayList<>();
            for (List<List<String>> ep : Workload.episodes(learned, ObserveBenchmark.EPISODES)) {
                obs.addAll(Workload.observations(ep));
            }
            Session[] session = {Workload.newSession("observer")};
            int[] at = {0};
            long[] ts = {1L};
            Runnable observe = () -> {
                int i = at[0];
                at[0] = (i + 1) % obs.size();
                if (i % Workload.EPISODE_EVENTS == 0) session[0].clearStm();
                session[0] = processor.observe(session[0], obs.get(i), "obs-1", kb, ts[0]++).session();
            };
            report("observe", n, measure(observe, seconds));

            // Learns: warm up on a throw-away base, then learn the stream into the base of n patterns.
            int count = 200_000;
            List<List<List<String>>> stream = Workload.learnStream(n, count, 20);
            Session learner = Workload.newSession("learner");
            InMemoryKnowledgeBase scratch = Workload.knowledgeBase(learned);
            for (int i = 0; i < count / 2; i++) Workload.learn(learner, scratch, stream.get(i), i);
            scratch = null;
            System.gc();
            long c0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            for (int i = 0; i < count; i++) Workload.learn(learner, kb, stream.get(i), i);
            long cpu = THREADS.getCurrentThreadCpuTime() - c0;
            long wall = System.nanoTime() - w0;
            learnLines.add(String.format(Locale.ROOT, "%-8s %-8d %7d | learns per CPU second %,10.0f | learns per wall second %,10.0f",
                    "learn", n, count, count / (cpu / 1e9), count / (wall / 1e9)));
        }
        for (String l : learnLines) System.out.println(l);
        System.out.println("  cpu = thread CPU time of the calling thread (GC threads excluded); "
                + "wall = System.nanoTime (includes waiting for a core and GC pauses)");
    }

    private static long[][] measure(Runnable call, double seconds) {
        long end = System.nanoTime() + (long) (Math.max(1.0, seconds * 0.6) * 1e9);
        while (System.nanoTime() < end) call.run(); // warm-up
        int cap = 1 << 16;
        long[] cpu = new long[cap];
        long[] wall = new long[cap];
        int n = 0;
        long stop = System.nanoTime() + (long) (seconds * 1e9);
        while ((System.nanoTime() < stop || n < 2000) && n < cap) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            call.run();
            wall[n] = System.nanoTime() - w0;
            cpu[n] = THREADS.getCurrentThreadCpuTime() - c0;
            n++;
        }
        return new long[][] {Arrays.copyOf(cpu, n), Arrays.copyOf(wall, n)};
    }

    private static void report(String path, int patterns, long[][] m) {
        long[] cpu = m[0].clone();
        long[] wall = m[1].clone();
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf(Locale.ROOT, "%-8s %-8d %7d | %9.4f %9.4f %9.4f | %9.4f %9.4f %9.4f%n", path, patterns,
                cpu.length, pct(cpu, 50), pct(cpu, 99), mean(cpu), pct(wall, 50), pct(wall, 99), mean(wall));
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static double mean(long[] v) {
        double s = 0;
        for (long x : v) s += x;
        return s / v.length / 1e6;
    }
}
