package io.katostreams.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape both knowledge sink tasks share.
 *
 * <p>{@link #start} parses the typed configuration and builds one fully started {@link Writer}
 * (store client and settings; nothing is reconfigured afterwards). {@link #put} decodes every
 * record ({@link KnowledgeRecordDecoder}), dead-letters the ones that cannot be decoded, and hands
 * the rest, in record order, to the writer, which applies them synchronously: when put() returns,
 * every change is durable in the store, so Connect's default offset commit is correct.
 *
 * <p>Errors: a bad record is dead-lettered ({@link DeadLetters}) and the batch goes on; an
 * unreachable store makes the writer throw {@link RetriableException}, and the task asks Connect to
 * wait {@code kato.retry.backoff.ms} before redelivering the same batch. Every change carries the
 * item's absolute state, so applying a batch again is harmless. Anything else (a bug, a wrong
 * converter) fails the task.
 */
abstract class KnowledgeSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeSinkTask.class);

    /** A started store writer. Implementations are used by one thread (Connect calls put serially). */
    interface Writer extends AutoCloseable {

        /**
         * Applies {@code changes} in order; dead-letters the ones the store refuses.
         *
         * @throws RetriableException when the store cannot be reached; nothing is lost, the same
         *     batch will be applied again
         */
        void apply(List<KnowledgeChange> changes, DeadLetters deadLetters);

        @Override
        void close();
    }

    private Writer writer;
    private DeadLetters deadLetters;
    private SinkCounters counters;
    private long retryBackoffMs;

    /** Name used in log lines when the configuration has no connector name. */
    abstract String defaultName();

    /** A started writer and the retry backoff of the same parsed configuration. */
    record Started(Writer writer, long retryBackoffMs) {
    }

    /**
     * Parses {@code props} with the sink's {@code ConfigDef} (a bad setting fails the task with
     * Connect's {@code ConfigException}) and builds the writer, which counts into {@code counters}.
     */
    abstract Started startWriter(Map<String, String> props, SinkCounters counters);

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public final void start(Map<String, String> props) {
        String label = props.getOrDefault("name", defaultName()) + " task "
                + props.getOrDefault(KnowledgeSinkConfigs.TASK_ID, "0");
        counters = new SinkCounters(label);
        Started started = startWriter(props, counters);
        writer = started.writer();
        retryBackoffMs = started.retryBackoffMs();
        deadLetters = DeadLetters.of(context, props, counters);
        try {
            counters.register(context == null ? null : context.pluginMetrics());
        } catch (LinkageError | UnsupportedOperationException e) {
            LOG.debug("No plugin metrics on this worker; counters are logged only", e);
        }
        LOG.info("{} started", label);
    }

    @Override
    public final void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<KnowledgeChange> changes = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                changes.add(KnowledgeRecordDecoder.decode(record));
            } catch (BadRecordException e) {
                deadLetters.report(record, e.getMessage(), e);
            }
        }
        try {
            writer.apply(changes, deadLetters);
        } catch (RetriableException e) {
            counters.retriableFailure();
            LOG.warn("Store unreachable, Connect will redeliver {} records in {} ms: {}",
                    records.size(), retryBackoffMs, e.getMessage());
            if (context != null) {
                context.timeout(retryBackoffMs);
            }
            throw e;
        }
        counters.logIfDue(System.currentTimeMillis());
    }

    @Override
    public final void stop() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        if (counters != null) {
            counters.close();
        }
    }

    /** This task's counters (for tests and the embedded runtime); null before {@link #start}. */
    public SinkCounters counters() {
        return counters;
    }
}
