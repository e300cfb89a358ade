package io.katostreams.topology;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the KATO topology (no I/O). Commands and observations, both keyed by the node's canonical
 * id, feed one processor that owns the session and knowledge stores of its partition's nodes; it
 * writes replies, predictions, session states, knowledge records and dead letters.
 *
 * <pre>
 *   kato.commands ─────┐                                 ┌─> kato.replies      (key = reply_to)
 *                      ├─> node processor [sessions,     ├─> kato.predictions  (key = node_id)
 *   kato.observations ─┘    knowledge stores]            ├─> kato.sessions     (key = session_id, compacted)
 *          ^   ^                 │                       ├─> kato.knowledge    (key = &lt;processor_id&gt;/…, compacted,
 *          │   │                 │                       │                      partitioned by processor_id)
 *          └───┴── re-keyed ─────┘                       └─> kato.dead-letters (key = original key)
 * </pre>
 */
public final class KatoTopology {
    private KatoTopology() {}

    public static final String SESSIONS_STORE = "kato-sessions";
    public static final String KNOWLEDGE_STORE = "kato-knowledge";
    /** One key per task: the disk guard's latest state, an input (see DiskGuardHeader). */
    public static final String GUARD_STORE = "kato-guard";
    static final String PROCESSOR = "kato-node-processor";

    public static Topology build(ServiceConfig config) {
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
        topology.addProcessor(PROCESSOR, () -> new NodeProcessor(config), "commands-source", "observations-source");
        // Cached: a session or a symbol changed many times within one commit interval reaches the
        // changelog once (the cache is read-through, so every read still sees the latest write).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(changelog), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(KNOWLEDGE_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(changelog), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GUARD_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(changelog), PROCESSOR);
        topology.addSink("replies", t.replies(), outKey, outValue, PROCESSOR);
        topology.addSink("predictions", t.predictions(), outKey, outValue, PROCESSOR);
        topology.addSink("sessions", t.sessions(), outKey, outValue, PROCESSOR);
        topology.addSink("knowledge", t.knowledge(), outKey, outValue, new NodePrefixPartitioner(), PROCESSOR);
        topology.addSink("dead-letters", t.deadLetters(), outKey, outValue, PROCESSOR);
        topology.addSink("commands-reroute", t.commands(), outKey, outValue, PROCESSOR);
        topology.addSink("observations-reroute", t.observations(), outKey, outValue, PROCESSOR);
        return topology;
    }
}
