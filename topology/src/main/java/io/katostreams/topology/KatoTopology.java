package io.katostreams.topology;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the KATO topology (no I/O). Commands and observations feed one processor that owns the
 * session and knowledge stores of its partition's nodes; it writes replies, predictions, session
 * states, knowledge records and dead letters. Two internal topics close the loops that placement
 * and session ownership need (docs/topology.md, "Keys and node ownership"):
 *
 * <pre>
 *   kato.commands ─────┐                                 ┌─> kato.replies      (key = reply_to)
 *   kato.observations ─┼─> node processor [sessions,     ├─> kato.predictions  (key = node_id)
 *   kato.routing ──────┘    knowledge, pending stores]   ├─> kato.sessions     (key = session_id, compacted)
 *        ^     ^                 │            │          ├─> kato.knowledge    (key = &lt;processor_id&gt;/…, compacted,
 *        │     │  misplaced ─────┘            │          │                      partitioned by processor_id)
 *        │     │  records                     │          ├─> kato.dead-letters (key = original key)
 *        │     │                              │          └─> kato.audit        (key = node_id, JSON; commands
 *        │     │                              │                                 published straight to Kafka)
 *        │     │                              v
 *        │     └─ claim answers ── claim processor [claims store] <── kato.session-claims (key = session id)
 *        └── (key = canonical node id, partition murmur2(key) % n)
 * </pre>
 */
public final class KatoTopology {
    private KatoTopology() {}

    public static final String SESSIONS_STORE = "kato-sessions";
    public static final String KNOWLEDGE_STORE = "kato-knowledge";
    /** Records of a node held back while a session claim of that node is being decided. */
    public static final String PENDING_STORE = "kato-pending";
    /** User-chosen session id → the node that claimed it. */
    public static final String CLAIMS_STORE = "kato-session-claims";
    /** One key per task: the disk guard's latest state, an input (see DiskGuardHeader). */
    public static final String GUARD_STORE = "kato-guard";
    static final String PROCESSOR = "kato-node-processor";
    static final String CLAIM_PROCESSOR = "kato-claim-processor";

    /**
     * @param partitions the partition count of kato.commands and kato.observations (equal, checked by
     *                   {@link TopicProvisioner}): a node is owned by partition
     *                   {@code murmur2(canonical id) % partitions} ({@link NodePlacement})
     */
    public static Topology build(ServiceConfig config, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        ServiceConfig.Topics t = config.topics();
        ByteArrayDeserializer inKey = new ByteArrayDeserializer();
        ByteArrayDeserializer inValue = new ByteArrayDeserializer();
        ByteArraySerializer outKey = new ByteArraySerializer();
        ByteArraySerializer outValue = new ByteArraySerializer();

        java.util.Map<String, String> changelog = java.util.Map.of(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(TopicProvisioner.maxMessageBytes(config.maxRecordBytes())));
        Topology topology = new Topology();
        topology.addSource("commands-source", inKey, inValue, t.commands());
        topology.addSource("observations-source", inKey, inValue, t.observations());
        topology.addSource("routing-source", inKey, inValue, t.routing());
        topology.addProcessor(PROCESSOR, () -> new NodeProcessor(config, partitions),
                "commands-source", "observations-source", "routing-source");
        // Cached: a session or a symbol changed many times within one commit interval reaches the
        // changelog once (the cache is read-through, so every read still sees the latest write).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(changelog), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(KNOWLEDGE_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(changelog), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(changelog), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GUARD_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(changelog), PROCESSOR);
        topology.addSink("replies", t.replies(), outKey, outValue, PROCESSOR);
        topology.addSink("predictions", t.predictions(), outKey, outValue, PROCESSOR);
        topology.addSink("sessions", t.sessions(), outKey, outValue, PROCESSOR);
        topology.addSink("knowledge", t.knowledge(), outKey, outValue, new NodePrefixPartitioner(), PROCESSOR);
        topology.addSink("dead-letters", t.deadLetters(), outKey, outValue, PROCESSOR);
        topology.addSink("routing", t.routing(), outKey, outValue, new NodePlacement.ByKey(), PROCESSOR);
        topology.addSink("claims", t.sessionClaims(), outKey, outValue, new NodePlacement.ByKey(), PROCESSOR);
        // JSON audit records of the mutating commands published straight to Kafka (key = node id)
        topology.addSink("audit", t.audit(), outKey, outValue, PROCESSOR);

        // the claim sub-topology (its own tasks: partitioned by session id, not by node)
        topology.addSource("claims-source", inKey, inValue, t.sessionClaims());
        topology.addProcessor(CLAIM_PROCESSOR, ClaimProcessor::new, "claims-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLAIMS_STORE),
                Serdes.String(), Serdes.String()).withLoggingEnabled(changelog), CLAIM_PROCESSOR);
        topology.addSink("claim-results", t.routing(), outKey, outValue, new NodePlacement.ByKey(), CLAIM_PROCESSOR);
        return topology;
    }
}
