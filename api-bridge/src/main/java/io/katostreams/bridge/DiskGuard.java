package io.katostreams.bridge;

import io.katostreams.schemas.DiskGuardHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Watches the filesystem of the broker's data directory (issue 16) and trips when it is more than
 * {@code KATO_DISK_GUARD_MAX_USED_PERCENT} used or has less than {@code KATO_DISK_GUARD_MIN_FREE_MB}
 * free. While tripped, the bridge answers observe, observe-sequence and learn with 507 in KATO's
 * error shape, /health is degraded naming the condition, and the state travels to the topology as
 * a header of the stream-time ticks ({@link DiskGuardHeader}) so that records published straight
 * to kato.observations are refused too — by the topology, from its input, which keeps it
 * deterministic (it never looks at a disk or a clock). It recovers by itself: the first sample
 * under the limits lifts it. Reads, deletes and clears keep working; the guard refuses growth
 * before the broker's disk is exhausted, when a full disk would stop the broker and every session.
 */
public final class DiskGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    /** The requests that grow knowledge or a session's STM: refused while the guard is tripped. */
    private static final Pattern GROWTH = Pattern.compile("(/sessions/[^/]+)?/(observe|observe-sequence|learn)/?");

    /** Free and total bytes of a filesystem; a test may stand in for the real one. */
    public interface Space {
        long free() throws IOException;

        long total() throws IOException;
    }

    /** One sample: {@code refusing} when past a limit; {@code error} when the disk could not be read. */
    public record State(long freeBytes, long totalBytes, boolean refusing, String error) {
        public double usedRatio() {
            return totalBytes <= 0 ? 0 : 1.0 - (double) freeBytes / totalBytes;
        }
    }

    private final Path path;
    private final Space space;
    private final int maxUsedPercent;
    private final long minFreeBytes;
    private final long intervalMs;
    private volatile State state;
    private volatile Runnable onChange = () -> { };
    private ScheduledExecutorService sampler;

    public DiskGuard(Path path, Space space, int maxUsedPercent, long minFreeBytes, long intervalMs) {
        this.path = path;
        this.space = space;
        this.maxUsedPercent = maxUsedPercent;
        this.minFreeBytes = minFreeBytes;
        this.intervalMs = intervalMs;
        this.state = new State(-1, -1, false, null);
        sample();
    }

    /** The guard the environment asks for ({@link DiskGuardSettings}), or null when KATO_DISK_GUARD_PATH is unset. */
    public static DiskGuard fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, null);
    }

    /** As {@link #fromEnvironment(Map)}, reading {@code space} (null: the path's real filesystem). */
    public static DiskGuard fromEnvironment(Map<String, String> env, Space space) {
        String p = DiskGuardSettings.PATH.read(env);
        if (p == null || p.isBlank()) return null;
        Path path = Path.of(p).toAbsolutePath();
        return new DiskGuard(path, space != null ? space : fileStore(path), DiskGuardSettings.MAX_USED_PERCENT.read(env).intValue(),
                DiskGuardSettings.MIN_FREE_MB.read(env) * 1024 * 1024, DiskGuardSettings.INTERVAL_MS.read(env));
    }

    /** The real filesystem of {@code path} (its nearest existing ancestor until the directory exists). */
    public static Space fileStore(Path path) {
        return new Space() {
            private FileStore store() throws IOException {
                Path p = path;
                while (p != null && !Files.exists(p)) p = p.getParent();
                if (p == null) throw new IOException("no existing directory above " + path);
                return Files.getFileStore(p);
            }

            @Override
            public long free() throws IOException {
                return store().getUsableSpace();
            }

            /**
             * The capacity available to this process: used + usable, as df computes Use% (blocks
             * reserved for root or held back by the filesystem count as neither, or a disk with a
             * large reserve would look fuller than it is).
             */
            @Override
            public long total() throws IOException {
                FileStore s = store();
                return (s.getTotalSpace() - s.getUnallocatedSpace()) + s.getUsableSpace();
            }
        };
    }

    /** Samples every KATO_DISK_GUARD_INTERVAL_MS; {@code onChange} runs when the guard trips or lifts. */
    public DiskGuard start(Runnable onChange) {
        this.onChange = onChange;
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kato-disk-guard");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Takes one sample now (also what the sampler runs). */
    public State sample() {
        State before = state;
        State now;
        try {
            long free = space.free();
            long total = space.total();
            boolean past = free < minFreeBytes || (total > 0 && (total - free) * 100.0 / total > maxUsedPercent);
            now = new State(free, total, past, null);
        } catch (IOException | RuntimeException e) {
            // unreadable: keep the last decision rather than flapping, and say so in /health
            now = new State(before.freeBytes(), before.totalBytes(), before.refusing(), e.toString());
        }
        state = now;
        if (now.refusing() != before.refusing()) {
            if (now.refusing()) LOG.warn("disk guard tripped: {}", issue());
            else LOG.warn("disk guard lifted: {} free of {} on {}", now.freeBytes(), now.totalBytes(), path);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.warn("disk guard change not propagated: {}", e.toString());
            }
        }
        return now;
    }

    public State state() {
        return state;
    }

    public boolean refusing() {
        return state.refusing();
    }

    public Path path() {
        return path;
    }

    public int maxUsedPercent() {
        return maxUsedPercent;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Whether a request of this method and path grows knowledge or an STM (what the guard refuses). */
    static boolean isGrowth(String method, String path) {
        return "POST".equals(method) && GROWTH.matcher(path).matches();
    }

    /** The /health issue while tripped (or unreadable), else null. */
    public String issue() {
        State s = state;
        if (s.error() != null) return "Disk usage of " + path + " unreadable: " + s.error();
        if (!s.refusing()) return null;
        return String.format(java.util.Locale.ROOT, "Disk nearly full: %s is %.1f %% used, %d MiB free (limits: "
                + "KATO_DISK_GUARD_MAX_USED_PERCENT=%d, KATO_DISK_GUARD_MIN_FREE_MB=%d); observations and learns are refused",
                path, 100 * s.usedRatio(), s.freeBytes() / (1024 * 1024), maxUsedPercent, minFreeBytes / (1024 * 1024));
    }

    /** The 507 message of a refused request. */
    public String refusal() {
        State s = state;
        return DiskGuardHeader.REASON + String.format(java.util.Locale.ROOT, " (%s: %.1f %% used, %d MiB free)", path,
                100 * s.usedRatio(), Math.max(0, s.freeBytes()) / (1024 * 1024));
    }

    @Override
    public void close() {
        if (sampler != null) sampler.shutdownNow();
    }
}
