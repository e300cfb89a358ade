package io.katostreams.topology.redis;

import io.katostreams.schemas.security.BackendAccessException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;

/**
 * The start-up check of REDIS_URL: does Redis accept these credentials and let this user run what
 * the mirror runs? REDIS_URL forms (lettuce's {@link RedisURI}): {@code redis://host:port},
 * {@code redis://:password@host} (requirepass), {@code redis://user:password@host} (ACL user),
 * {@code rediss://…} (TLS; the JVM's trust store, or {@code ?verifyPeer=false} for a self-signed
 * test server), {@code /db} to pick a database.
 *
 * <p>Refused credentials, missing permissions or a failed TLS handshake stop the process with one
 * line ({@link BackendAccessException}); an unreachable Redis does not, because the mirror rides
 * out Redis outages (the copy is rebuilt when Redis is back).
 */
public final class RedisAccess {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAccess.class);

    private RedisAccess() {
    }

    /** Where {@code url} points, without its credentials: {@code redis://host:port} or {@code rediss://…}. */
    public static String display(String url) {
        RedisURI uri = RedisURI.create(url);
        String user = null;
        try {
            String info = java.net.URI.create(url).getRawUserInfo();
            if (info != null && info.indexOf(':') > 0) user = info.substring(0, info.indexOf(':'));
        } catch (IllegalArgumentException unparsable) {
            // lettuce parsed it; the user name is only decoration here
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + (user == null || user.isEmpty() ? "" : user + "@")
                + uri.getHost() + ":" + uri.getPort();
    }

    /**
     * Connects, authenticates (lettuce sends AUTH/HELLO from the URL) and runs {@code PING} and
     * {@code EXISTS} on the mirror's epoch key.
     *
     * @throws BackendAccessException when Redis refuses the credentials or a command (NOAUTH,
     *     WRONGPASS, NOPERM) or the TLS handshake fails
     * @throws IllegalArgumentException when {@code url} is not a Redis URL
     */
    public static void verify(String url, Duration timeout) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            // the message of a parse failure may quote the URL: do not pass it on
            throw new IllegalArgumentException("REDIS_URL is not a redis:// or rediss:// URL");
        }
        uri.setTimeout(timeout);
        String where = "Redis at " + display(url);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            redis.ping();
            redis.exists(SessionRedisLayout.EPOCH_KEY);
        } catch (RedisException e) {
            String refusal = refusal(e);
            if (refusal != null) {
                throw new BackendAccessException(where + " refused the Redis mirror: " + refusal
                        + " (check the user and password in REDIS_URL)", e);
            }
            if (tlsFailure(e)) {
                throw new BackendAccessException(where + ": TLS handshake failed (" + rootCause(e) + ")", e);
            }
            // Unreachable now: the mirror retries with backoff and rebuilds the copy once Redis answers.
            LOG.warn("{} does not answer yet ({}); the Redis mirror will keep retrying", where, rootCause(e));
        } finally {
            client.shutdown(Duration.ZERO, timeout);
        }
    }

    /** The server's refusal (NOAUTH, WRONGPASS, NOPERM, ERR … password …) in the cause chain, or null. */
    static String refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            String upper = m.toUpperCase(Locale.ROOT);
            if (upper.startsWith("NOAUTH") || upper.startsWith("WRONGPASS") || upper.startsWith("NOPERM")
                    || (upper.startsWith("ERR") && (upper.contains("PASSWORD") || upper.contains("AUTH")))) {
                return m;
            }
        }
        return null;
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) return true;
        }
        return false;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
