package io.katostreams.ops.bench;

import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.embedded.ThreadCpu;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.serde.KatoSerdes;
import io.katostreams.topology.KatoStreamsApp;
import io.katostreams.topology.ServiceConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;

/**
 * End-to-end ingest against an embedded broker on this machine: how many observations per second
 * one topology instance applies (observations published as Avro to kato.observations, counted as
 * applied when the topology's committed offsets reach the end of the topic).
 *
 * <pre>
 *   java -cp ops/target/kato-ops.jar io.katostreams.ops.bench.IngestBenchmark \
 *        [observations=200000] [warmup=200000] [guarantee=exactly_once_v2|at_least_once] [predictions=off|on] [patterns=1000] [linger=0] [commit=100]
 * </pre>
 * Sessions auto-learn every 5 events (CLEAR), so the STM stays short as in a training stream;
 * with predictions on, each node first learns {@code patterns} patterns of the spec 04 §16 workload.
 */
public final class IngestBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int observations = Integer.parseInt(a.getOrDefault("observations", "200000"));
        String guarantee = a.getOrDefault("guarantee", "exactly_once_v2");
        boolean predictions = "on".equals(a.getOrDefault("predictions", "off"));
        int patterns = Integer.parseInt(a.getOrDefault("patterns", "1000"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "200000"));
        int nodes = 2;
        int sessionsPerNode = 50;

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("KATO_STATE_DIR", Files.createTempDirectory("kato-bench").toString());
            env.put("KATO_PARTITIONS", "2");
            env.put("KATO_PROCESSING_GUARANTEE", guarantee);
            env.put("KATO_PRODUCER_LINGER_MS", a.getOrDefault("linger", "0"));
            env.put("KATO_COMMIT_INTERVAL_MS", a.getOrDefault("commit", "100"));
            ServiceConfig config = ServiceConfig.fromEnvironment(env);
            ServiceConfig.Topics topics = config.topics();
            try (KatoStreamsApp app = new KatoStreamsApp(config, env).start();
                 KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                SplittableRandom random = new SplittableRandom(42);
                if (predictions) {
                    for (int n = 0; n < nodes; n++) {
                        String node = "bench-" + n;
                        createSession(producer, topics, node, "train-" + n, "{\"max_pattern_length\":7,\"process_predictions\":false}");
                        for (int p = 0; p < patterns; p++) {
                            for (int e = 0; e < 7; e++) publish(producer, topics, node, "train-" + n, event(random));
                        }
                    }
                    producer.flush();
                    long before = System.nanoTime();
                    awaitApplied(admin, topics, env.getOrDefault("KATO_APPLICATION_ID", "kato-streams"));
                    System.out.printf("trained %d patterns per node in %.1f s%n", patterns, (System.nanoTime() - before) / 1e9);
                }
                for (int n = 0; n < nodes; n++) {
                    for (int s = 0; s < sessionsPerNode; s++) {
                        createSession(producer, topics, "bench-" + n, "bench-" + n + "-" + s,
                                "{\"max_pattern_length\":5,\"process_predictions\":" + predictions + "}");
                    }
                }
                producer.flush();
                awaitApplied(admin, topics, env.getOrDefault("KATO_APPLICATION_ID", "kato-streams"));

                String applicationId = env.getOrDefault("KATO_APPLICATION_ID", "kato-streams");
                if (warmup > 0) {
                    // the same work first, untimed: the JIT compiles Kafka, Avro and KATO code for
                    // tens of seconds and takes a core of this 2-core machine while it does
                    Phase w = Phase.run(producer, admin, topics, applicationId, records(topics, warmup, nodes, sessionsPerNode, random));
                    System.out.printf("warm-up: %d observations, %.0f observations/s%n", warmup, warmup / w.seconds());
                }
                Phase m = Phase.run(producer, admin, topics, applicationId, records(topics, observations, nodes, sessionsPerNode, random));
                double seconds = m.seconds();
                long sets = 0;
                Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
                for (int p = 0; p < 2; p++) spec.put(new TopicPartition(topics.predictions(), p), OffsetSpec.latest());
                for (ListOffsetsResult.ListOffsetsResultInfo i : admin.listOffsets(spec).all().get().values()) sets += i.offset();
                System.out.println("CPU time per observation by thread group (µs), measured phase:");
                long total = 0;
                for (Map.Entry<String, Long> e : m.cpu().entrySet()) {
                    total += e.getValue();
                    if (e.getValue() > 0) System.out.printf("  %-28s %7.1f%n", e.getKey(), e.getValue() / 1e3 / observations);
                }
                System.out.printf("  %-28s %7.1f  (Java threads of this JVM: %.2f cores busy on average; JIT and GC not included)%n",
                        "total", total / 1e3 / observations, total / 1e9 / seconds);
                double produced = m.producedSeconds();
                System.out.printf("guarantee=%s predictions=%s observations=%d: %.0f observations/s applied "
                                + "(%.1f s; producing took %.1f s; %d prediction sets published)%n", guarantee,
                        predictions ? "on" : "off", observations, observations / seconds, seconds, produced, sets);
            }
        }
    }

    /** One timed phase: all records published, then awaited until the topology has committed them. */
    private record Phase(double seconds, double producedSeconds, Map<String, Long> cpu) {
        static Phase run(KafkaProducer<byte[], byte[]> producer, Admin admin, ServiceConfig.Topics topics,
                         String applicationId, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
            Map<String, Long> before = ThreadCpu.byGroup();
            long start = System.nanoTime();
            for (ProducerRecord<byte[], byte[]> r : records) producer.send(r);
            producer.flush();
            double produced = (System.nanoTime() - start) / 1e9;
            awaitApplied(admin, topics, applicationId);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Phase(seconds, produced, ThreadCpu.since(before));
        }
    }

    /** Pre-encoded, so that the figure is the topology's, not the producer's. */
    private static List<ProducerRecord<byte[], byte[]>> records(ServiceConfig.Topics topics, int count, int nodes,
                                                                int sessionsPerNode, SplittableRandom random) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i % nodes;
            int s = (i / nodes) % sessionsPerNode;
            records.add(record(topics, "bench-" + n, "bench-" + n + "-" + s, event(random)));
        }
        return records;
    }

    private static final String[] VOCABULARY = new String[1000];

    static {
        for (int i = 0; i < VOCABULARY.length; i++) VOCABULARY[i] = "s" + i;
    }

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
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void createSession(KafkaProducer<byte[], byte[]> producer, ServiceConfig.Topics topics, String node,
                                      String session, String config) {
        Command c = Command.newBuilder().setCorrelationId("bench-" + session).setReplyTo(null).setNodeId(node)
                .setSessionId(null).setOp(new CreateSession(session, node, "{}", null, config)).build();
        producer.send(new ProducerRecord<>(topics.commands(), key(node), KatoSerdes.commands().encode(c)));
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, ServiceConfig.Topics topics, String node,
                                String session, List<String> strings) {
        producer.send(record(topics, node, session, strings));
    }

    private static ProducerRecord<byte[], byte[]> record(ServiceConfig.Topics topics, String node, String session,
                                                         List<String> strings) {
        ObservationRecord r = ObservationRecord.newBuilder().setNodeId(node).setSessionId(session).setStrings(strings)
                .setVectors(List.of()).setEmotives(Map.of()).setMetadataJson("{}").setUniqueId(null).build();
        return new ProducerRecord<>(topics.observations(), key(node), KatoSerdes.observations().encode(r));
    }

    private static byte[] key(String node) {
        return ProcessorId.sanitizeNode(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until the topology's committed offsets reach the end of both input topics. */
    private static void awaitApplied(Admin admin, ServiceConfig.Topics topics, String applicationId)
            throws ExecutionException, InterruptedException {
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String t : List.of(topics.commands(), topics.observations())) {
                for (int p = 0; p < 2; p++) latest.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            boolean done = true;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                // the benchmark's producer is not transactional, so the end offset counts records only
                if (e.getValue().offset() > 0 && (c == null || c.offset() < e.getValue().offset())) done = false;
            }
            if (done) return;
            Thread.sleep(50);
        }
    }
}
