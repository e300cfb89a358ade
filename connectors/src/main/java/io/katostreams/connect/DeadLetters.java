package io.katostreams.connect;

import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a bad record goes: Connect's dead-letter queue, through the task's
 * {@link ErrantRecordReporter}.
 *
 * <p>The connector configuration decides what happens (connectors/README.md, "Dead letters"):
 * with {@code errors.tolerance=all} and {@code errors.deadletterqueue.topic.name} set, the original
 * record bytes go to that topic with the reason in the {@code __connect.errors.*} headers, and the
 * sink carries on. The reporter applies Connect's tolerance itself (with
 * {@code errors.tolerance=none} it fails the task). Connect gives no reporter when neither a
 * dead-letter topic nor {@code errors.log.enable} is configured; then a bad record is logged and
 * skipped if {@code errors.tolerance=all}, and fails the task otherwise, which is what Connect
 * itself does for a converter error under the same settings.
 *
 * <p>Delivery is at least once: a batch retried after an outage reports its bad records again.
 */
public final class DeadLetters {

    static final String TOLERANCE_CONFIG = "errors.tolerance";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final ErrantRecordReporter reporter;
    private final boolean tolerateAll;
    private final SinkCounters counters;

    DeadLetters(ErrantRecordReporter reporter, boolean tolerateAll, SinkCounters counters) {
        this.reporter = reporter;
        this.tolerateAll = tolerateAll;
        this.counters = counters;
    }

    /** The reporter of {@code context} (if the worker gives one) and the tolerance of the connector config. */
    static DeadLetters of(SinkTaskContext context, Map<String, String> taskProps, SinkCounters counters) {
        ErrantRecordReporter reporter;
        try {
            reporter = context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6 has no dead-letter API for sinks
        }
        boolean all = "all".equalsIgnoreCase(taskProps.getOrDefault(TOLERANCE_CONFIG, "none").strip());
        return new DeadLetters(reporter, all, counters);
    }

    /**
     * Dead-letters {@code record} because of {@code reason}.
     *
     * @throws DataException when there is no reporter and errors are not tolerated (fails the task)
     */
    void report(SinkRecord record, String reason, Throwable cause) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        BadRecordException error = new BadRecordException(reason, cause);
        if (reporter != null) {
            LOG.warn("Dead-lettering {}: {}", where, reason);
            reporter.report(record, error);
            counters.deadLettered(1);
        } else if (tolerateAll) {
            counters.deadLettered(1);
            LOG.error("Skipping {} (errors.tolerance=all, no dead-letter topic configured): {}", where, reason);
        } else {
            throw new DataException("Bad record " + where + " and no dead-letter topic configured: " + reason, cause);
        }
    }
}
