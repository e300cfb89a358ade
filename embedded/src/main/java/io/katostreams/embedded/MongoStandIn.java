package io.katostreams.embedded;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-compatible stand-in (mongo-java-server) listening on 127.0.0.1, for the
 * standalone runtime and tests. It is not MongoDB: no transactions, no change streams,
 * non-unique indexes are accepted but ignored.
 *
 * <p>Two backends: {@link #inMemory()} forgets everything on {@link #stop()};
 * {@link #h2File(Path)} keeps the data in an H2 MVStore file ({@value #H2_FILE_NAME}) in the
 * given directory, which survives a clean stop and start. H2 commits about once a second, so
 * writes from the last second before a hard kill can be lost: the stand-in is a convenience
 * copy, never a source of truth.
 *
 * <p>The port is chosen once (configured, or picked free at the first start) and kept across
 * stop and start.
 */
public final class MongoStandIn implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MongoStandIn.class);

    /** The H2 file that {@link #h2File(Path)} keeps in its directory. */
    public static final String H2_FILE_NAME = "mongo.mv.db";

    private final Path dataDir;
    private int port;
    private MongoServer server;

    private MongoStandIn(Path dataDir, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, was " + port);
        }
        this.dataDir = dataDir;
        this.port = port;
    }

    /** In-memory backend on a free port. */
    public static MongoStandIn inMemory() {
        return new MongoStandIn(null, 0);
    }

    /** In-memory backend on {@code port} (0 = pick a free one). */
    public static MongoStandIn inMemory(int port) {
        return new MongoStandIn(null, port);
    }

    /** H2 file backend in {@code dataDir} (created if missing), on a free port. */
    public static MongoStandIn h2File(Path dataDir) {
        return h2File(dataDir, 0);
    }

    /** H2 file backend in {@code dataDir} (created if missing), on {@code port} (0 = free). */
    public static MongoStandIn h2File(Path dataDir, int port) {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required for the H2 file backend");
        }
        return new MongoStandIn(dataDir, port);
    }

    /** Opens the backend and starts listening. Does nothing if it already runs. */
    public synchronized MongoStandIn start() {
        if (server != null) {
            return this;
        }
        port = FreePorts.orPick(port);
        MongoBackend backend = dataDir == null
                ? new MemoryBackend()
                : new H2Backend(Dirs.ensure(dataDir).resolve(H2_FILE_NAME).toString());
        MongoServer started = new MongoServer(backend);
        try {
            started.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (Exception e) { // Netty rethrows a checked BindException undeclared
            started.shutdownNow(); // also closes the backend, releasing the H2 file lock
            throw new IllegalStateException("MongoDB stand-in could not listen on 127.0.0.1:" + port, e);
        }
        server = started;
        log.info("MongoDB stand-in ready on {} ({})", connectionString(),
                dataDir == null ? "in memory" : "H2 file in " + dataDir);
        return this;
    }

    /** The port, fixed once the server has started the first time. */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("the port is picked at the first start()");
        }
        return port;
    }

    /** {@code mongodb://127.0.0.1:<port>}, usable by the official drivers. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port();
    }

    /** The H2 data directory, or null for the in-memory backend. */
    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Closes client connections, stops listening and closes the backend (committing the H2
     * file). Idempotent.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        MongoServer stopping = server;
        server = null;
        stopping.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "MongoStandIn[port=" + port + (dataDir == null ? ", in memory" : ", dataDir=" + dataDir)
                + (server != null ? ", running]" : "]");
    }
}
