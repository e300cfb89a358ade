package io.katostreams.ops;

import io.katostreams.schemas.security.KafkaClientEnv;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.json.KatoJson;
import io.katostreams.schemas.serde.AvroSerde;
import io.katostreams.schemas.serde.KatoSerdes;
import io.katostreams.schemas.serde.SchemaHistory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code kato produce} and {@code kato tail}: publish JSON lines to a topic and print a topic's
 * records as JSON lines, with nothing but the product installed (no Kafka distribution, no kcat).
 *
 * <p>Contracts: {@code produce} keys every record by the node's canonical id (the key the REST
 * bridge uses), waits for every acknowledgement ({@code acks=all}, idempotent) and exits non-zero if
 * any line was not published. {@code tail} reads committed records only and prints each value as
 * one line of natural JSON: Avro single-object encoded values are decoded with the shipped schema
 * their fingerprint names and written as {@code KATO_OUTPUT_FORMAT=json} would have written them
 * ({@link KatoJson}); JSON values are printed as they are; anything else as
 * {@code {"undecodable_base64": …}}; a tombstone as {@code null}.
 */
final class TopicTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicTools() {}

    static final String PRODUCE_USAGE = "usage: kato produce [--node NODE] [--session SESSION] [TOPIC] < lines.jsonl";
    static final String TAIL_USAGE = "usage: kato tail TOPIC [--from-beginning] [--max N]";

    /**
     * Publishes the JSON objects read line by line from {@code in} to TOPIC (default: the
     * observations topic). The key is the line's {@code node_id}, else {@code --node}; {@code --node}
     * and {@code --session} are also filled into lines that lack {@code node_id}/{@code session_id}.
     * Blank lines are skipped; a line that is not a JSON object or has no node is reported on
     * {@code err} with its number and not published.
     *
     * @return 0 when every line was published, 1 otherwise
     */
    static int produce(String bootstrap, String topicPrefix, String[] args, InputStream in, PrintStream err) throws Exception {
        String node = null;
        String session = null;
        String topic = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--node" -> node = value(args, ++i, "--node", PRODUCE_USAGE);
                case "--session" -> session = value(args, ++i, "--session", PRODUCE_USAGE);
                default -> {
                    if (args[i].startsWith("--") || topic != null) throw new IllegalArgumentException(PRODUCE_USAGE);
                    topic = args[i];
                }
            }
        }
        topic = resolveTopic(bootstrap, topic == null ? "observations" : topic, topicPrefix);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<Integer> sentLines = new ArrayList<>();
            int lineNo = 0;
            int failed = 0;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (Exception e) {
                    json = null;
                }
                if (json == null || !json.isObject()) {
                    err.println("kato produce: line " + lineNo + ": not a JSON object; not published");
                    failed++;
                    continue;
                }
                ObjectNode obj = (ObjectNode) json;
                String lineNode = obj.hasNonNull("node_id") && obj.get("node_id").isTextual() ? obj.get("node_id").textValue() : null;
                String key = lineNode != null ? lineNode : node;
                if (key == null) {
                    err.println("kato produce: line " + lineNo + ": no node_id and no --node; not published");
                    failed++;
                    continue;
                }
                boolean changed = false;
                if (lineNode == null && !obj.has("node_id")) {
                    obj.put("node_id", key);
                    changed = true;
                }
                if (session != null && !obj.has("session_id")) {
                    obj.put("session_id", session);
                    changed = true;
                }
                byte[] value = changed ? JSON.writeValueAsBytes(obj) : line.strip().getBytes(StandardCharsets.UTF_8);
                byte[] k = ProcessorId.sanitizeNode(key).getBytes(StandardCharsets.UTF_8);
                sent.add(producer.send(new ProducerRecord<>(topic, k, value)));
                sentLines.add(lineNo);
            }
            producer.flush();
            int published = 0;
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get(60, TimeUnit.SECONDS);
                    published++;
                } catch (Exception e) {
                    err.println("kato produce: line " + sentLines.get(i) + ": not published: " + rootMessage(e));
                    failed++;
                }
            }
            err.println("kato produce: published " + published + " records to " + topic
                    + (failed > 0 ? ", " + failed + " lines failed" : ""));
            return failed == 0 ? 0 : 1;
        }
    }

    /**
     * Prints TOPIC's committed records as JSON lines on {@code out}: new ones (or all of them with
     * {@code --from-beginning}) until {@code --max} records were printed, or forever.
     */
    static int tail(String bootstrap, String topicPrefix, String[] args, PrintStream out, PrintStream err) {
        String topic = null;
        boolean fromBeginning = false;
        long max = Long.MAX_VALUE;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--from-beginning" -> fromBeginning = true;
                case "--max" -> {
                    String v = value(args, ++i, "--max", TAIL_USAGE);
                    try {
                        max = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        max = -1;
                    }
                    if (max < 1) throw new IllegalArgumentException("--max " + v + ": expected a positive integer");
                }
                default -> {
                    if (args[i].startsWith("--") || topic != null) throw new IllegalArgumentException(TAIL_USAGE);
                    topic = args[i];
                }
            }
        }
        if (topic == null) throw new IllegalArgumentException(TAIL_USAGE);
        String name = resolveTopic(bootstrap, topic, topicPrefix);
        Properties p = new Properties();
        p.putAll(KafkaClientEnv.properties(System.getenv())); // the KAFKA_* security of the CLI's principal
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(name)) parts.add(new TopicPartition(name, pi.partition()));
            c.assign(parts);
            if (fromBeginning) c.seekToBeginning(parts);
            else c.seekToEnd(parts);
            parts.forEach(c::position); // fix the start now, not at the first poll
            err.println("kato tail: reading " + name + (fromBeginning ? " from the beginning" : " from now on")
                    + " (committed records, " + parts.size() + " partitions)");
            long printed = 0;
            while (printed < max) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.println(toJsonLine(r.value()));
                    if (++printed >= max) break;
                }
                out.flush();
            }
        }
        return 0;
    }

    /**
     * One record value as one line of JSON: Avro single-object encoding → natural JSON of the record
     * the fingerprint names; UTF-8 JSON → itself (compacted); null → {@code null}; else a base64 wrapper.
     */
    static String toJsonLine(byte[] value) {
        if (value == null) return "null";
        if (AvroSerde.isSingleObjectEncoded(value) && value.length >= 10) {
            long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            Optional<SchemaHistory.Version> v = SchemaHistory.get().find(fingerprint);
            if (v.isPresent()) {
                try {
                    @SuppressWarnings("unchecked") Class<SpecificRecord> type =
                            (Class<SpecificRecord>) SpecificData.get().getClass(v.get().schema());
                    if (type != null) return KatoJson.toJson(KatoSerdes.avro(type).decode(value));
                } catch (RuntimeException e) {
                    // not decodable after all: shown as bytes below
                }
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            return JSON.writeValueAsString(JSON.readTree(text));
        } catch (CharacterCodingException e) {
            // not text
        } catch (Exception e) {
            // text, but not JSON
        }
        return "{\"undecodable_base64\":\"" + Base64.getEncoder().encodeToString(value) + "\"}";
    }

    /**
     * {@code name} if the broker has it, else {@code prefix + name} if that exists ({@code predictions}
     * → {@code kato.predictions}). Asked through the admin client: a producer's or consumer's
     * metadata request could auto-create a misspelt topic.
     */
    static String resolveTopic(String bootstrap, String name, String prefix) {
        Properties p = new Properties();
        p.putAll(KafkaClientEnv.properties(System.getenv())); // the KAFKA_* security of the CLI's principal
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        java.util.Set<String> names;
        try (Admin admin = Admin.create(p)) {
            names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the topics at " + bootstrap + ": " + rootMessage(e));
        }
        if (names.contains(name)) return name;
        if (!name.startsWith(prefix) && names.contains(prefix + name)) return prefix + name;
        throw new IllegalArgumentException("topic " + name + " does not exist at " + bootstrap
                + (name.startsWith(prefix) ? "" : " (nor " + prefix + name + ")") + "; is KATO running on this broker?");
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.putAll(KafkaClientEnv.properties(System.getenv())); // the KAFKA_* security of the CLI's principal
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // an unknown topic fails fast instead of blocking 60 s
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String value(String[] args, int i, String flag, String usage) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value; " + usage);
        return args[i];
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }
}
