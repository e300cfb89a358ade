package io.katostreams.topology;

import io.katostreams.schemas.DiskGuardHeader;
import io.katostreams.schemas.OriginHeader;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import io.katostreams.schemas.serde.ObservationInputDeserializer;
import io.katostreams.schemas.serde.OutputFormat;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The processor of the node tasks: it owns the sessions and knowledge of the nodes of its partition
 * (single writer). It decodes each input, moves a record that arrived on another partition than its
 * node's to that partition ({@code kato.routing}), has user-chosen session ids claimed before a
 * session is created under one ({@code kato.session-claims}, {@link ClaimProcessor}), sends
 * undecodable or inapplicable input to the dead-letter topic, runs the {@link CommandHandler} and
 * serialises what it returns. Nothing an input contains can make it throw.
 *
 * <p><b>Placement.</b> Node N is owned by the task of partition {@link NodePlacement#partitionOf}(N's
 * canonical id) of kato.commands and kato.observations, the partition the Java producer (and so the
 * REST bridge) picks for key N. A record that arrives on another partition (librdkafka's CRC32
 * partitioner, an explicit partition, a null key, a raw spelling of an aliased node id) is written,
 * unchanged and with its origin, to kato.routing at N's partition, inside this task's transaction,
 * and processed when it comes back there; it is counted ({@code misplaced-records}), never
 * dead-lettered for its placement. Records read from kato.routing are not placed again.
 *
 * <p><b>Claims.</b> Before a session with a user-chosen id S (any id that is not of the REST API's
 * minted form, which is unique by construction) is created for node N, S must be claimed for N: the
 * record is held in the {@code kato-pending} store, a claim goes to kato.session-claims (partitioned
 * by S), and every later record of N waits behind it in arrival order until the answer arrives on
 * kato.routing; then the held records are processed in order (refused, for S, when another node owns
 * it). A session held by this task needs no claim, so only the first record of a new session takes
 * the detour. Deleting or expiring a session with a user-chosen id releases its claim.
 */
