package io.katostreams.topology;

import io.katostreams.schemas.DiskGuardHeader;
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
 * The one processor of the topology: it owns the sessions and knowledge of the nodes of its
 * partition (single writer). It decodes each input, re-keys records whose key is not the node's
 * canonical key, sends undecodable or inapplicable input to the dead-letter topic, runs the
 * {@link CommandHandler} and serialises what it returns. Nothing an input contains can make it throw.
 */
final class NodeProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcessor.class);

    private final ServiceConfig config;
    private final ServiceConfig.Topics topics;
    private final AvroSerde<Command> commands = KatoSerdes.commands();
    private final AvroSerde<ObservationRecord> observationRecords = KatoSerdes.observations();
    private final ObservationInputDeserializer observationInput = new ObservationInputDeserializer();
    private final Serializer<PredictionSet> predictionsOut;
    private final Serializer<DeadLetter> deadLettersOut;
    private ProcessorContext<byte[], byte[]> context;
    private CommandHandler handler;
    /** The disk guard's state of this task, as last received (see {@link DiskGuardHeader}). */
    private KeyValueStore<String, byte[]> guard;
    private boolean refusing;
    private static final String GUARD_KEY = "disk";
    private org.apache.kafka.common.metrics.Sensor commandsSensor, observationsSensor, deadLettersSensor, predictionsSensor;

    NodeProcessor(ServiceConfig config) {
        this.config = config;
        this.topics = config.topics();
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
        KeyValueStore<String, byte[]> sessions = context.getStateStore(KatoTopology.SESSIONS_STORE);
        KeyValueStore<String, byte[]> knowledge = context.getStateStore(KatoTopology.KNOWLEDGE_STORE);
        handler = new CommandHandler(config, new KafkaRecordStore<>(sessions, KatoSerdes.sessions()),
                new KafkaRecordStore<>(knowledge, KatoSerdes.knowledge()));
        guard = context.getStateStore(KatoTopology.GUARD_STORE);
        refusing = guard.get(GUARD_KEY) != null;
        handler.refuseGrowth(refusing ? DiskGuardHeader.REASON : null);
        // kato.sessions and kato.knowledge carry the stores' changes, published when the cache is flushed
        StoreChangeForwarder.install(context, KatoTopology.SESSIONS_STORE, "sessions");
        StoreChangeForwarder.install(context, KatoTopology.KNOWLEDGE_STORE, "knowledge");
        // Stream time, not wall-clock time: expiry is a function of the input (design principle 2).
        context.schedule(Duration.ofMillis(config.expiryScanMs()), PunctuationType.STREAM_TIME, handler::expire);
    }

    private org.apache.kafka.common.metrics.Sensor sensor(String operation) {
        return context.metrics().addRateTotalSensor("kato", "node-processor", operation,
                org.apache.kafka.common.metrics.Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        (topic.equals(topics.commands()) ? commandsSensor : observationsSensor).record();
        try {
            if (topic.equals(topics.commands())) processCommand(record);
            else processObservation(record);
        } catch (RuntimeException e) {
            LOG.warn("input from {} could not be processed: {}", topic, e.toString());
            deadLetter(record, reason(e), e);
        }
    }

    private void processCommand(Record<byte[], byte[]> record) {
        org.apache.kafka.common.header.Header g = record.headers().lastHeader(DiskGuardHeader.NAME);
        if (g != null) applyGuard(g.value());
        if (record.value() == null) {
            deadLetter(record, "value: a command record needs a value (tombstones are not commands)", null);
            return;
        }
        Command c;
        try {
            c = commands.decode(record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "value: not a Command (Avro single-object encoding expected): " + reason(e), e);
            return;
        }
        String canonical = ProcessorId.sanitizeNode(c.getNodeId());
        if (record.key() == null) {
            deadLetter(record, "key: missing; commands are keyed by the node id", null);
            return;
        }
        if (!canonical.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            reroute(record, canonical, record.value(), "commands-reroute");
            return;
        }
        emit(handler.handle(c, record.timestamp()), record);
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

    private void processObservation(Record<byte[], byte[]> record) {
        if (refusing) {
            // A small dead letter: the value is not copied (dead letters are on the same full disk);
            // the record stays on kato.observations, named by topic, partition and offset, to replay.
            deadLetter(record.withValue(null), DiskGuardHeader.REASON + "; the observation was not applied (its value "
                    + "is not copied here: replay it from the topic, partition and offset of this dead letter)", null);
            return;
        }
        if (record.key() == null) {
            deadLetter(record, "key: missing; observations are keyed by the node id", null);
            return;
        }
        if (record.value() == null) {
            deadLetter(record, "value: missing (a tombstone); an observation is a JSON object or an ObservationRecord", null);
            return;
        }
        ObservationRecord r;
        try {
            r = observationInput.deserializeWithKeyBytes(topics.observations(), record.key(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, reason(e), e);
            return;
        }
        String canonical = ProcessorId.sanitizeNode(r.getNodeId());
        if (!canonical.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            // re-encode so the raw node id travels in the value, not only in the old key
            reroute(record, canonical, observationRecords.encode(r), "observations-reroute");
            return;
        }
        String recordId = context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "-" + m.offset())
                .orElse("record-" + record.timestamp());
        try {
            emit(handler.handleObservation(r, record.timestamp(), recordId), record);
        } catch (CommandHandler.Rejected | StoreBackedKnowledgeBase.KnowledgeTooLarge e) {
            deadLetter(record, e.getMessage(), null);
        } catch (RuntimeException e) {
            // A defect, not bad input; still, failing the task would fail it again on this record
            // after every restart and stall the partition. Nothing of it was saved.
            LOG.error("observation at {} failed; sent to the dead-letter topic", recordId, e);
            deadLetter(record, "internal error: " + reason(e), e);
        }
    }

    private void reroute(Record<byte[], byte[]> record, String canonical, byte[] value, String sink) {
        if (value.length > config.maxRecordBytes()) {
            // re-encoding can grow a record (a JSON "1" is an 8-byte Avro double); it must stay writable
            deadLetter(record, "key: records of node '" + canonical + "' must be keyed by that canonical id; re-keying this "
                    + "one would need a record of " + value.length + " bytes, over KATO_MAX_RECORD_BYTES", null);
            return;
        }
        context.forward(record.withKey(canonical.getBytes(StandardCharsets.UTF_8)).withValue(value), sink);
    }

    private void emit(List<Output> outputs, Record<byte[], byte[]> cause) {
        long ts = cause.timestamp();
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

    private void deadLetter(Record<byte[], byte[]> record, String reason, Throwable error) {
        deadLettersSensor.record();
        RecordMetadata m = context.recordMetadata().orElse(null);
        byte[] key = record.key();
        byte[] value = record.value();
        String why = reason;
        byte[] out = deadLettersOut.serialize(topics.deadLetters(), deadLetterOf(m, key, value, why, record.timestamp(), error));
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
            out = deadLettersOut.serialize(topics.deadLetters(), deadLetterOf(m, key, value, why, record.timestamp(), error));
        }
        context.forward(new Record<>(key, out, record.timestamp()), "dead-letters");
    }

    private static DeadLetter deadLetterOf(RecordMetadata m, byte[] key, byte[] value, String reason, long timestamp,
                                           Throwable error) {
        return DeadLetter.newBuilder()
                .setTopic(m == null ? "" : m.topic())
                .setPartition(m == null ? -1 : m.partition())
                .setOffset(m == null ? -1 : m.offset())
                .setKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
                .setValue(value == null ? null : java.nio.ByteBuffer.wrap(value))
                .setReason(reason)
                .setFailedAt(Instant.ofEpochMilli(timestamp))
                .setErrorClass(error == null ? null : error.getClass().getName())
                .build();
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
