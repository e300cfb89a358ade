package io.katostreams.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.util.Statistics;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs the JMH suite (all of it, or what the JMH command-line arguments select) and prints the
 * figures compactly, then runs {@link WorkloadStats}, {@link CpuTimeLatency} and {@link MemoryPerPattern}
 * in their own JVMs.
 *
 * <pre>
 * java -cp benchmarks/target/kato-benchmarks.jar io.katostreams.benchmarks.BenchmarkReport [JMH options]
 * </pre>
 * e.g. {@code ... BenchmarkReport -rf json -rff /tmp/jmh.json} or {@code ... BenchmarkReport Predict -p patterns=10000}.
 * Set {@code -Dkato.report.extras=false} to skip the three extra runs (about 3 minutes).
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException,
            InterruptedException {
        Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        System.out.println();
        System.out.println("==== KATO engine benchmarks ====");
        System.out.printf("%-24s %-8s %-9s %-6s %14s %12s %12s %12s%n", "benchmark", "patterns", "relearn%", "mode",
                "score", "p50 ms", "p99 ms", "unit");
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> key(a).compareTo(key(b)));
        for (RunResult r : sorted) {
            Result<?> primary = r.getPrimaryResult();
            String bench = r.getParams().getBenchmark();
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            String patterns = param(r, "patterns");
            String relearn = param(r, "relearnPercent");
            String mode = r.getParams().getMode().shortLabel();
            String p50 = "", p99 = "";
            if ("sample".equals(mode)) {
                Statistics st = primary.getStatistics();
                double toMs = toMillis(primary.getScoreUnit());
                p50 = String.format(Locale.ROOT, "%.4f", st.getPercentile(50) * toMs);
                p99 = String.format(Locale.ROOT, "%.4f", st.getPercentile(99) * toMs);
            }
            System.out.printf(Locale.ROOT, "%-24s %-8s %-9s %-6s %14.3f %12s %12s %12s%n", bench, patterns, relearn,
                    mode, primary.getScore(), p50, p99, primary.getScoreUnit());
        }

        if (!Boolean.parseBoolean(System.getProperty("kato.report.extras", "true"))) return;
        System.out.println();
        runChild(WorkloadStats.class);
        System.out.println();
        runChild(CpuTimeLatency.class);
        System.out.println();
        runChild(MemoryPerPattern.class);
    }

    private static String key(RunResult r) {
        return r.getParams().getBenchmark() + "|" + r.getParams().getMode() + "|"
                + String.format("%09d", Integer.parseInt(param(r, "patterns").isEmpty() ? "0" : param(r, "patterns")))
                + "|" + param(r, "relearnPercent");
    }

    private static String param(RunResult r, String name) {
        String v = r.getParams().getParam(name);
        return v == null ? "" : v;
    }

    private static double toMillis(String unit) {
        if (unit.startsWith("ns/")) return 1e-6;
        if (unit.startsWith("us/")) return 1e-3;
        if (unit.startsWith("ms/")) return 1.0;
        if (unit.startsWith("s/")) return 1e3;
        return Double.NaN;
    }

    private static void runChild(Class<?> main) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx4g", "-cp", System.getProperty("java.class.path"), main.getName())
                .inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) System.out.println(main.getSimpleName() + " exited with " + rc);
    }
}
