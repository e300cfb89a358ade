package io.katostreams.topology.redis;

import java.util.Map;

/**
 * A snapshot of a {@link RedisSessionMirror}, published by its thread after every loop pass
 * (so at least every poll interval); safe to read from any thread.
 *
 * @param running         the mirror thread is running (false before start and after close)
 * @param redisReachable  the last Redis operation succeeded (false until the first one did)
 * @param paused          reading is paused: the maximum of sessions waiting for Redis is reached
 * @param epoch           the value of the epoch marker the mirror writes under; null until read
 * @param recordsApplied  records of kato.sessions whose effect is in Redis (several records of
 *                        one session read together count each; records re-read by a rebuild
 *                        count again)
 * @param sessionsWritten session writes (hash, STM and emotives set with their expiry)
 * @param sessionsDeleted session deletions (tombstones and records already expired)
 * @param errors          failures so far: Redis operations, offset commits, undecodable records
 * @param lastError       the most recent failure, or null
 * @param pendingSessions sessions read from the topic whose latest state is not in Redis yet
 * @param rebuilds        times this mirror rewound partitions to the beginning to rewrite
 *                        Redis: Redis lost its data, {@link RedisSessionMirror#rebuild()} was
 *                        called, or the group's committed offsets belong to another epoch (a
 *                        partition the group never committed is read from the start anyway and
 *                        does not count)
 * @param appliedOffsets  per assigned partition: the committed offset, i.e. every record before
 *                        it is in Redis in the current epoch; a partition is absent after a
 *                        rewind until its first records are applied
 * @param lag             records on the assigned partitions not yet in Redis (as far as the
 *                        consumer knows the partitions' ends); -1 when unknown
 */
public record MirrorStatus(
        boolean running,
        boolean redisReachable,
        boolean paused,
        String epoch,
        long recordsApplied,
        long sessionsWritten,
        long sessionsDeleted,
        long errors,
        String lastError,
        int pendingSessions,
        long rebuilds,
        Map<Integer, Long> appliedOffsets,
        long lag) {

    static final MirrorStatus NOT_STARTED =
            new MirrorStatus(false, false, false, null, 0, 0, 0, 0, null, 0, 0, Map.of(), -1);
}
