package io.katostreams.topology;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.nio.charset.StandardCharsets;

/**
 * Publishes a cached key-value store's changes (String keys, encoded values) to a sink when Kafka
 * Streams flushes the store's cache, instead of on every write: a session or a symbol written many
 * times between two commits is published once, with the bytes already encoded for the store. This
 * is how the DSL's KTables emit.
 *
 * <p>Contract, inherited from the cache: the cache is flushed inside every commit, before the
 * producer is flushed and the input offsets are committed (under exactly-once, in the same
 * transaction), and whenever it evicts; entries are flushed in the order of their last write, each
 * with the timestamp of the input record that wrote it last (deterministic content and order for a
 * given sequence of commits). A key written and deleted between two flushes is not published at all.
 *
 * <p>The Processor API has no public hook for this, so this class is the one place that uses
 * Kafka Streams internals: {@link WrappedStateStore#setFlushListener} and
 * {@link InternalProcessorContext#setCurrentNode} (what the DSL's {@code TimestampedCacheFlushListener}
 * does). Checked on Kafka Streams 4.3; {@link #install} fails loudly if the store is not cached.
 */
final class StoreChangeForwarder {
    private StoreChangeForwarder() {
    }

    /** Forwards every flushed change of {@code storeName} to the child {@code sink} of the calling processor. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void install(ProcessorContext<byte[], byte[]> context, String storeName, String sink) {
        StateStore store = context.getStateStore(storeName);
        if (!(context instanceof InternalProcessorContext<?, ?> internal) || !(store instanceof WrappedStateStore<?, ?, ?> wrapped)) {
            throw new IllegalStateException("cannot forward the changes of store " + storeName + " (unexpected Kafka Streams internals)");
        }
        InternalProcessorContext<byte[], byte[]> ctx = (InternalProcessorContext<byte[], byte[]>) internal;
        // init() runs with this processor as the current node; a flush at commit time runs outside
        // process(), so the node is set again for the forward to reach this processor's sinks.
        ProcessorNode<?, ?, ?, ?> node = ctx.currentNode();
        boolean cached = ((WrappedStateStore<?, String, byte[]>) wrapped).setFlushListener(change -> {
            ProcessorNode<?, ?, ?, ?> previous = ctx.currentNode();
            ctx.setCurrentNode(node);
            try {
                ctx.forward(new Record<>(change.key().getBytes(StandardCharsets.UTF_8), change.value().newValue,
                        change.timestamp(), change.headers()), sink);
            } finally {
                ctx.setCurrentNode(previous);
            }
        }, false);
        if (!cached) {
            throw new IllegalStateException("store " + storeName + " must be built withCachingEnabled()");
        }
    }
}
