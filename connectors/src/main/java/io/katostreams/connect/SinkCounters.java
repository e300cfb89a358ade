package io.katostreams.connect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters of one sink task: records written (upserts), deleted (tombstones), dead-lettered,
 * skipped (items the sink does not store), nodes cleared, and put() calls that failed because the
 * store was unreachable.
 *
 * <p>Exported two ways: as Connect plugin metrics (KIP-877; the worker's JMX reporter shows them
 * under {@code kafka.connect:type=plugins,connector=<name>,task=<n>} with the names of
 * {@link #register}), and as an INFO log line at most once a minute and when the task stops.
 * Thread-safe.
 */
public final class SinkCounters {

    private static final Logger LOG = LoggerFactory.getLogger(SinkCounters.class);
    private static final long LOG_INTERVAL_MS = 60_000;

    private final String label;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong cleared = new AtomicLong();
    private final AtomicLong retriableFailures = new AtomicLong();
    private final List<MetricName> registered = new ArrayList<>();
    private PluginMetrics metrics;
    private long lastLogMs;

    /** {@code label} names the task in log lines, e.g. "kato-mongo-sink task 0". */
    public SinkCounters(String label) {
        this.label = label;
    }

    void written(long n) {
        written.addAndGet(n);
    }

    void deleted(long n) {
        deleted.addAndGet(n);
    }

    void deadLettered(long n) {
        deadLettered.addAndGet(n);
    }

    void skipped(long n) {
        skipped.addAndGet(n);
    }

    void cleared(long n) {
        cleared.addAndGet(n);
    }

    void retriableFailure() {
        retriableFailures.incrementAndGet();
    }

    public long written() {
        return written.get();
    }

    public long deleted() {
        return deleted.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long skipped() {
        return skipped.get();
    }

    public long cleared() {
        return cleared.get();
    }

    public long retriableFailures() {
        return retriableFailures.get();
    }

    /**
     * Adds the counters to the task's plugin metrics; a null {@code pluginMetrics} (a worker
     * before Kafka 4.1, or a test context) leaves only the log line.
     */
    synchronized void register(PluginMetrics pluginMetrics) {
        if (pluginMetrics == null) {
            return;
        }
        metrics = pluginMetrics;
        add("records-written-total", "Knowledge items upserted into the store.", written);
        add("records-deleted-total", "Tombstones applied to the store.", deleted);
        add("records-dead-lettered-total", "Records sent to the dead-letter topic (or skipped when none is configured).", deadLettered);
        add("records-skipped-total", "Records of knowledge kinds this sink does not store.", skipped);
        add("nodes-cleared-total", "NodeCleared markers applied (node namespace dropped).", cleared);
        add("retriable-failures-total", "put() calls that failed because the store was unreachable and were retried.", retriableFailures);
    }

    private void add(String name, String description, AtomicLong counter) {
        MetricName metricName = metrics.metricName(name, description, new LinkedHashMap<>());
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> counter.get());
        registered.add(metricName);
    }

    /** Removes the plugin metrics (the worker also does when the task stops) and logs the totals. */
    synchronized void close() {
        if (metrics != null) {
            for (MetricName name : registered) {
                try {
                    metrics.removeMetric(name);
                } catch (RuntimeException e) {
                    LOG.debug("Could not remove metric {}", name, e);
                }
            }
            registered.clear();
            metrics = null;
        }
        LOG.info("{} stopped: {}", label, summary());
    }

    /** Logs the totals at INFO if the last such line is at least a minute old. */
    synchronized void logIfDue(long nowMs) {
        if (nowMs - lastLogMs >= LOG_INTERVAL_MS) {
            lastLogMs = nowMs;
            LOG.info("{}: {}", label, summary());
        }
    }

    public String summary() {
        return "written=" + written + " deleted=" + deleted + " dead-lettered=" + deadLettered + " skipped=" + skipped
                + " nodes-cleared=" + cleared + " retriable-failures=" + retriableFailures;
    }
}
