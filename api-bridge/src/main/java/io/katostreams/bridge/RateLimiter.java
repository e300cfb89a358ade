package io.katostreams.bridge;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets per credential and route class: each holds the class's limit and refills it evenly
 * over {@code KATO_RATE_LIMIT_WINDOW_MS}. With {@code REDIS_URL} the buckets live in Redis and are
 * shared by every bridge instance (one atomic Lua script per request, Redis's own clock); when Redis
 * cannot be reached the bridge falls back to buckets of its own — the limit then holds per instance —
 * and says so in {@code /health}, trying Redis again every few seconds.
 */
final class RateLimiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private static final long RETRY_REDIS_MS = 5_000;

    /**
     * KEYS[1] bucket; ARGV capacity, window ms. Returns {allowed 0/1, ms until a token is back}.
     * Redis 7 replicates a script's effects, so reading TIME before writing is allowed.
     */
    static final String SCRIPT = String.join("\n",
            "local capacity = tonumber(ARGV[1])",
            "local window = tonumber(ARGV[2])",
            "local t = redis.call('TIME')",
            "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')",
            "local tokens = tonumber(b[1])",
            "local ts = tonumber(b[2])",
            "if tokens == nil or ts == nil then tokens = capacity; ts = now end",
            "tokens = math.min(capacity, tokens + math.max(0, now - ts) * capacity / window)",
            "local allowed = 0",
            "local wait = 0",
            "if tokens >= 1 then tokens = tokens - 1; allowed = 1",
            "else wait = math.ceil((1 - tokens) * window / capacity) end",
            "redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))",
            "redis.call('PEXPIRE', KEYS[1], window * 2)",
            "return {allowed, wait}");

    /** The outcome: allowed, or refused with the seconds until a retry can succeed (at least 1). */
    record Decision(boolean allowed, long retryAfterSeconds) {
        static final Decision ALLOW = new Decision(true, 0);
    }

    private final SecurityConfig config;
    private final String keyPrefix;
    private final String redisUrl;
    private final Duration timeout;
    private final Map<String, Bucket> local = new ConcurrentHashMap<>();
    /** Refused requests by class, in a fixed order for /prometheus. */
    private final Map<String, AtomicLong> throttled = new java.util.LinkedHashMap<>();
    private final ScheduledExecutorService reconnect;
    private RedisClient client;
    private volatile StatefulRedisConnection<String, String> redis;
    private volatile long redisFailedAt = Long.MIN_VALUE / 2;
    private volatile String redisError;
    /** Whether the last call to Redis succeeded. */
    private volatile boolean redisOk;

    RateLimiter(SecurityConfig config, String redisUrl, String topicPrefix, Duration timeout) {
        this.config = config;
        this.redisUrl = config.rateLimit() ? redisUrl : null;
        this.keyPrefix = "kato:ratelimit:" + topicPrefix;
        this.timeout = timeout;
        for (RouteTable.RateClass c : RouteTable.RateClass.values()) {
            if (c != RouteTable.RateClass.NONE) {
                throttled.put(c.label(), new AtomicLong());
            }
        }
        if (this.redisUrl != null) {
            reconnect = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kato-ratelimit-redis");
                t.setDaemon(true);
                return t;
            });
            reconnect.execute(this::connect);
        } else {
            reconnect = null;
        }
    }

    boolean enabled() {
        return config.rateLimit();
    }

    /** True when the buckets are shared through Redis right now. */
    boolean shared() {
        return redis != null && redisOk;
    }

    /** Why Redis is not used (null when it is, or is not configured). */
    String redisProblem() {
        return redisUrl == null || shared() ? null : (redisError == null ? "not connected yet" : redisError);
    }

    boolean redisConfigured() {
        return redisUrl != null;
    }

    Map<String, AtomicLong> throttledByClass() {
        return throttled;
    }

    /** Takes a token of {@code who}'s bucket of {@code rate}. */
    Decision acquire(String who, RouteTable.RateClass rate) {
        if (!config.rateLimit() || rate == RouteTable.RateClass.NONE) {
            return Decision.ALLOW;
        }
        long capacity = config.limit(rate);
        long window = config.rateWindow().toMillis();
        String key = keyPrefix + rate.label() + ":" + who;
        Decision d = null;
        StatefulRedisConnection<String, String> c = redis;
        if (c != null) {
            try {
                List<Object> r = c.sync().eval(SCRIPT, ScriptOutputType.MULTI, new String[] {key},
                        Long.toString(capacity), Long.toString(window));
                boolean ok = ((Long) r.get(0)) == 1L;
                d = ok ? Decision.ALLOW : new Decision(false, seconds((Long) r.get(1)));
                redisOk = true;
            } catch (RuntimeException e) {
                redisLost(e);
            }
        }
        if (d == null) {
            d = local.computeIfAbsent(key, k -> new Bucket(capacity)).take(capacity, window);
        }
        if (!d.allowed()) {
            throttled.get(rate.label()).incrementAndGet();
        }
        return d;
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private synchronized void connect() {
        if (redis != null) {
            return;
        }
        try {
            if (client == null) {
                client = RedisClient.create(RedisURI.create(redisUrl));
                client.setOptions(ClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(timeout)).build());
            }
            StatefulRedisConnection<String, String> c = client.connect();
            c.setTimeout(timeout);
            redis = c;
            redisOk = true;
            redisError = null;
            LOG.info("rate limits shared through Redis");
        } catch (RuntimeException e) {
            redisError = e.getMessage();
            LOG.warn("rate limits per instance: Redis unreachable ({}); retrying in {} s", e.getMessage(),
                    RETRY_REDIS_MS / 1000);
            reconnect.schedule(this::connect, RETRY_REDIS_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void redisLost(RuntimeException e) {
        StatefulRedisConnection<String, String> c = redis;
        redisOk = false;
        redisError = e.getMessage();
        long now = System.currentTimeMillis();
        if (now - redisFailedAt > RETRY_REDIS_MS) {
            redisFailedAt = now;
            LOG.warn("rate limits per instance: Redis failed ({})", e.toString());
        }
        if (c != null && !c.isOpen()) {
            synchronized (this) {
                if (redis == c) {
                    redis = null;
                    c.closeAsync();
                    reconnect.schedule(this::connect, RETRY_REDIS_MS, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** An in-process bucket (the fallback, and the only one without Redis). */
    private static final class Bucket {
        private double tokens;
        private long last = System.nanoTime();

        Bucket(long capacity) {
            this.tokens = capacity;
        }

        synchronized Decision take(long capacity, long windowMs) {
            long now = System.nanoTime();
            double perMs = (double) capacity / windowMs;
            tokens = Math.min(capacity, tokens + (now - last) / 1e6 * perMs);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Decision.ALLOW;
            }
            return new Decision(false, seconds((long) Math.ceil((1 - tokens) / perMs)));
        }
    }

    @Override
    public synchronized void close() {
        if (reconnect != null) {
            reconnect.shutdownNow();
        }
        if (redis != null) {
            redis.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
