package io.katostreams.ops.bench;

import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.ops.TopicDiskUsage;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.serde.KatoSerdes;
import io.katostreams.topology.KatoStreamsApp;
import io.katostreams.topology.ServiceConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Bytes on the broker's disk per observation (issue 16): trains {@code patterns} patterns, then
 * applies {@code observations} observations — through kato.commands as the REST bridge sends them
 * ({@code path=rest}: Observe commands with a reply each) or through kato.observations
 * ({@code path=topic}) — and reports the growth of every topic's logs (Admin#describeLogDirs)
 * divided by the observations. Any KATO_* variable may be given as an argument to set the
 * topology's environment (e.g. {@code KATO_TOPIC_COMPRESSION=uncompressed
 * KATO_PUBLISH_REST_PREDICTIONS=true} for the behaviour before issue 16).
 *
 * <pre>
 *   java -cp ops/target/kato-ops.jar io.katostreams.ops.bench.DiskBenchmark \
 *        [path=rest|topic] [observations=20000] [patterns=6000] [KATO_…=…]
 * </pre>
 */
public final class DiskBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        Map<String, String> env = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            (kv[0].startsWith("KATO_") ? env : a).put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        boolean rest = !"topic".equals(a.getOrDefault("path", "rest"));
        int observations = Integer.parseInt(a.getOrDefault("observations", "20000"));
        int patterns = Integer.parseInt(a.getOrDefault("patterns", "6000"));
        String node = "disk-bench";
        Path dir = Files.createTempDirectory("kato-disk-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).start()) {
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("KATO_STATE_DIR", dir.resolve("streams").toString());
            env.putIfAbsent("KATO_PARTITIONS", "2");
            ServiceConfig config = ServiceConfig.fromEnvironment(env);
            ServiceConfig.Topics topics = config.topics();
            try (KatoStreamsApp app = new KatoStreamsApp(config, env).start();
                 KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                SplittableRandom random = new SplittableRandom(16);
                command(producer, topics, node, null, new CreateSession("train", node, "{}", null,
                        "{\"max_pattern_length\":7,\"process_predictions\":false}"));
                for (int p = 0; p < patterns; p++) {
                    for (int e = 0; e < 7; e++) producer.send(observation(topics, node, "train", event(random)));
                }
                producer.flush();
                awaitApplied(admin, topics);
                // the sessions of the measured phase: STM of up to 5 events, auto-learn, predictions on (defaults otherwise)
                for (int s = 0; s < 20; s++) {
                    command(producer, topics, node, null, new CreateSession("m-" + s, node, "{}", null,
                            "{\"max_pattern_length\":5}"));
                }
                producer.flush();
                awaitApplied(admin, topics);
                Thread.sleep(2_000); // let the last transaction markers and flushes land
                Map<String, Long> before = TopicDiskUsage.bytesPerTopic(admin);
                long start = System.nanoTime();
                for (int i = 0; i < observations; i++) {
                    String session = "m-" + (i % 20);
                    List<String> event = event(random);
                    if (rest) {
                        command(producer, topics, node, session, new Observe(new Observation(event, List.of(), Map.of(), "{}", null)));
                    } else {
                        producer.send(observation(topics, node, session, event));
                    }
                }
                producer.flush();
                awaitApplied(admin, topics);
                double seconds = (System.nanoTime() - start) / 1e9;
                Thread.sleep(2_000);
                Map<String, Long> after = TopicDiskUsage.bytesPerTopic(admin);
                long sets = endOffsets(admin, topics.predictions());
                Map<String, Long> growth = new TreeMap<>();
                long total = 0;
                for (Map.Entry<String, Long> e : after.entrySet()) {
                    long g = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                    growth.put(e.getKey(), g);
                    total += g;
                }
                System.out.printf("path=%s observations=%d patterns=%d settings=%s: %.0f observations/s; "
                        + "kato.predictions end offsets %d (records + transaction markers)%n", rest ? "rest" : "topic",
                        observations, patterns, new TreeMap<>(withoutServers(env)), observations / seconds, sets);
                System.out.println("bytes on disk per observation, by topic:");
                for (Map.Entry<String, Long> e : growth.entrySet()) {
                    if (e.getValue() != 0) System.out.printf("  %10.1f  %s%n", (double) e.getValue() / observations, e.getKey());
                }
                System.out.printf("  %10.1f  total  (%.2f GB per 1,000,000 observations; %.1f GB per day at 200 observations/s)%n",
                        (double) total / observations, total * 1e6 / observations / 1e9, total * 200.0 * 86_400 / observations / 1e9);
            }
        }
    }

    private static Map<String, String> withoutServers(Map<String, String> env) {
        Map<String, String> m = new HashMap<>(env);
        m.remove("KAFKA_BOOTSTRAP_SERVERS");
        m.remove("KATO_STATE_DIR");
        return m;
    }

    private static final String[] VOCABULARY = new String[1000];

    static {
        for (int i = 0; i < VOCABULARY.length; i++) VOCABULARY[i] = "s" + i;
    }

    /** 1–3 symbols of a 1,000-symbol vocabulary (the ingest benchmark's workload). */
    private static List<String> event(SplittableRandom r) {
        int n = 1 + r.nextInt(3);
        List<String> e = new ArrayList<>(n);
        for (int i = 0; i < n; i++) e.add(VOCABULARY[r.nextInt(VOCABULARY.length)]);
        return e;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static int correlation;

    /** A command as the bridge sends it: with a reply_to, so the topology writes a reply. */
    private static void command(KafkaProducer<byte[], byte[]> producer, ServiceConfig.Topics topics, String node,
                                String session, Object op) {
        Command c = Command.newBuilder().setCorrelationId("disk-bench-" + (++correlation)).setReplyTo("disk-bench")
                .setNodeId(node).setSessionId(session).setOp(op).build();
        producer.send(new ProducerRecord<>(topics.commands(), key(node), KatoSerdes.commands().encode(c)));
    }

    private static ProducerRecord<byte[], byte[]> observation(ServiceConfig.Topics topics, String node, String session,
                                                              List<String> strings) {
        ObservationRecord r = ObservationRecord.newBuilder().setNodeId(node).setSessionId(session).setStrings(strings)
                .setVectors(List.of()).setEmotives(Map.of()).setMetadataJson("{}").setUniqueId(null).build();
        return new ProducerRecord<>(topics.observations(), key(node), KatoSerdes.observations().encode(r));
    }

    private static byte[] key(String node) {
        return ProcessorId.sanitizeNode(node).getBytes(StandardCharsets.UTF_8);
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
            q.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        return admin.listOffsets(q).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Until the topology's committed offsets reach the end of both input topics. */
    private static void awaitApplied(Admin admin, ServiceConfig.Topics topics) throws Exception {
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("kato-streams")
                    .partitionsToOffsetAndMetadata().get();
            boolean done = true;
            for (String t : List.of(topics.commands(), topics.observations())) {
                Map<TopicPartition, OffsetSpec> q = new HashMap<>();
                for (var p : admin.describeTopics(List.of(t)).allTopicNames().get().get(t).partitions()) {
                    q.put(new TopicPartition(t, p.partition()), OffsetSpec.latest());
                }
                for (var e : admin.listOffsets(q).all().get().entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) done = false;
                }
            }
            if (done) return;
            Thread.sleep(100);
        }
    }
}
