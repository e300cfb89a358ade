package io.katostreams.bridge;

import java.util.List;

/** Settings of the disk guard ({@link DiskGuard}), read by each bridge instance. */
public final class DiskGuardSettings {
    private DiskGuardSettings() {}

    public static final BridgeSetting<String> PATH = BridgeSetting.text("KATO_DISK_GUARD_PATH", null,
            "A directory on the filesystem to watch: the broker's data directory (the standalone runtime sets it to "
                    + "<KATO_DATA_DIR>/kafka). Unset: no disk guard (a bridge on another machine than the broker cannot "
                    + "see its disk; watch the broker's disk there).");
    public static final BridgeSetting<Long> MAX_USED_PERCENT = BridgeSetting.integer("KATO_DISK_GUARD_MAX_USED_PERCENT",
            90, 1, 100, "Past this share of the filesystem in use, /health is degraded and observations and learns are "
                    + "refused (507 over REST, a small dead letter on kato.observations) until it falls below again.");
    public static final BridgeSetting<Long> MIN_FREE_MB = BridgeSetting.integer("KATO_DISK_GUARD_MIN_FREE_MB", 512, 0,
            1L << 30, "Hard floor: fewer free MiB than this trips the guard whatever the percentage (small disks).");
    public static final BridgeSetting<Long> INTERVAL_MS = BridgeSetting.integer("KATO_DISK_GUARD_INTERVAL_MS", 1_000,
            100, 600_000, "How often the disk is sampled.");

    public static final List<BridgeSetting<?>> ALL = List.of(PATH, MAX_USED_PERCENT, MIN_FREE_MB, INTERVAL_MS);
}
