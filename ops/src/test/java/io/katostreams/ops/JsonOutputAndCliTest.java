package io.katostreams.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.katostreams.ops.ClientTools.await;
import static io.katostreams.ops.ClientTools.kcat;
import static io.katostreams.ops.ClientTools.kcatProduce;
import static io.katostreams.ops.ClientTools.parse;
import static io.katostreams.ops.ClientTools.pythonRead;
import static io.katostreams.ops.ClientTools.readAll;
import static io.katostreams.ops.ClientTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading KATO's outputs with {@code KATO_OUTPUT_FORMAT=json} from librdkafka clients (kcat,
 * the Python example), and the CLI's {@code kato produce} / {@code kato tail} run as a user runs
 * them (a child JVM of {@link KatoCli}, talking to the broker at KAFKA_BOOTSTRAP_SERVERS).
 */
class JsonOutputAndCliTest {
    @TempDir
    static Path dir;
    static KatoStandalone kato;
    static Map<String, String> env;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        env = KatoStandalone.privateInstance(dir.resolve("data"));
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_METRICS_PORT", "0");
        env.put("KATO_OUTPUT_FORMAT", "json");
        kato = KatoStandalone.start(env);
        bootstrap = "127.0.0.1:" + env.get("KATO_KAFKA_PORT");
    }

    @AfterAll
    static void stop() {
        if (kato != null) kato.close();
    }

    static List<String> cliCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KatoCli.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code kato ARGS} in a child JVM with KAFKA_BOOTSTRAP_SERVERS set, stdin given, run to its end. */
    static ClientTools.Result cli(String stdin, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cliCommand(args));
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        Process p = pb.start();
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread o = ClientTools.pump(p.getInputStream(), out);
        Thread e = ClientTools.pump(p.getErrorStream(), err);
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kato " + String.join(" ", args) + " did not finish:\n" + out + "\n" + err);
        }
        o.join(5000);
        e.join(5000);
        return new ClientTools.Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code kato tail ARGS} started in the background; {@link #awaitReading()} returns once its start position is fixed. */
    static final class Tail {
        final Process process;
        final List<String> out = Collections.synchronizedList(new ArrayList<>());
        final List<String> err = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch reading = new CountDownLatch(1);
        private final Thread outReader;

        Tail(String... args) throws IOException {
            List<String> a = new ArrayList<>(List.of("tail"));
            a.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cliCommand(a.toArray(String[]::new)));
            pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            process = pb.start();
            outReader = reader(process.getInputStream(), out, null);
            reader(process.getErrorStream(), err, reading);
        }

        private static Thread reader(java.io.InputStream in, List<String> into, CountDownLatch reading) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        into.add(line);
                        if (reading != null && line.startsWith("kato tail: reading")) reading.countDown();
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        void awaitReading() throws InterruptedException {
            if (!reading.await(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kato tail did not start: " + err);
            }
        }

        List<String> awaitExit() throws InterruptedException {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kato tail did not end; printed " + out + "\nstderr " + err);
            }
            outReader.join(10_000); // the last lines: the reader ends at the end of the stream
            assertEquals(0, process.exitValue(), "stderr: " + err);
            return List.copyOf(out);
        }
    }

    @Test
    void produceAndTailThroughTheCli() throws Exception {
        Tail predictions = new Tail("predictions", "--max", "2");
        predictions.awaitReading();
        ClientTools.Result produced = cli("{\"strings\":[\"door\"]}\n\n{\"strings\":[\"open\"]}\n"
                + "{\"strings\":[\"alarm\"],\"unique_id\":\"cli-3\"}\n", "produce", "--node", "cli-node", "--session", "cli-s1");
        assertEquals(0, produced.exit(), produced.err());
        assertTrue(produced.err().contains("published 3 records to kato.observations"), produced.err());
        List<String> sets = predictions.awaitExit();
        assertEquals(2, sets.size(), sets.toString());
        JsonNode second = parse(sets.get(0));
        JsonNode third = parse(sets.get(1));
        assertEquals("cli-s1", second.get("session_id").asText());
        assertEquals("cli-node", second.get("node_id").asText());
        assertEquals(2, second.get("time").asLong());
        assertEquals(3, third.get("time").asLong());
        assertEquals("cli-3", third.get("unique_id").asText());

        // kato.sessions is Avro whatever KATO_OUTPUT_FORMAT says: tail decodes it to JSON lines,
        // exactly the lines Java's decoder gives for each record
        await(180, () -> readAll(bootstrap, "kato.sessions").stream().map(r -> TopicTools.toJsonLine(r.value()))
                .anyMatch(l -> l.contains("\"session_id\":\"cli-s1\"") && l.contains("\"alarm\"")), () -> "cli-s1 published");
        List<ConsumerRecord<byte[], byte[]>> sessions = readAll(bootstrap, "kato.sessions");
        Tail all = new Tail("kato.sessions", "--from-beginning", "--max", Integer.toString(sessions.size()));
        List<String> lines = all.awaitExit();
        assertEquals(sessions.stream().map(r -> TopicTools.toJsonLine(r.value())).sorted().toList(), lines.stream().sorted().toList());
        JsonNode latest = lines.stream().map(ClientTools::parse).filter(s -> s.get("session_id").asText().equals("cli-s1"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("cli-node", latest.get("node_id").asText());
        assertEquals("[[\"door\"],[\"open\"],[\"alarm\"]]", latest.get("stm").toString());
    }

    @Test
    void produceRefusesLinesItCannotKeyAndUnknownTopics() throws Exception {
        ClientTools.Result r = cli("{\"strings\":[\"a\"]}\nnot json\n{\"node_id\":\"cli-other\",\"strings\":[\"b\"]}\n", "produce");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("line 1: no node_id and no --node"), r.err());
        assertTrue(r.err().contains("line 2: not a JSON object"), r.err());
        assertTrue(r.err().contains("published 1 records to kato.observations, 2 lines failed"), r.err());
        ClientTools.Result unknown = cli("{}\n", "produce", "--node", "x", "kato.no-such-topic");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("topic kato.no-such-topic does not exist"), unknown.err());
        ClientTools.Result usage = cli(null, "tail");
        assertEquals(1, usage.exit());
        assertTrue(usage.err().contains("usage: kato tail TOPIC"), usage.err());
    }

    @Test
    void librdkafkaClientsReadJsonPredictionSetsAndDeadLetters() throws Exception {
        String node = "alice";
        kcatProduce(bootstrap, "kato.observations", List.of(
                node + ":{\"session_id\":\"js-1\",\"unique_id\":\"js-a\",\"strings\":[\"x\"]}",
                node + ":{\"session_id\":\"js-1\",\"unique_id\":\"js-b\",\"strings\":[\"y\"],\"emotives\":{\"joy\":0.5}}",
                node + ":{\"session_id\":\"js-1\",\"unique_id\":\"js-bad\",\"strings\":5}"));
        List<String> kcatLines = new ArrayList<>();
        await(180, () -> {
            try {
                kcatLines.clear();
                kcatLines.addAll(kcatConsume("kato.dead-letters"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return kcatLines.stream().anyMatch(l -> originalValue(parse(l)).contains("js-bad"));
        }, () -> "dead letter of js-bad in " + kcatLines);
        // kcat at its defaults (read_committed) prints the JSON records as they are
        JsonNode dead = kcatLines.stream().map(ClientTools::parse)
                .filter(d -> originalValue(d).contains("js-bad"))
                .findFirst().orElseThrow();
        assertEquals("kato.observations", dead.get("topic").asText());
        assertEquals(node, new String(Base64.getDecoder().decode(dead.get("key").asText()), StandardCharsets.UTF_8));
        assertTrue(dead.get("reason").asText().contains("strings"), dead.toString());
        assertEquals(kcatLines.stream().sorted().toList(), pythonRead(bootstrap, "kato.dead-letters").stream().sorted().toList(),
                "the Python example prints JSON records unchanged");

        List<String> sets = kcatConsume("kato.predictions");
        JsonNode set = sets.stream().map(ClientTools::parse).filter(s -> s.get("unique_id").asText().equals("js-b"))
                .findFirst().orElseThrow(() -> new AssertionError(sets.toString()));
        assertEquals("js-1", set.get("session_id").asText());
        assertEquals(2, set.get("time").asLong());
        assertTrue(set.get("observed_at").asText().endsWith("Z"), set.toString());
        assertEquals(sets.stream().sorted().toList(), pythonRead(bootstrap, "kato.predictions").stream().sorted().toList());
    }

    /** The original value bytes of a dead letter (base64 in its JSON form), as text. */
    private static String originalValue(JsonNode deadLetter) {
        return new String(Base64.getDecoder().decode(deadLetter.get("value").asText()), StandardCharsets.UTF_8);
    }

    /** Every committed value of {@code topic}, one per line, as kcat prints them at its default settings. */
    private static List<String> kcatConsume(String topic) throws Exception {
        return run(List.of(kcat(), "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\\n"), null,
                Duration.ofSeconds(60)).ok("kcat -C").lines();
    }
}
