package io.katostreams.bridge;

import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's read-only view of every node's long-term knowledge: a copy of the compacted topic
 * {@code kato.knowledge} (the source of truth, see {@link KnowledgeKeys}) kept by one reader thread,
 * like {@link SessionDirectory} keeps {@code kato.sessions}. It answers what no KATO route can: which
 * nodes have knowledge, how many patterns and symbols each has, and a node's patterns page by page.
 *
 * <p>It is eventually consistent (a learn shows up once the topology has committed it) and holds a
 * summary of every pattern (name, frequency, length, events, times), so its memory grows with the
 * knowledge: disable the console ({@code KATO_CONSOLE_ENABLED=false}) on a bridge that must not hold it.
 * Each key's newest value wins and a tombstone removes the item, so the per-key view is exact whatever
 * the partition a key lives on; the {@code cleared} marker only moves the node's last activity.
 */
final class KnowledgeCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeCatalog.class);

    /** A pattern as the console lists it; {@code events} is its pattern_data. */
    record PatternSummary(String name, long frequency, long length, List<List<String>> events, long sequence,
                          long createdAtMs, long updatedAtMs) {
    }

    /** A symbol's statistics (spec 05 §2.6). */
    record SymbolSummary(String name, long frequency, long patternMemberFrequency) {
    }

    /** Everything the catalog knows of one node (processor_id). */
    static final class Node {
        final String processorId;
        volatile String nodeId;
        final Map<String, PatternSummary> patterns = new ConcurrentHashMap<>();
        final Map<String, SymbolSummary> symbols = new ConcurrentHashMap<>();
        volatile TotalsDoc totals;
        volatile long lastActivityMs;
        /** Bumped after every change of {@link #patterns}; a sorted copy is reused while it is unchanged. */
        private final java.util.concurrent.atomic.AtomicLong patternsVersion = new java.util.concurrent.atomic.AtomicLong();
        private volatile Sorted byFrequency;
        private volatile Sorted byName;

        private record Sorted(long version, List<PatternSummary> patterns) {
        }

        Node(String processorId) {
            this.processorId = processorId;
        }

        /**
         * The node's patterns in {@code order} ({@link #BY_FREQUENCY} or {@link #BY_NAME}), sorted once
         * per change of the node's patterns, so that paging through 100,000 patterns costs a page each.
         */
        List<PatternSummary> sorted(boolean nameOrder) {
            long v = patternsVersion.get(); // read before copying: a change meanwhile bumps it again
            Sorted s = nameOrder ? byName : byFrequency;
            if (s != null && s.version() == v) {
                return s.patterns();
            }
            List<PatternSummary> l = new ArrayList<>(patterns.values());
            l.sort(nameOrder ? BY_NAME : BY_FREQUENCY);
            s = new Sorted(v, List.copyOf(l));
            if (nameOrder) {
                byName = s;
            } else {
                byFrequency = s;
            }
            return s.patterns();
        }

        private void patternsChanged() {
            patternsVersion.incrementAndGet();
        }

        private final java.util.concurrent.atomic.AtomicLong symbolsVersion = new java.util.concurrent.atomic.AtomicLong();
        private volatile SortedSymbols symbolsByFrequency;
        private volatile SortedSymbols symbolsByName;

        private record SortedSymbols(long version, List<SymbolSummary> symbols) {
        }

        /** The node's symbols by frequency (descending, then name) or by name, sorted once per change. */
        List<SymbolSummary> sortedSymbols(boolean nameOrder) {
            long v = symbolsVersion.get();
            SortedSymbols s = nameOrder ? symbolsByName : symbolsByFrequency;
            if (s != null && s.version() == v) {
                return s.symbols();
            }
            List<SymbolSummary> l = new ArrayList<>(symbols.values());
            l.sort(nameOrder ? Comparator.comparing(SymbolSummary::name)
                    : Comparator.comparingLong(SymbolSummary::frequency).reversed().thenComparing(SymbolSummary::name));
            s = new SortedSymbols(v, List.copyOf(l));
            if (nameOrder) {
                symbolsByName = s;
            } else {
                symbolsByFrequency = s;
            }
            return s.symbols();
        }
    }

    /** Patterns by frequency (descending), then first-stored order (decision D2), then name. */
    static final Comparator<PatternSummary> BY_FREQUENCY = Comparator
            .comparingLong(PatternSummary::frequency).reversed()
            .thenComparingLong(PatternSummary::sequence)
            .thenComparing(PatternSummary::name);
    static final Comparator<PatternSummary> BY_NAME = Comparator.comparing(PatternSummary::name);

    private final String topic;
    private final AvroSerde<KnowledgeRecord> serde = KatoSerdes.knowledge();
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    KnowledgeCatalog(BridgeConfig config) {
        this.topic = config.knowledgeTopic();
        this.consumer = new KafkaConsumer<>(KafkaGateway.consumerProperties(config, config.bridgeId() + "-knowledge"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "kato-bridge-knowledge");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** True once the topic has been read up to the end offsets it had when reading started. */
    boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    boolean awaitLoaded(Duration max) throws InterruptedException {
        return loaded.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The nodes that have (or had, until their last item was deleted) knowledge, by node id. */
    List<Node> nodes() {
        List<Node> l = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (!n.patterns.isEmpty() || !n.symbols.isEmpty() || n.totals != null) {
                l.add(n);
            }
        }
        l.sort(Comparator.comparing((Node n) -> n.nodeId == null ? "" : n.nodeId).thenComparing(n -> n.processorId));
        return l;
    }

    /** The node of a processor_id, or null when it has no knowledge. */
    Node node(String processorId) {
        return nodes.get(processorId);
    }

    // ---- the reader thread ----------------------------------------------------------------------

    private void run() {
        try {
            Set<TopicPartition> assigned = waitForTopicAndAssign();
            if (assigned == null) {
                return;
            }
            Map<TopicPartition, Long> initialEnd = consumer.endOffsets(assigned, Duration.ofSeconds(30));
            long nextRefresh = System.currentTimeMillis() + 10_000;
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        apply(r);
                    }
                    if (loaded.getCount() > 0 && reached(initialEnd)) {
                        loaded.countDown();
                        LOG.info("knowledge catalog loaded: {} nodes", nodes.size());
                    }
                    if (System.currentTimeMillis() >= nextRefresh) {
                        assigned = TopicPartitions.refresh(consumer, topic, assigned);
                        nextRefresh = System.currentTimeMillis() + 10_000;
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warn("knowledge catalog: Kafka did not answer: {}", e.toString());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("knowledge catalog reader failed; the console's node pages stop updating", e);
        } finally {
            running = false;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Applies one record of kato.knowledge (package-private for the unit test). */
    void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            return;
        }
        KnowledgeKeys.Key key;
        try {
            key = KnowledgeKeys.parse(new String(r.key(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return; // not a knowledge key: nothing the console shows
        }
        Node node = nodes.computeIfAbsent(key.processorId(), Node::new);
        if (r.value() == null) {
            switch (key.kind()) {
                case PATTERN -> {
                    node.patterns.remove(key.name());
                    node.patternsChanged();
                }
                case SYMBOL -> {
                    node.symbols.remove(key.name());
                    node.symbolsVersion.incrementAndGet();
                }
                case TOTALS -> node.totals = null;
                default -> {
                }
            }
            return;
        }
        KnowledgeRecord rec;
        try {
            rec = serde.decode(r.value());
        } catch (RuntimeException e) {
            LOG.warn("undecodable knowledge record at {}-{}: {}", r.partition(), r.offset(), e.toString());
            return;
        }
        node.nodeId = rec.getNodeId().toString();
        Object item = rec.getItem();
        if (item instanceof PatternDoc p) {
            List<List<String>> events = new ArrayList<>(p.getPatternData().size());
            for (List<? extends CharSequence> ev : p.getPatternData()) {
                List<String> e = new ArrayList<>(ev.size());
                ev.forEach(s -> e.add(s.toString()));
                events.add(List.copyOf(e));
            }
            long updated = p.getUpdatedAt().toEpochMilli();
            node.patterns.put(key.name(), new PatternSummary(p.getName().toString(), p.getFrequency(), p.getLength(),
                    List.copyOf(events), p.getSequence(), p.getCreatedAt().toEpochMilli(), updated));
            node.patternsChanged();
            node.lastActivityMs = Math.max(node.lastActivityMs, updated);
        } else if (item instanceof SymbolDoc s) {
            node.symbols.put(key.name(), new SymbolSummary(s.getName().toString(), s.getFrequency(),
                    s.getPatternMemberFrequency()));
            node.symbolsVersion.incrementAndGet();
        } else if (item instanceof TotalsDoc t) {
            node.totals = t;
        } else if (item instanceof NodeCleared c) {
            node.lastActivityMs = Math.max(node.lastActivityMs, c.getClearedAt().toEpochMilli());
        }
    }

    private Set<TopicPartition> waitForTopicAndAssign() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(2));
                if (infos != null && !infos.isEmpty()) {
                    Set<TopicPartition> all = TopicPartitions.of(infos);
                    consumer.assign(all);
                    consumer.seekToBeginning(all);
                    return all;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException | WakeupException e) {
                LOG.debug("knowledge topic not available yet: {}", e.toString());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
