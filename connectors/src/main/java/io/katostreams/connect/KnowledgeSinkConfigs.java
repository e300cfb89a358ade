package io.katostreams.connect;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Settings shared by both knowledge sinks. */
final class KnowledgeSinkConfigs {

    static final String RETRY_BACKOFF_MS = "kato.retry.backoff.ms";
    static final long RETRY_BACKOFF_MS_DEFAULT = 5_000;

    /**
     * Set by the connector on each task's configuration (0, 1, ...); names the task in log lines.
     * Not a user setting, so it is not in the {@link ConfigDef}.
     */
    static final String TASK_ID = "kato.task.id";

    static final String GROUP_DELIVERY = "Delivery";

    private KnowledgeSinkConfigs() {
    }

    /** Adds the shared settings to {@code def}. */
    static ConfigDef addShared(ConfigDef def) {
        return def.define(RETRY_BACKOFF_MS, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(0), Importance.LOW,
                "How long Connect waits before redelivering a batch that failed because the store was unreachable. "
                        + "The sink stalls (its consumer is paused) and retries the same records until the store "
                        + "answers, so nothing is lost; the KATO topology is never affected.",
                GROUP_DELIVERY, 1, Width.SHORT, "Retry backoff (ms)");
    }
}
