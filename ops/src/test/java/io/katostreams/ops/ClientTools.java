package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * What the tests of non-Java clients share: librdkafka clients (kcat, Python's confluent-kafka,
 * both installed from Debian by {@code .ci/run}) run as child processes, the partitioners of both
 * client families, REST calls and committed reads of a topic.
 */
final class ClientTools {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClientTools() {}

    /** The output of a finished child process. */
    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }

        Result ok(String what) {
            if (exit != 0) throw new AssertionError(what + " exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    /** Runs {@code cmd} with {@code stdin} (may be null), waiting at most {@code timeout}. */
    static Result run(List<String> cmd, String stdin, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            o.join(5000);
            e.join(5000);
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout + "\nstdout:\n" + out
                    + "\nstderr:\n" + err);
        }
        o.join(5000);
        e.join(5000);
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Thread pump(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try (from) {
                from.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** kcat, as Debian installs it (.ci/run). */
    static String kcat() {
        for (String c : List.of("/usr/bin/kcat", "/usr/local/bin/kcat")) {
            if (Files.isExecutable(Path.of(c))) return c;
        }
        throw new AssertionError("kcat is not installed: apt-get install kcat (.ci/run installs it)");
    }

    /** A python3 that has Debian's python3-confluent-kafka and python3-avro (.ci/run installs them). */
    static String python() {
        for (String c : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (!Files.isExecutable(Path.of(c))) continue;
            try {
                if (run(List.of(c, "-c", "import confluent_kafka, avro"), null, Duration.ofSeconds(30)).exit() == 0) return c;
            } catch (Exception ignored) {
                // try the next one
            }
        }
        throw new AssertionError("no python3 with confluent_kafka and avro: apt-get install python3-confluent-kafka "
                + "python3-avro (.ci/run installs them)");
    }

    /** The Python example shipped in the repository, as a user runs it. */
    static Path readPredictionsScript() {
        Path p = Path.of("clients", "read_predictions.py").toAbsolutePath(); // Surefire runs in ops/
        if (!Files.isRegularFile(p)) throw new AssertionError(p + " is missing");
        return p;
    }

    /** Publishes {@code key:value} lines with kcat at its default settings plus {@code extra} (-X …). */
    static Result kcatProduce(String bootstrap, String topic, List<String> keyedLines, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(kcat(), "-P", "-b", bootstrap, "-t", topic, "-K:"));
        cmd.addAll(List.of(extra));
        return run(cmd, String.join("\n", keyedLines) + "\n", Duration.ofSeconds(60)).ok("kcat -P");
    }

    /** Every committed record of {@code topic} through the Python example (librdkafka), as JSON lines. */
    static List<String> pythonRead(String bootstrap, String topic) throws Exception {
        Result r = run(List.of(python(), readPredictionsScript().toString(), "--bootstrap", bootstrap, "--topic", topic,
                "--from-beginning", "--idle-exit", "3"), null, Duration.ofSeconds(120)).ok("read_predictions.py");
        if (!r.err().isBlank()) throw new AssertionError("read_predictions.py complained:\n" + r.err());
        return r.lines();
    }

    /** The partition Java's default partitioner (murmur2) picks for a key. */
    static int murmur2Partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The partition librdkafka's default partitioner ({@code consistent_random}, CRC32) picks for a key. */
    static int crc32Partition(String key, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** Every committed record of {@code topic}, read from the beginning to the end offsets of now. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic)) parts.add(new TopicPartition(topic, pi.partition()));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 120_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("could not read " + topic + " to its end");
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Waits until {@code condition} holds, at most {@code seconds}; fails with {@code state}. */
    static void await(int seconds, BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not within " + seconds + " s: " + state.get());
            Thread.sleep(250);
        }
    }

    /** An HTTP call to the REST bridge on {@code port}: status and parsed body. */
    record Http(int status, JsonNode body, String text) {}

    static Http http(int port, String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60));
            b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                json = null;
            }
            return new Http(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode ok(int port, String method, String path, String body) {
        Http r = http(port, method, path, body);
        if (r.status() != 200) throw new AssertionError(method + " " + path + " -> " + r.status() + " " + r.text());
        return r.body();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