final class NodeProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcessor.class);

    private final ServiceConfig config;
    private final ServiceConfig.Topics topics;
    private final int partitions;
    private final AvroSerde<Command> commands = KatoSerdes.commands();
    private final ObservationInputDeserializer observationInput = new ObservationInputDeserializer();
    private final Serializer<PredictionSet> predictionsOut;
    private final Serializer<DeadLetter> deadLettersOut;
    private ProcessorContext<byte[], byte[]> context;
    private CommandHandler handler;
    private KeyValueStore<String, byte[]> pending;
    /** The nodes with an entry in {@code pending} (a membership test per record, without a store read). */
    private final java.util.Set<String> waitingNodes = new java.util.HashSet<>();
    private org.apache.kafka.common.metrics.Sensor commandsSensor, observationsSensor, deadLettersSensor, predictionsSensor,
            misplacedSensor, claimsRefusedSensor;
    /** The disk guard's state of this task, as last received (see {@link DiskGuardHeader}). */
    private KeyValueStore<String, byte[]> guard;
    private boolean refusing;
    private static final String GUARD_KEY = "disk";

    NodeProcessor(ServiceConfig config, int partitions) {
        this.config = config;
        this.topics = config.topics();
        this.partitions = partitions;
        OutputFormat format = config.jsonOutput() ? OutputFormat.JSON : OutputFormat.AVRO;
        this.predictionsOut = KatoSerdes.outputSerializer(PredictionSet.class, format);
        this.deadLettersOut = KatoSerdes.outputSerializer(DeadLetter.class, format);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        // Counted through Kafka Streams' own registry, so they are exported with its metrics.
        commandsSensor = sensor("commands");
        observationsSensor = sensor("observations");
        deadLettersSensor = sensor("dead-letters");
        predictionsSensor = sensor("prediction-sets");
        misplacedSensor = sensor("misplaced-records");
        claimsRefusedSensor = sensor("session-claims-refused");
        KeyValueStore<String, byte[]> sessions = context.getStateStore(KatoTopology.SESSIONS_STORE);
        KeyValueStore<String, byte[]> knowledge = context.getStateStore(KatoTopology.KNOWLEDGE_STORE);
        pending = context.getStateStore(KatoTopology.PENDING_STORE);
        // the nodes waiting for a claim, from the store (restored before init); kept in step below
        try (var it = pending.prefixScan("w/", new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> waitingNodes.add(kv.key.substring(2)));
        }
        handler = new CommandHandler(config, new KafkaRecordStore<>(sessions, KatoSerdes.sessions()),
                new KafkaRecordStore<>(knowledge, KatoSerdes.knowledge()));
        guard = context.getStateStore(KatoTopology.GUARD_STORE);
        refusing = guard.get(GUARD_KEY) != null;
        handler.refuseGrowth(refusing ? DiskGuardHeader.REASON : null);
        // kato.sessions and kato.knowledge carry the stores' changes, published when the cache is flushed
        StoreChangeForwarder.install(context, KatoTopology.SESSIONS_STORE, "sessions");
        StoreChangeForwarder.install(context, KatoTopology.KNOWLEDGE_STORE, "knowledge");
        // Stream time, not wall-clock time: expiry is a function of the input (design principle 2).
        context.schedule(Duration.ofMillis(config.expiryScanMs()), PunctuationType.STREAM_TIME, now -> {
            handler.expire(now);
            sendReleases(now);
        });
    }

    private org.apache.kafka.common.metrics.Sensor sensor(String operation) {
        return context.metrics().addRateTotalSensor("kato", "node-processor", operation,
                org.apache.kafka.common.metrics.Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? "" : m.topic();
        boolean command = topic.equals(topics.commands());
        // a command without the bridge's or the CLI's mark was published straight to Kafka: the
        // topology audits it (decided here, at arrival, and carried along through a move or the claim queue)
        boolean audit = command && config.auditKafkaCommands() && record.headers().lastHeader(OriginHeader.NAME) == null;
        Routed.Input in = new Routed.Input(command ? Routed.COMMAND : Routed.OBSERVATION, topic,
                m == null ? -1 : m.partition(), m == null ? -1 : m.offset(), record.timestamp(), record.key(), record.value(),
                audit);
        try {
            if (topic.equals(topics.commands())) {
                // the bridge's ticks carry the disk guard's state: an input, so a replay sees what the first run saw
                org.apache.kafka.common.header.Header g = record.headers().lastHeader(DiskGuardHeader.NAME);
                if (g != null) applyGuard(g.value());
            }
            if (topic.equals(topics.routing())) {
                processRouted(in);
                return;
            }
            (in.isCommand() ? commandsSensor : observationsSensor).record();
            arrive(in, true);
        } catch (RuntimeException e) {
            LOG.warn("input from {} could not be processed: {}", topic, e.toString());
            deadLetter(in, reason(e), e);
        }
    }

    // ---- placement ------------------------------------------------------------------------------

    /** A decoded input record: what placement and the claim check need. */
    private record Decoded(Routed.Input in, Command command, ObservationRecord observation, String node, String rawNode,
                           String sessionToCreate) {
        /** The bridge's stream-time ticks (and any session count): about a partition, not a node. */
        boolean partitionScoped() {
            return command != null && command.getOp() instanceof io.katostreams.schemas.avro.CountSessions;
        }
    }

    /** A new disk guard state from the input: kept in the store, so a replay sees what the first run saw. */
    private void applyGuard(byte[] value) {
        boolean refuse = value != null && DiskGuardHeader.REFUSE.equals(new String(value, StandardCharsets.UTF_8));
        if (refuse == refusing) return;
        refusing = refuse;
        if (refuse) guard.put(GUARD_KEY, value);
        else guard.delete(GUARD_KEY);
        handler.refuseGrowth(refuse ? DiskGuardHeader.REASON : null);
        LOG.warn("disk guard {} on partition {}", refuse ? "ON: refusing observations and learns" : "off: accepting again",
                context.taskId());
    }

    /** Decodes an input record; null when it went to the dead-letter topic instead. */
    private Decoded decode(Routed.Input in) {
        if (in.isCommand()) {
            if (in.value() == null) {
                deadLetter(in, "value: a command record needs a value (tombstones are not commands)", null);
                return null;
            }
            Command c;
            try {
                c = commands.decode(in.value());
            } catch (RuntimeException e) {
                deadLetter(in, "value: not a Command (Avro single-object encoding expected): " + reason(e), e);
                return null;
            }
            String create = c.getOp() instanceof io.katostreams.schemas.avro.CreateSession cs ? cs.getSessionId() : null;
            return new Decoded(in, c, null, ProcessorId.sanitizeNode(c.getNodeId()), c.getNodeId(), create);
        }
        if (in.value() == null) {
            deadLetter(in, "value: missing (a tombstone); an observation is a JSON object or an ObservationRecord", null);
            return null;
        }
        ObservationRecord r;
        try {
            // the key (when there is one) fills a missing node_id; without a key node_id must be in the body
            r = observationInput.deserializeWithKeyBytes(topics.observations(), in.key(), in.value());
        } catch (RuntimeException e) {
            deadLetter(in, reason(e), e);
            return null;
        }
        String session = r.getSessionId() != null && !r.getSessionId().isEmpty() ? r.getSessionId() : null;
        return new Decoded(in, null, r, ProcessorId.sanitizeNode(r.getNodeId()), r.getNodeId(), session);
    }

    /**
     * An input record reached this task. From kato.commands / kato.observations ({@code checkPlacement}),
     * a record of a node this partition does not own is moved to the owner's partition.
     */
    private void arrive(Routed.Input in, boolean checkPlacement) {
        Decoded d = decode(in);
        if (d == null) return;
        if (d.partitionScoped()) {
            emit(handler.handle(d.command(), in.timestamp()), in.timestamp());
            return;
        }
        if (checkPlacement && NodePlacement.partitionOf(d.node(), partitions) != in.partition()) {
            move(d);
            return;
        }
        place(d);
    }

    private void move(Decoded d) {
        byte[] key = d.node().getBytes(StandardCharsets.UTF_8);
        byte[] value = Routed.encode(d.in());
        if (key.length + value.length + 1024 > TopicProvisioner.maxMessageBytes(config.maxRecordBytes())) {
            // the copy carries the origin, a few bytes more than the record; it must stay writable
            deadLetter(d.in(), "key: this record of node '" + d.rawNode() + "' arrived on partition " + d.in().partition()
                    + ", not on its node's partition " + NodePlacement.partitionOf(d.node(), partitions) + ", and is too close "
                    + "to KATO_MAX_RECORD_BYTES to be moved there: key it by the canonical node id '" + d.node() + "' with "
                    + "the Java (murmur2) partitioner", null);
            return;
        }
        misplacedSensor.record();
        context.forward(new Record<>(key, value, d.in().timestamp()), "routing");
    }

    private void processRouted(Routed.Input routed) {
        byte kind;
        try {
            kind = Routed.kind(routed.value());
        } catch (RuntimeException e) {
            deadLetter(routed, reason(e) + " (" + topics.routing() + " is written by the topology only)", e);
            return;
        }
        if (kind == Routed.COMMAND || kind == Routed.OBSERVATION) {
            arrive(Routed.decodeInput(routed.value()), false);
        } else if (kind == Routed.CLAIM_RESULT) {
            resolve(Routed.decodeClaimResult(routed.value()), routed.timestamp());
        } else {
            deadLetter(routed, "value: unexpected routing record kind " + kind, null);
        }
    }

    // ---- session claims -------------------------------------------------------------------------

    /** The claim a record of node N waits for, and its queue: sequence numbers head (first held) to tail (next free). */
    private record Waiting(String sessionId, long head, long tail) {
        byte[] encode() {
            return (head + " " + tail + " " + sessionId).getBytes(StandardCharsets.UTF_8);
        }

        static Waiting decode(byte[] b) {
            String s = new String(b, StandardCharsets.UTF_8);
            int a = s.indexOf(' '), c = s.indexOf(' ', a + 1);
            return new Waiting(s.substring(c + 1), Long.parseLong(s.substring(0, a)), Long.parseLong(s.substring(a + 1, c)));
        }
    }

    private static String waitingKey(String node) {
        return "w/" + node; // canonical node ids contain no '/'
    }

    private static String queueKey(String node, long seq) {
        return "q/" + node + "/" + String.format("%019d", seq);
    }

    /** The user-chosen session id this record would create a session under, when it must be claimed first. */
    private String claimNeeded(Decoded d) {
        String s = d.sessionToCreate();
        return s != null && handler.needsClaim(s, d.in().timestamp()) ? s : null;
    }

    /** Processes a record of a node this task owns, in order behind the node's records held for a claim. */
    private void place(Decoded d) {
        byte[] w = waitingNodes.contains(d.node()) ? pending.get(waitingKey(d.node())) : null;
        if (w != null) {
            Waiting waiting = Waiting.decode(w);
            pending.put(queueKey(d.node(), waiting.tail()), Routed.encode(d.in()));
            pending.put(waitingKey(d.node()), new Waiting(waiting.sessionId(), waiting.head(), waiting.tail() + 1).encode());
            return;
        }
        String claim = claimNeeded(d);
        if (claim != null) {
            pending.put(queueKey(d.node(), 0), Routed.encode(d.in()));
            pending.put(waitingKey(d.node()), new Waiting(claim, 0, 1).encode());
            waitingNodes.add(d.node());
            sendClaim(new Routed.Claim(false, claim, d.rawNode()), d.in().timestamp());
            return;
        }
        handle(d);
    }

    /** The claim store answered: the node's held records are processed in order, up to the next record needing a claim. */
    private void resolve(Routed.ClaimResult r, long ts) {
        String node = ProcessorId.sanitizeNode(r.nodeId());
        byte[] w = pending.get(waitingKey(node));
        Waiting waiting = w == null ? null : Waiting.decode(w);
        if (waiting == null || !waiting.sessionId().equals(r.sessionId())) {
            LOG.warn("claim answer for session {} of node {} that nobody waits for; ignored", r.sessionId(), r.nodeId());
            return;
        }
        long seq = waiting.head();
        Decoded next = null;
        for (; seq < waiting.tail(); seq++) {
            String key = queueKey(node, seq);
            Routed.Input in = Routed.decodeInput(pending.get(key));
            try {
                Decoded d = decode(in);
                if (d != null) {
                    String claim = claimNeeded(d);
                    if (claim != null && !claim.equals(r.sessionId())) {
                        next = d; // waits for its own claim, and the records after it with it
                        break;
                    }
                    if (claim != null && !r.granted()) refuse(d, r);
                    else handle(d);
                }
            } catch (RuntimeException e) {
                LOG.warn("held record from {} could not be processed: {}", in.topic(), e.toString());
                deadLetter(in, reason(e), e);
            }
            pending.delete(key);
        }
        if (r.granted() && !handler.holds(r.sessionId(), node, ts)) {
            // granted but no session was created (the record was refused): the id stays free
            sendClaim(new Routed.Claim(true, r.sessionId(), r.nodeId()), ts);
        }
        sendReleases(ts);
        if (next == null) {
            pending.delete(waitingKey(node));
            waitingNodes.remove(node);
        } else {
            pending.put(waitingKey(node), new Waiting(next.sessionToCreate(), seq, waiting.tail()).encode());
            sendClaim(new Routed.Claim(false, next.sessionToCreate(), next.rawNode()), next.in().timestamp());
        }
    }

    private void refuse(Decoded d, Routed.ClaimResult r) {
        claimsRefusedSensor.record();
        String reason = "session_id: session " + r.sessionId() + " belongs to node '" + r.owner() + "', not '" + d.rawNode()
                + "': a session id you choose is claimed by the first node that uses it, and records of any other node "
                + "naming it are refused (docs/topology.md, \"Keys and node ownership\")";
        if (d.command() != null && d.command().getReplyTo() != null) {
            emit(handler.refused(d.command(), 409, reason), d.in().timestamp());
        } else {
            deadLetter(d.in(), reason, null);
        }
        if (d.command() != null) audit(d, 409);
    }

    private void sendClaim(Routed.Claim c, long ts) {
        // releases due first: an id released (its session found expired) and claimed again by the
        // same node must reach the claim store in that order
        if (!c.release()) sendReleases(ts);
        context.forward(new Record<>(c.sessionId().getBytes(StandardCharsets.UTF_8), Routed.encode(c), ts), "claims");
    }

    /** Releases the claims of the user-chosen session ids the handler removed (deleted or expired). */
    private void sendReleases(long ts) {
        for (CommandHandler.Release r : handler.takeReleases()) {
            Routed.Claim c = new Routed.Claim(true, r.sessionId(), r.nodeId());
            context.forward(new Record<>(c.sessionId().getBytes(StandardCharsets.UTF_8), Routed.encode(c), ts), "claims");
        }
    }

    // ---- processing -----------------------------------------------------------------------------

    private void handle(Decoded d) {
        Routed.Input in = d.in();
        if (d.command() != null) {
            emit(handler.handle(d.command(), in.timestamp()), in.timestamp());
            audit(d, handler.lastStatus());
            sendReleases(in.timestamp());
            return;
        }
        if (refusing) {
            // A small dead letter: the value is not copied (dead letters are on the same full disk);
            // the record stays on its input topic, named by topic, partition and offset, to replay.
            deadLetter(new Routed.Input(in.kind(), in.topic(), in.partition(), in.offset(), in.timestamp(), in.key(), null,
                    false),
                    DiskGuardHeader.REASON + "; the observation was not applied (its value is not copied here: replay it "
                    + "from the topic, partition and offset of this dead letter)", null);
            sendReleases(in.timestamp());
            return;
        }
        try {
            emit(handler.handleObservation(d.observation(), in.timestamp(), in.recordId()), in.timestamp());
        } catch (CommandHandler.Rejected | StoreBackedKnowledgeBase.KnowledgeTooLarge e) {
            deadLetter(in, e.getMessage(), null);
        } catch (RuntimeException e) {
            // A defect, not bad input; still, failing the task would fail it again on this record
            // after every restart and stall the partition. Nothing of it was saved.
            LOG.error("observation at {} failed; sent to the dead-letter topic", in.recordId(), e);
            deadLetter(in, "internal error: " + reason(e), e);
        }
        sendReleases(in.timestamp());
    }

    // ---- audit ----------------------------------------------------------------------------------

    /**
     * Writes the audit record of a mutating command published straight to Kafka (no kato-origin
     * header), in the shape the REST bridge writes (docs/security.md, "Audit trail"). Called where the
     * command is processed, at its node's owner, so a moved record is audited once. Deterministic:
     * the time is the record's timestamp and the trace id derives from the record's origin. Kafka
     * records do not carry the producer's principal, so key_id is "kafka" and role is null.
     */
    private void audit(Decoded d, Integer status) {
        Routed.Input in = d.in();
        if (!in.audit() || !mutating(d.command().getOp())) return;
        Command c = d.command();
        String origin = in.topic() + "/" + in.partition() + "@" + in.offset();
        com.fasterxml.jackson.databind.node.ObjectNode r = PlainJson.MAPPER.createObjectNode();
        r.put("time", Instant.ofEpochMilli(in.timestamp()).toString());
        r.putNull("bridge_id");
        r.put("key_id", "kafka");
        r.putNull("role");
        r.put("node_id", d.rawNode()); // as the command names it, like the bridge's records
        r.put("method", "KAFKA");
        r.put("route", "kafka " + c.getOp().getClass().getSimpleName());
        r.put("path", origin);
        r.put("session_id", c.getSessionId() != null ? c.getSessionId() : d.sessionToCreate()); // CreateSession: in the op
        if (status == null) r.putNull("status");
        else r.put("status", status);
        r.put("outcome", status == null || status < 400 ? "ok" : "error");
        r.put("trace_id", "kafka-" + in.recordId());
        r.put("client", "kafka:" + origin);
        byte[] value;
        try {
            value = PlainJson.MAPPER.writeValueAsBytes(r);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // an ObjectNode of strings and numbers always serialises
        }
        context.forward(new Record<>(d.rawNode().getBytes(StandardCharsets.UTF_8), value, in.timestamp()), "audit");
    }

    /** The command ops that change state; reads, existence probes, counts (ticks) and exports are not audited. */
    static boolean mutating(Object op) {
        return op instanceof io.katostreams.schemas.avro.CreateSession || op instanceof io.katostreams.schemas.avro.DeleteSession
                || op instanceof io.katostreams.schemas.avro.ExtendSession || op instanceof io.katostreams.schemas.avro.UpdateConfig
                || op instanceof io.katostreams.schemas.avro.Observe || op instanceof io.katostreams.schemas.avro.ObserveSequence
                || op instanceof io.katostreams.schemas.avro.Learn || op instanceof io.katostreams.schemas.avro.ClearStm
                || op instanceof io.katostreams.schemas.avro.ClearAll || op instanceof io.katostreams.schemas.avro.ForgetNode
                || op instanceof io.katostreams.schemas.avro.ImportNode;
    }

    private void emit(List<Output> outputs, long ts) {
        for (Output o : outputs) {
            String sink;
            byte[] value;
            switch (o.kind()) {
                case REPLY:
                    sink = "replies";
                    value = KatoSerdes.replies().serializer().serialize(topics.replies(), (io.katostreams.schemas.avro.Reply) o.value());
                    if (value.length > config.maxRecordBytes()) {
                        value = KatoSerdes.replies().serializer().serialize(topics.replies(), CommandHandler.tooLarge(
                                (io.katostreams.schemas.avro.Reply) o.value(), value.length, config.maxRecordBytes()));
                    }
                    break;
                case PREDICTIONS:
                    sink = "predictions";
                    value = predictionsOut.serialize(topics.predictions(), (PredictionSet) o.value());
                    predictionsSensor.record();
                    if (value.length > config.maxRecordBytes()) {
                        // a derived output: skipping it is safe, failing the task is not
                        LOG.warn("prediction set of {} bytes for node {} exceeds KATO_MAX_RECORD_BYTES; not published",
                                value.length, o.key());
                        continue;
                    }
                    break;
                case SESSIONS:
                    sink = "sessions";
                    value = o.value() == null ? null : KatoSerdes.sessions().serializer().serialize(topics.sessions(),
                            (io.katostreams.schemas.avro.SessionState) o.value());
                    break;
                default:
                    throw new IllegalStateException("unexpected output " + o.kind());
            }
            context.forward(new Record<>(o.key().getBytes(StandardCharsets.UTF_8), value, ts), sink);
        }
    }

    private void deadLetter(Routed.Input in, String reason, Throwable error) {
        deadLettersSensor.record();
        byte[] key = in.key();
        byte[] value = in.value();
        String why = reason;
        byte[] out = deadLettersOut.serialize(topics.deadLetters(), deadLetterOf(in, key, value, why, error));
        // The copy of a record close to the limit can exceed it (JSON output base64-encodes it):
        // then the copy is cut to fit, or the dead letter could not be written and the record would
        // fail the task again after every restart.
        for (int attempt = 0; out.length > config.maxRecordBytes() && attempt < 5; attempt++) {
            double keep = 0.9 * config.maxRecordBytes() / out.length;
            byte[] k = key == null || key.length < 1024 ? key : java.util.Arrays.copyOf(key, (int) (key.length * keep));
            byte[] v = value == null ? null : java.util.Arrays.copyOf(value, (int) (value.length * keep));
            why = reason + " (dead letter copy truncated to fit KATO_MAX_RECORD_BYTES: key " + (key == null ? 0 : key.length)
                    + " → " + (k == null ? 0 : k.length) + " bytes, value " + (value == null ? 0 : value.length) + " → "
                    + (v == null ? 0 : v.length) + " bytes)";
            key = k;
            value = v;
            out = deadLettersOut.serialize(topics.deadLetters(), deadLetterOf(in, key, value, why, error));
        }
        context.forward(new Record<>(key, out, in.timestamp()), "dead-letters");
    }

    private static DeadLetter deadLetterOf(Routed.Input in, byte[] key, byte[] value, String reason, Throwable error) {
        return DeadLetter.newBuilder()
                .setTopic(in.topic())
                .setPartition(in.partition())
                .setOffset(in.offset())
                .setKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
                .setValue(value == null ? null : java.nio.ByteBuffer.wrap(value))
                .setReason(reason)
                .setFailedAt(Instant.ofEpochMilli(in.timestamp()))
                .setErrorClass(error == null ? null : error.getClass().getName())
                .build();
    }
    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
