package io.katostreams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.serde.KatoSerdes;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A TopologyTestDriver around the KATO topology that speaks commands and replies. */
final class Driver implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> commands;
    final TestInputTopic<byte[], byte[]> observations;
    final TestOutputTopic<byte[], byte[]> replies;
    final TestOutputTopic<byte[], byte[]> predictions;
    final TestOutputTopic<byte[], byte[]> sessions;
    final TestOutputTopic<byte[], byte[]> knowledge;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    /** The topology's internal topics: moved records and claim answers; claims and releases. */
    final TestOutputTopic<byte[], byte[]> routing;
    final TestOutputTopic<byte[], byte[]> claims;
    /** The audit records of commands published straight to Kafka (JSON). */
    final TestOutputTopic<byte[], byte[]> audit;
    private final List<Reply> pendingReplies = new ArrayList<>();
    private int correlation;
    long now = Instant.parse("2025-01-01T12:00:00Z").toEpochMilli();

    Driver(ServiceConfig config) {
        this(config, 1);
    }

    /**
     * @param partitions the partition count the topology is told kato.commands / kato.observations
     *                   have. The test driver delivers every record on partition 0, so with more than
     *                   one partition, records of nodes that partition 0 does not own are moved.
     */
    Driver(ServiceConfig config, int partitions) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kato-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        try {
            p.put(StreamsConfig.STATE_DIR_CONFIG, java.nio.file.Files.createTempDirectory("kato-ttd").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(KatoTopology.build(config, partitions), p);
        ServiceConfig.Topics t = config.topics();
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        commands = driver.createInputTopic(t.commands(), ser, ser);
        observations = driver.createInputTopic(t.observations(), ser, ser);
        replies = driver.createOutputTopic(t.replies(), de, de);
        predictions = driver.createOutputTopic(t.predictions(), de, de);
        sessions = driver.createOutputTopic(t.sessions(), de, de);
        knowledge = driver.createOutputTopic(t.knowledge(), de, de);
        deadLetters = driver.createOutputTopic(t.deadLetters(), de, de);
        routing = driver.createOutputTopic(t.routing(), de, de);
        claims = driver.createOutputTopic(t.sessionClaims(), de, de);
        audit = driver.createOutputTopic(t.audit(), de, de);
    }

    Driver() {
        this(ServiceConfig.defaults());
    }

    /** Sends a command keyed by the node's canonical id and returns its reply. */
    Reply send(String nodeId, String sessionId, Object op) {
        return send(nodeId, sessionId, op, new org.apache.kafka.common.header.internals.RecordHeaders());
    }

    /** Sends a command with the given record headers (e.g. the kato-origin mark) and returns its reply. */
    Reply send(String nodeId, String sessionId, Object op, org.apache.kafka.common.header.Headers headers) {
        String id = "c" + (++correlation);
        Command c = Command.newBuilder().setCorrelationId(id).setReplyTo("test-bridge").setNodeId(nodeId)
                .setSessionId(sessionId).setOp(op).build();
        commands.pipeInput(new TestRecord<>(key(nodeId), KatoSerdes.commands().encode(c), headers, now));
        while (!replies.isEmpty()) pendingReplies.add(KatoSerdes.replies().decode(replies.readValue()));
        for (Reply r : pendingReplies) {
            if (r.getCorrelationId().equals(id)) {
                pendingReplies.remove(r);
                return r;
            }
        }
        throw new AssertionError("no reply to " + id);
    }

    static byte[] key(String nodeId) {
        return ProcessorId.sanitizeNode(nodeId).getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode body(Reply r) {
        try {
            return JSON.readTree(r.getBodyJson());
        } catch (Exception e) {
            throw new AssertionError("reply body is not JSON: " + r.getBodyJson(), e);
        }
    }

    List<PredictionSet> predictionSets() {
        List<PredictionSet> out = new ArrayList<>();
        while (!predictions.isEmpty()) out.add(KatoSerdes.predictions().decode(predictions.readValue()));
        return out;
    }

    List<TestRecord<byte[], byte[]>> sessionRecords() {
        return sessions.readRecordsToList();
    }

    static SessionState session(TestRecord<byte[], byte[]> r) {
        return r.value() == null ? null : KatoSerdes.sessions().decode(r.value());
    }

    List<TestRecord<byte[], byte[]>> knowledgeRecords() {
        return knowledge.readRecordsToList();
    }

    static KnowledgeRecord knowledge(TestRecord<byte[], byte[]> r) {
        return r.value() == null ? null : KatoSerdes.knowledge().decode(r.value());
    }

    @Override
    public void close() {
        driver.close();
    }
}
