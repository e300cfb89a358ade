package io.katostreams.bridge;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bridge's own numbers for the operational endpoints (spec 01 §6: their numeric contents are
 * implementation-defined): request counters and durations, sessions created/deleted through this
 * bridge, concurrency, machine resources, and a time series of each named metric sampled every
 * {@link #SAMPLE_INTERVAL_MS} ms and kept for an hour.
 */
final class BridgeMetrics implements AutoCloseable {

    static final long SAMPLE_INTERVAL_MS = 2_000;
    private static final int RETAINED_SAMPLES = (int) (3_600_000 / SAMPLE_INTERVAL_MS);

    /** The metric names of {@code /stats} and {@code /metrics/{name}} (spec 01 §6). */
    static final List<String> SERIES = List.of("kato_cpu_usage_percent", "kato_memory_usage_percent",
            "kato_memory_usage_bytes", "kato_disk_usage_percent", "load_average_1m", "kato_requests_total",
            "kato_request_duration_seconds", "kato_errors_total", "sessions_created", "sessions_deleted",
            "session_operations", "mongodb_operations", "mongodb_response_time", "mongodb_errors",
            "qdrant_operations", "qdrant_response_time", "qdrant_errors", "redis_operations", "redis_response_time",
            "redis_errors");

    /** One sample: epoch seconds and value. */
    record Point(double timestamp, double value) {
    }

    private final Clock clock;
    final long startedAtMs;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong serverErrors = new AtomicLong();
    final AtomicLong clientErrors = new AtomicLong();
    final LongAdder durationMicros = new LongAdder();
    final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peakInFlight = new AtomicInteger();
    volatile long peakAtMs;
    final AtomicLong sessionsCreated = new AtomicLong();
    final AtomicLong sessionsDeleted = new AtomicLong();
    final AtomicLong sessionOperations = new AtomicLong();
    final AtomicLong redisOperations = new AtomicLong();
    final AtomicLong redisErrors = new AtomicLong();
    final LongAdder redisMicros = new LongAdder();

    private final Map<String, Deque<Point>> series = new LinkedHashMap<>();
    private final ScheduledExecutorService sampler;
    private long lastRequests;
    private long lastDurationMicros;

    BridgeMetrics(Clock clock) {
        this.clock = clock;
        this.startedAtMs = clock.millis();
        SERIES.forEach(n -> series.put(n, new ArrayDeque<>()));
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kato-bridge-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    // ---- recording ------------------------------------------------------------------------------

    void requestStarted() {
        int now = inFlight.incrementAndGet();
        if (now > peakInFlight.get()) {
            peakInFlight.accumulateAndGet(now, Math::max);
            peakAtMs = clock.millis();
        }
    }

    void requestFinished(int status, double millis) {
        inFlight.decrementAndGet();
        requests.incrementAndGet();
        durationMicros.add((long) (millis * 1000));
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status >= 500) {
            serverErrors.incrementAndGet();
        } else if (status >= 400) {
            clientErrors.incrementAndGet();
        }
    }

    void redisProbe(boolean ok, long micros) {
        redisOperations.incrementAndGet();
        redisMicros.add(micros);
        if (!ok) {
            redisErrors.incrementAndGet();
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    double uptimeSeconds() {
        return (clock.millis() - startedAtMs) / 1000.0;
    }

    double averageResponseSeconds() {
        long n = requests.get();
        return n == 0 ? 0.0 : durationMicros.sum() / 1e6 / n;
    }

    double errorRate() {
        long n = requests.get();
        return n == 0 ? 0.0 : (double) serverErrors.get() / n;
    }

    double redisAverageSeconds() {
        long n = redisOperations.get();
        return n == 0 ? 0.0 : redisMicros.sum() / 1e6 / n;
    }

    /** Number of metric series that hold at least one sample ({@code metrics_collected} of /health). */
    synchronized int seriesWithData() {
        int n = 0;
        for (Deque<Point> d : series.values()) {
            if (!d.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /** The samples of one series taken at or after {@code sinceEpochSeconds}; null for an unknown name. */
    synchronized List<Point> points(String name, double sinceEpochSeconds) {
        Deque<Point> d = series.get(name);
        if (d == null) {
            return null;
        }
        List<Point> out = new ArrayList<>();
        for (Point p : d) {
            if (p.timestamp() >= sinceEpochSeconds) {
                out.add(p);
            }
        }
        return out;
    }

    /** Average of a series over the samples since {@code sinceEpochSeconds} (0 without samples). */
    double average(String name, double sinceEpochSeconds) {
        List<Point> p = points(name, sinceEpochSeconds);
        return p == null || p.isEmpty() ? 0.0 : p.stream().mapToDouble(Point::value).average().orElse(0.0);
    }

    /** Increase of a counter series over the samples since {@code sinceEpochSeconds}. */
    double increase(String name, double sinceEpochSeconds) {
        List<Point> p = points(name, sinceEpochSeconds);
        return p == null || p.size() < 2 ? 0.0 : p.get(p.size() - 1).value() - p.get(0).value();
    }

    // ---- machine resources ----------------------------------------------------------------------

    static double cpuPercent() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double load = sun.getCpuLoad();
            return load < 0 ? 0.0 : round(load * 100);
        }
        return 0.0;
    }

    static double memoryPercent() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getTotalMemorySize() > 0) {
            long total = sun.getTotalMemorySize();
            return round(100.0 * (total - sun.getFreeMemorySize()) / total);
        }
        return 0.0;
    }

    static long processMemoryBytes() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    static double diskPercent() {
        File root = new File(".").getAbsoluteFile();
        long total = root.getTotalSpace();
        return total <= 0 ? 0.0 : round(100.0 * (total - root.getUsableSpace()) / total);
    }

    static double loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? 0.0 : l;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private void sample() {
        try {
            double t = clock.millis() / 1000.0;
            long req = requests.get();
            long dur = durationMicros.sum();
            double avgDuration = req == lastRequests ? 0.0 : (dur - lastDurationMicros) / 1e6 / (req - lastRequests);
            lastRequests = req;
            lastDurationMicros = dur;
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("kato_cpu_usage_percent", cpuPercent());
            v.put("kato_memory_usage_percent", memoryPercent());
            v.put("kato_memory_usage_bytes", (double) processMemoryBytes());
            v.put("kato_disk_usage_percent", diskPercent());
            v.put("load_average_1m", loadAverage());
            v.put("kato_requests_total", (double) req);
            v.put("kato_request_duration_seconds", avgDuration);
            v.put("kato_errors_total", (double) serverErrors.get());
            v.put("sessions_created", (double) sessionsCreated.get());
            v.put("sessions_deleted", (double) sessionsDeleted.get());
            v.put("session_operations", (double) sessionOperations.get());
            // The bridge talks to no database; the knowledge stores are fed by Kafka Connect.
            v.put("mongodb_operations", 0.0);
            v.put("mongodb_response_time", 0.0);
            v.put("mongodb_errors", 0.0);
            v.put("qdrant_operations", 0.0);
            v.put("qdrant_response_time", 0.0);
            v.put("qdrant_errors", 0.0);
            v.put("redis_operations", (double) redisOperations.get());
            v.put("redis_response_time", redisAverageSeconds());
            v.put("redis_errors", (double) redisErrors.get());
            synchronized (this) {
                v.forEach((name, value) -> {
                    Deque<Point> d = series.get(name);
                    d.addLast(new Point(t, value));
                    while (d.size() > RETAINED_SAMPLES) {
                        d.removeFirst();
                    }
                });
            }
        } catch (RuntimeException e) {
            // a failed sample leaves a gap; never kill the sampler
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
