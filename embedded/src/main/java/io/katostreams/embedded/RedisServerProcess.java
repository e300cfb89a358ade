package io.katostreams.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} running as a child process on 127.0.0.1.
 *
 * <p>The executable is, in order: the one given to {@link #executable(Path)}; the
 * {@code redis-server} on the {@code PATH}; the binary bundled in
 * {@code com.github.codemonstur:embedded-redis} (Redis 6.2, extracted to a temporary file).
 *
 * <p>By default persistence is off ({@code --save "" --appendonly no}), so every start,
 * including {@link #restart()}, begins with an empty data set. With {@link #dataDir(Path)}
 * the server keeps an append-only file there and a restart reloads it.
 *
 * <p>{@link #start()} returns only after the started process answers {@code PING} with {@code PONG}.
 * The port is chosen once (configured, or picked free at the first start) and kept across
 * restarts, so clients can reconnect to the same address.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisServerProcess.class);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static Path bundled;

    private int port;
    private Path dataDir;
    private Path executable;
    /** Password of the default user ({@code requirepass}); null = none. */
    private String password;
    /** Extra ACL users: name → password and rules; empty by default. */
    private final java.util.Map<String, List<String>> aclUsers = new java.util.LinkedHashMap<>();
    private Process process;
    private Path logFile;
    private Thread shutdownHook;

    /** A server on a free port, picked at the first {@link #start()}. */
    public RedisServerProcess() {
        this(0);
    }

    /** A server on {@code port}; 0 picks a free port at the first {@link #start()}. */
    public RedisServerProcess(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, was " + port);
        }
        this.port = port;
    }

    /** Turns persistence on: an append-only file in {@code dataDir}, reloaded on restart. */
    public synchronized RedisServerProcess dataDir(Path dataDir) {
        requireStopped("dataDir");
        this.dataDir = dataDir;
        return this;
    }

    /**
     * Requires {@code AUTH <password>} of every client ({@code --requirepass}, the default
     * user's password). Default: none.
     */
    public synchronized RedisServerProcess requirePass(String password) {
        requireStopped("requirePass");
        this.password = checkSecret(password);
        return this;
    }

    /**
     * Adds an ACL user ({@code --user <name> on ><password> ~* &* +@all}): all keys, channels and
     * commands, after {@code AUTH <name> <password>}. Combine with {@link #requirePass} so that
     * the default user cannot be used without a password.
     */
    public synchronized RedisServerProcess aclUser(String name, String password) {
        return aclUser(name, password, "~*", "&*", "+@all");
    }

    /**
     * Adds an ACL user with the given rules ({@code ACL SETUSER} syntax, e.g. {@code "~session:*"},
     * {@code "-@all"}, {@code "+get"}): {@code --user <name> on ><password> <rules…>}.
     */
    public synchronized RedisServerProcess aclUser(String name, String password, String... rules) {
        requireStopped("aclUser");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("ACL user names are limited to [A-Za-z0-9._-]: " + name);
        }
        List<String> args = new ArrayList<>(List.of("on", ">" + checkSecret(password)));
        args.addAll(List.of(rules));
        aclUsers.put(name, args);
        return this;
    }

    private static String checkSecret(String secret) {
        if (secret == null || !secret.matches("[A-Za-z0-9._~!-]+")) {
            throw new IllegalArgumentException("passwords of the test redis-server are limited to [A-Za-z0-9._~!-]");
        }
        return secret;
    }

    /** Runs this {@code redis-server} binary instead of looking one up. */
    public synchronized RedisServerProcess executable(Path executable) {
        requireStopped("executable");
        this.executable = executable;
        return this;
    }

    /**
     * The {@code redis-server} that {@link #start()} would run when none is given: the one on
     * the {@code PATH} if any, else the binary bundled in embedded-redis.
     */
    public static Path defaultExecutable() {
        try {
            return ExecutableProvider.newExecutableInPath("redis-server").get().toPath();
        } catch (IOException notOnPath) {
            return bundledExecutable();
        }
    }

    /**
     * The Redis 6.2 binary bundled in embedded-redis for this OS and CPU, extracted to a
     * temporary file once per JVM.
     */
    public static synchronized Path bundledExecutable() {
        if (bundled == null) {
            try {
                bundled = ExecutableProvider.newJarResourceProvider().get().toPath();
            } catch (IOException e) {
                throw new UncheckedIOException("could not extract the redis-server bundled in embedded-redis", e);
            }
        }
        return bundled;
    }

    /**
     * Starts the server and returns once it answers {@code PING}. Does nothing if it runs.
     *
     * @throws IllegalStateException if the process exits or does not answer in time; the
     *     message carries the end of the server's log
     */
    public synchronized RedisServerProcess start() {
        if (process != null) {
            return this;
        }
        port = FreePorts.orPick(port);
        Path binary = executable != null ? executable : defaultExecutable();
        try {
            logFile = Files.createTempFile("kato-redis-" + port + "-", ".log");
            List<String> command = command(binary);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            process = null;
            deleteLogFile();
            throw new UncheckedIOException("could not start " + binary, e);
        }
        // A normal JVM exit does not end child processes; this hook does.
        Process started = process;
        shutdownHook = new Thread(started::destroy, "redis-server-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitPong();
        log.info("redis-server ({}) ready on {}{}", binary, url(),
                dataDir == null ? " without persistence" : ", data in " + dataDir);
        return this;
    }

    private List<String> command(Path binary) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--daemonize", "no"));
        if (dataDir == null) {
            // An empty argument: redis reads it as save "", i.e. no RDB snapshots.
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        } else {
            command.addAll(List.of("--dir", Dirs.ensure(dataDir).toString(),
                    "--appendonly", "yes", "--appendfsync", "everysec"));
        }
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        aclUsers.forEach((name, rules) -> {
            command.addAll(List.of("--user", name));
            command.addAll(rules);
        });
        return command;
    }

    /** Polls until our process answers PING, exits, or the deadline passes. */
    private void awaitPong() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!pong()) {
            boolean exited;
            try {
                exited = process.waitFor(20, TimeUnit.MILLISECONDS); // also the poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
            if (exited || System.nanoTime() > deadline) {
                String why = exited ? "exited with " + process.exitValue() : "did not answer PING within " + READY_TIMEOUT;
                String tail = logTail();
                stop();
                throw new IllegalStateException("redis-server on port " + port + " " + why + "; log:\n" + tail);
            }
        }
    }

    /**
     * True if the server on our port answers PING with PONG (not -LOADING or an error) and is
     * our child process: another redis-server already on the port would answer too, while
     * ours is about to exit because it could not bind.
     */
    private boolean pong() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            String auth = password != null ? "AUTH " + password + "\r\n" : "";
            out.write((auth + "PING\r\nINFO server\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            if (password != null && !"+OK".equals(in.readLine())) {
                return false;
            }
            if (!"+PONG".equals(in.readLine())) {
                return false;
            }
            String header = in.readLine(); // "$<length>" of the INFO bulk reply
            if (header == null || !header.startsWith("$")) {
                return false;
            }
            String expected = "process_id:" + process.pid();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.startsWith("process_id:")) {
                    return line.equals(expected);
                }
            }
            return false;
        } catch (IOException notYet) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The port, fixed once the server has started the first time. */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("the port is picked at the first start()");
        }
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} (without credentials). */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /**
     * {@code redis://[user]:password@127.0.0.1:<port>}: the URL with credentials; {@code user}
     * null or empty means the default user (a {@link #requirePass} password).
     */
    public String url(String user, String password) {
        return "redis://" + (user == null ? "" : user) + ":" + password + "@127.0.0.1:" + port();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server: SIGTERM (redis saves its append-only file if persistence is on), then
     * a kill if it has not exited within 10 s. Idempotent.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        stopping.destroy();
        try {
            if (!stopping.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("redis-server on port {} ignored SIGTERM for {}; killing it", port, STOP_TIMEOUT);
                stopping.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            stopping.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // the hook is running or has run; nothing to remove
        }
        deleteLogFile();
    }

    private void deleteLogFile() {
        try {
            if (logFile != null) {
                Files.deleteIfExists(logFile);
            }
        } catch (IOException ignored) {
            // a stray log file in the temp dir is harmless
        }
    }

    /**
     * Stops and starts again on the same port. Without a data directory the new server is
     * empty, which is how tests simulate "Redis restarted and lost everything".
     */
    public synchronized RedisServerProcess restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        stop();
    }

    private void requireStopped(String setting) {
        if (process != null) {
            throw new IllegalStateException(setting + " cannot change while redis-server runs");
        }
    }

    @Override
    public String toString() {
        return "RedisServerProcess[port=" + port + (dataDir == null ? "" : ", dataDir=" + dataDir)
                + (process != null ? ", running]" : "]");
    }
}
