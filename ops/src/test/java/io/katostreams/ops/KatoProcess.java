package io.katostreams.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A child JVM running {@code KatoCli} with the given arguments, its output collected line by line. */
final class KatoProcess {
    final Process process;
    final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>(); // read while the reader thread appends
    final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;

    KatoProcess(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 21) cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KatoCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        process = pb.start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("Stop with Ctrl-C")) ready.countDown();
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    KatoProcess awaitReady() throws InterruptedException {
        if (!ready.await(180, TimeUnit.SECONDS)) throw new AssertionError("kato up did not start:\n" + String.join("\n", lines));
        return this;
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kato did not exit:\n" + String.join("\n", lines));
        }
        reader.join(10_000); // the rest of its output
        return process.exitValue();
    }

    /**
     * SIGTERM, as Ctrl-C or a service manager would send; the JVM then exits with 143 (128 + 15)
     * after the shutdown hook has stopped everything.
     */
    void stop() throws InterruptedException {
        // ProcessHandle, not Process.destroy(): the latter also closes our end of its output
        process.toHandle().destroy();
        int code = awaitExit();
        assertTrue(code == 143 || code == 0, "exit " + code + ":\n" + String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("kato: stopped")), "a clean stop:\n" + String.join("\n", lines));
    }

    /** SIGKILL to the JVM and to what it started (redis-server), as a crash of the machine would. */
    void kill() throws InterruptedException {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        for (ProcessHandle c : children) {
            c.destroyForcibly();
            c.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
