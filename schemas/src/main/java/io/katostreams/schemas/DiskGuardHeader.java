package io.katostreams.schemas;

import java.nio.charset.StandardCharsets;

/**
 * The disk guard's state as an <b>input</b> of the topology (issue 16). The bridge samples the
 * disk; the topology must not (a replayed record must produce the same outputs). The bridge
 * therefore attaches the state to its stream-time ticks, one command per partition of
 * kato.commands, as the record header {@link #NAME}; the topology keeps the latest value per task
 * in a changelogged store and applies it to the records that follow. Only the header's presence on
 * a command record matters; its value is {@link #REFUSE} or {@link #ACCEPT}.
 */
public final class DiskGuardHeader {
    private DiskGuardHeader() {}

    public static final String NAME = "kato-disk-guard";
    public static final String REFUSE = "refuse";
    public static final String ACCEPT = "accept";

    /** The reason given for refusals while the guard is on (REST 507 and dead letters alike). */
    public static final String REASON = "insufficient storage: the disk of the Kafka data directory is past the disk "
            + "guard's limit (KATO_DISK_GUARD_MAX_USED_PERCENT / KATO_DISK_GUARD_MIN_FREE_MB); observations and learns "
            + "are refused until space is freed";

    public static byte[] value(boolean refuse) {
        return (refuse ? REFUSE : ACCEPT).getBytes(StandardCharsets.UTF_8);
    }
}
