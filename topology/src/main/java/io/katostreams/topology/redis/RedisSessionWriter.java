package io.katostreams.topology.redis;

import io.katostreams.schemas.avro.SessionState;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis side of the mirror: writes session states in the {@link SessionRedisLayout} and
 * reads/sets the epoch marker. Used by one thread (the mirror's); not thread-safe.
 *
 * <p>Failure contract: every method either succeeds completely or throws a
 * {@link RedisException}; after a failure the connection is dropped and the next call opens a
 * new one. Reconnecting ourselves (instead of lettuce's auto-reconnect) keeps the failure
 * visible at once, never leaves a half-sent MULTI on a reused connection, and lets the caller
 * own the retry policy. Commands time out after {@code timeout}, and commands on a connection
 * that went away are rejected instead of queued.
 */
final class RedisSessionWriter implements AutoCloseable {

    /** What one {@link #apply} changed. */
    record Applied(int written, int deleted) {
    }

    private final RedisClient client;
    private final Duration timeout;
    private StatefulRedisConnection<String, String> connection;

    RedisSessionWriter(String redisUrl, Duration timeout) {
        this.timeout = timeout;
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(timeout);
        client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
    }

    /**
     * The current epoch: the marker's value, creating it with a fresh random value when missing
     * ({@code SET NX}, so mirrors racing after a Redis restart agree on one value).
     */
    String currentEpoch() {
        return call(c -> {
            RedisCommands<String, String> redis = c.sync();
            String epoch = redis.get(SessionRedisLayout.EPOCH_KEY);
            if (epoch == null) {
                redis.set(SessionRedisLayout.EPOCH_KEY, newEpoch(), SetArgs.Builder.nx());
                epoch = redis.get(SessionRedisLayout.EPOCH_KEY);
            }
            if (epoch == null) {
                throw new RedisException("epoch marker " + SessionRedisLayout.EPOCH_KEY + " vanished right after SET NX");
            }
            return epoch;
        });
    }

    /** Sets a fresh epoch unconditionally (a requested rebuild) and returns it. */
    String replaceEpoch() {
        String epoch = newEpoch();
        call(c -> c.sync().set(SessionRedisLayout.EPOCH_KEY, epoch));
        return epoch;
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString();
    }

    /**
     * Brings Redis to the given state per session: a {@link SessionState} whose
     * {@code expires_at} is after {@code nowMillis} is written (all three keys replaced, expiring
     * at {@code expires_at}); a null state (tombstone) or an expired one deletes the keys.
     *
     * <p>Each session is one MULTI/EXEC, so readers never see its keys half-updated; the
     * transactions of all sessions are pipelined and then awaited together. Applying the same
     * states again gives the same result, which is what makes retries and replays safe. Absolute
     * expiry (PEXPIREAT) means an old record, replayed, cannot keep a dead session alive.
     *
     * @param states session id → latest state, null for a tombstone
     * @throws RedisException if any session's transaction did not succeed (some may have)
     */
    Applied apply(Map<String, SessionState> states, long nowMillis) {
        return call(c -> {
            RedisAsyncCommands<String, String> async = c.async();
            List<RedisFuture<TransactionResult>> results = new ArrayList<>(states.size());
            int written = 0;
            for (Map.Entry<String, SessionState> e : states.entrySet()) {
                String[] keys = SessionRedisLayout.keys(e.getKey());
                SessionState s = e.getValue();
                async.multi();
                // DEL first: the hash is replaced, not merged, and a key of a wrong type is cleared.
                async.del(keys);
                if (s != null && s.getExpiresAt().toEpochMilli() > nowMillis) {
                    long expiresAt = s.getExpiresAt().toEpochMilli();
                    async.hset(keys[0], SessionRedisLayout.hash(s));
                    async.set(keys[1], SessionRedisLayout.stmJson(s));
                    async.set(keys[2], SessionRedisLayout.emotivesJson(s));
                    for (String key : keys) {
                        async.pexpireat(key, expiresAt);
                    }
                    written++;
                }
                results.add(async.exec());
            }
            for (RedisFuture<TransactionResult> result : results) {
                check(await(result));
            }
            return new Applied(written, states.size() - written);
        });
    }

    private TransactionResult await(RedisFuture<TransactionResult> future) {
        try {
            // The command timeout already bounds each command; this is only a backstop.
            return future.get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException re ? re : new RedisException(e.getCause());
        } catch (TimeoutException e) {
            throw new RedisException("no answer to EXEC within " + timeout.multipliedBy(2), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while waiting for Redis", e);
        }
    }

    /** A queued command can fail inside EXEC (e.g. OOM); Redis then still runs the others. */
    private static void check(TransactionResult result) {
        if (result.wasDiscarded()) {
            throw new RedisException("transaction discarded");
        }
        for (Object reply : result) {
            if (reply instanceof Throwable t) {
                throw t instanceof RedisException re ? re : new RedisException(t);
            }
        }
    }

    private interface Call<T> {
        T run(StatefulRedisConnection<String, String> c);
    }

    /** Runs {@code call} on the open connection (opening one if needed); drops it on failure. */
    private <T> T call(Call<T> call) {
        try {
            if (connection == null || !connection.isOpen()) {
                dropConnection();
                connection = client.connect();
            }
            return call.run(connection);
        } catch (RuntimeException e) {
            dropConnection();
            throw e instanceof RedisException re ? re : new RedisException(e);
        }
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // it is broken already; nothing to release beyond what close tried
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        dropConnection();
        client.shutdown(Duration.ZERO, timeout);
    }
}
