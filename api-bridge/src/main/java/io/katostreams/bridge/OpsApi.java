package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.katostreams.schemas.validation.LenientJson;
import io.katostreams.schemas.validation.RecordValidationException;
import io.katostreams.schemas.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Health, status and the operational extras of spec 01 §2 and §6 (their members as listed there;
 * numeric contents are the bridge's own), plus {@code /prometheus} (Prometheus text format),
 * {@code /openapi.json}, {@code /docs} and {@code /redoc}.
 *
 * <p>Beyond the spec's members, {@code /health} and {@code /status} report whether Kafka answers
 * ({@code kafka.reachable}), whether the bridge is connected to the KATO topics
 * ({@code kafka.topics_ready}) and, when {@code REDIS_URL} is set, whether Redis answers PING
 * ({@code redis.reachable}). Kafka or Redis unreachable makes {@code status} {@code degraded}.
 */
final class OpsApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpsApi.class);

    /** /concurrency thresholds (spec 01 §6 defaults). */
    private static final int CONCURRENCY_LIMIT = 100;
    private static final int WARNING_PERCENT = 80;
    private static final int CRITICAL_PERCENT = 95;

    private final BridgeServices services;
    private final Admin admin;
    private final RedisProbe redis;
    private final String openApi;
    private final String docsPage;

    /** Kafka reachability, cached briefly so that frequent health checks do not hammer the broker. */
    private volatile boolean kafkaReachable;
    private volatile long kafkaCheckedAt = Long.MIN_VALUE;
    private static final long PROBE_CACHE_MS = 1_000;

    OpsApi(BridgeServices services, Admin admin) {
        this.services = services;
        this.admin = admin;
        BridgeConfig config = services.config();
        this.redis = config.redisUrl() == null ? null : new RedisProbe(config.redisUrl(), config.probeTimeout());
        this.openApi = resource("openapi.json");
        this.docsPage = resource("docs.html");
    }

    /** Connects the Admin client in the background, so the first health check does not pay for it. */
    void warmUp() {
        admin.describeCluster().clusterId().whenComplete((id, e) -> {
            if (e == null) {
                kafkaReachable = true;
                kafkaCheckedAt = services.clock().millis();
            }
        });
    }

    void routes(JavalinDefaultRoutingApi r) {
        r.get("/", this::root);
        r.get("/health", this::health);
        r.get("/status", this::status);
        r.get("/metrics", this::metricsSummary);
        r.get("/metrics/{metric_name}", this::metric);
        r.get("/prometheus", this::prometheus);
        r.get("/stats", this::stats);
        r.get("/concurrency", this::concurrency);
        r.get("/cache/stats", this::cacheStats);
        r.post("/cache/invalidate", this::cacheInvalidate);
        r.get("/distributed-stm/stats", this::distributedStm);
        r.get("/connection-pools", this::connectionPools);
        r.get("/openapi.json", ctx -> Http.json(ctx, 200, openApi));
        r.get("/docs", ctx -> html(ctx, docsPage));
        r.get("/redoc", ctx -> html(ctx, docsPage));
    }

    // ---- §2 -------------------------------------------------------------------------------------

    private void root(Context ctx) {
        ObjectNode o = Http.NODES.objectNode();
        o.put("service", "KATO API");
        o.put("version", "1.0.0");
        o.put("description", "Knowledge Abstraction for Traceable Outcomes with Multi-User Support");
        o.put("docs", "/docs");
        o.put("health", "/health");
        o.put("status", "running");
        o.put("uptime_seconds", services.metrics().uptimeSeconds());
        o.put("architecture", "modular");
        o.put("session_support", true);
        Http.json(ctx, 200, o);
    }

    /** Null when no disk is watched. */
    private volatile DiskGuard diskGuard;

    void diskGuard(DiskGuard guard) {
        this.diskGuard = guard;
    }

    /** The disk guard's sample for /health, or null without a guard. */
    private ObjectNode disk() {
        DiskGuard g = diskGuard;
        if (g == null) return null;
        DiskGuard.State s = g.state();
        ObjectNode d = Http.NODES.objectNode();
        d.put("path", g.path().toString());
        d.put("free_bytes", s.freeBytes());
        d.put("total_bytes", s.totalBytes());
        d.put("used_ratio", Http.plain(Math.round(s.usedRatio() * 10000) / 10000.0));
        d.put("max_used_percent", g.maxUsedPercent());
        d.put("min_free_bytes", g.minFreeBytes());
        d.put("refusing_growth", s.refusing());
        return d;
    }

    /** {@code GET /health}: always 200, even when degraded (spec 01 §2.1). */
    private void health(Context ctx) {
        Checks c = checks();
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", c.status());
        o.put("processor_status", "healthy");
        o.put("service_name", services.config().serviceName());
        o.put("uptime_seconds", services.metrics().uptimeSeconds());
        ArrayNode issues = o.putArray("issues");
        c.issues().forEach(issues::add);
        o.put("metrics_collected", services.metrics().seriesWithData());
        o.put("last_collection", Http.plain(services.metrics().startedAtMs / 1000.0)); // [QUIRK] the start time, misnamed
        o.put("active_sessions", services.directory().liveCount());
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        o.set("kafka", c.kafka());
        o.set("redis", c.redis());
        ObjectNode disk = disk();
        if (disk != null) o.set("disk", disk);
        o.set("security", services.security().healthJson());
        Http.json(ctx, 200, o);
    }

    /** {@code GET /status} (spec 01 §2.2): status and version are literals. */
    private void status(Context ctx) {
        Checks c = checks();
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", "healthy");
        o.put("base_processor_id", services.config().serviceName());
        o.put("uptime_seconds", services.metrics().uptimeSeconds());
        o.set("sessions", sessionStats());
        o.set("processors", services.processors().toJson());
        o.put("version", "1.0.0");
        o.set("kafka", c.kafka());
        o.set("redis", c.redis());
        Http.json(ctx, 200, o);
    }

    private ObjectNode sessionStats() {
        int live = services.directory().liveCount();
        ObjectNode s = Http.NODES.objectNode();
        s.put("total_sessions", services.directory().size());
        s.put("active_sessions", live);
        s.put("expired_sessions", Math.max(0, services.directory().size() - live)); // expired, tombstone not yet written
        s.put("backend", "kafka");
        s.put("redis_url", redis == null ? null : redis.displayUrl());
        return s;
    }

    /** The outcome of the reachability probes and the resource thresholds of /health. */
    private record Checks(String status, List<String> issues, ObjectNode kafka, ObjectNode redis) {
    }

    private Checks checks() {
        List<String> issues = new ArrayList<>();
        boolean degraded = false;
        boolean unhealthy = false;
        double cpu = BridgeMetrics.cpuPercent();
        double memory = BridgeMetrics.memoryPercent();
        if (cpu > 80) {
            issues.add("High CPU usage");
            degraded = true;
        }
        if (memory > 90) {
            issues.add("High memory usage");
            unhealthy = true;
        }
        if (services.metrics().requests.get() >= 20 && services.metrics().errorRate() > 0.1) {
            issues.add("High error rate");
            degraded = true;
        }
        ObjectNode kafka = Http.NODES.objectNode();
        boolean reachable = kafkaReachable();
        kafka.put("reachable", reachable);
        kafka.put("topics_ready", services.gateway().isReady());
        kafka.put("session_directory_loaded", services.directory().isLoaded());
        kafka.put("bootstrap_servers", services.config().bootstrapServers());
        if (!reachable) {
            issues.add("Kafka unreachable");
            degraded = true;
        } else if (!services.gateway().isReady()) {
            issues.add("KATO topics not available yet");
            degraded = true;
        } else if (services.gateway().replyTimedOutWithin(java.time.Duration.ofMinutes(1))) {
            // the topology is down, restarting, failing on a record, or overloaded: this bridge
            // cannot see it directly, only that commands went unanswered
            issues.add("KATO topology did not answer a request within the reply timeout in the last minute");
            degraded = true;
        }
        ObjectNode r = Http.NODES.objectNode();
        r.put("configured", redis != null);
        if (redis != null) {
            RedisProbe.Result result = redis.ping();
            services.metrics().redisProbe(result.reachable(), result.micros());
            r.put("reachable", result.reachable());
            r.put("url", redis.displayUrl());
            if (!result.reachable()) {
                r.put("error", result.error());
                issues.add("Redis unreachable");
                degraded = true;
            }
        } else {
            r.putNull("reachable");
        }
        DiskGuard g = diskGuard;
        String diskIssue = g == null ? null : g.issue();
        if (diskIssue != null) {
            issues.add(diskIssue);
            degraded = true;
        }
        String rateIssue = services.security().healthIssue();
        if (rateIssue != null) {
            issues.add(rateIssue);
        }
        String status = unhealthy ? "unhealthy" : degraded ? "degraded" : "healthy";
        return new Checks(status, issues, kafka, r);
    }

    private boolean kafkaReachable() {
        long now = services.clock().millis();
        if (now - kafkaCheckedAt < PROBE_CACHE_MS) {
            return kafkaReachable;
        }
        boolean ok;
        int timeout = (int) services.config().probeTimeout().toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).clusterId()
                    .get(timeout, TimeUnit.MILLISECONDS);
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        } catch (Exception e) {
            LOG.debug("Kafka reachability probe failed: {}", e.toString());
            ok = false;
        }
        kafkaReachable = ok;
        kafkaCheckedAt = services.clock().millis();
        return ok;
    }

    // ---- §6 -------------------------------------------------------------------------------------

    private void metricsSummary(Context ctx) {
        Instant now = services.clock().instant();
        double t = Http.epochSeconds(now);
        ObjectNode o = Http.NODES.objectNode();
        o.put("timestamp", Http.plain(t));
        ObjectNode s = o.putObject("sessions");
        s.put("total_created", services.metrics().sessionsCreated.get());
        s.put("total_deleted", services.metrics().sessionsDeleted.get());
        s.put("active", services.directory().liveCount());
        s.put("operations_total", services.metrics().sessionOperations.get());
        o.set("performance", performance());
        o.set("resources", resources());
        o.set("databases", databases());
        o.set("processor_manager", services.processors().toJson());
        ObjectNode rates = o.putObject("rates");
        double minuteAgo = t - 60;
        rates.put("requests_per_second", services.metrics().increase("kato_requests_total", minuteAgo) / 60.0);
        rates.put("requests_per_minute", services.metrics().increase("kato_requests_total", minuteAgo));
        rates.put("errors_per_minute", services.metrics().increase("kato_errors_total", minuteAgo));
        rates.put("sessions_created_per_minute", services.metrics().increase("sessions_created", minuteAgo));
        rates.put("session_operations_per_second", services.metrics().increase("session_operations", minuteAgo) / 60.0);
        Http.json(ctx, 200, o);
    }

    private ObjectNode performance() {
        ObjectNode p = Http.NODES.objectNode();
        p.put("total_requests", services.metrics().requests.get());
        p.put("total_errors", services.metrics().serverErrors.get());
        p.put("error_rate", services.metrics().errorRate());
        p.put("average_response_time", services.metrics().averageResponseSeconds());
        return p;
    }

    private static ObjectNode resources() {
        ObjectNode r = Http.NODES.objectNode();
        r.put("cpu_percent", BridgeMetrics.cpuPercent());
        r.put("memory_percent", BridgeMetrics.memoryPercent());
        r.put("disk_percent", BridgeMetrics.diskPercent());
        return r;
    }

    private ObjectNode databases() {
        ObjectNode d = Http.NODES.objectNode();
        for (String db : List.of("mongodb", "qdrant")) {
            ObjectNode x = d.putObject(db);
            x.put("operations", 0);
            x.put("errors", 0);
            x.put("avg_response_time", 0.0);
        }
        ObjectNode r = d.putObject("redis");
        r.put("operations", services.metrics().redisOperations.get());
        r.put("errors", services.metrics().redisErrors.get());
        r.put("avg_response_time", services.metrics().redisAverageSeconds());
        return d;
    }

    /**
     * {@code GET /metrics/{name}?minutes=N}. [QUIRK] kept from the reference: the window is
     * {@code minutes} <i>seconds</i> (spec 01 §6).
     */
    private void metric(Context ctx) {
        String name = ctx.pathParam("metric_name");
        long minutes = minutes(ctx);
        double now = Http.epochSeconds(services.clock().instant());
        List<BridgeMetrics.Point> points = services.metrics().points(name, now - minutes);
        if (points == null || points.isEmpty()) {
            Http.detail(ctx, 404, "No data available for metric '" + name + "' in the last " + minutes + " minutes");
            return;
        }
        ObjectNode o = Http.NODES.objectNode();
        o.put("metric_name", name);
        o.put("time_range_minutes", minutes);
        o.put("timestamp", Http.plain(now));
        ObjectNode st = o.putObject("statistics");
        st.put("count", points.size());
        st.put("min", points.stream().mapToDouble(BridgeMetrics.Point::value).min().orElse(0));
        st.put("max", points.stream().mapToDouble(BridgeMetrics.Point::value).max().orElse(0));
        st.put("avg", points.stream().mapToDouble(BridgeMetrics.Point::value).average().orElse(0));
        ArrayNode data = o.putArray("data_points");
        points.forEach(p -> data.addObject().put("timestamp", Http.plain(p.timestamp())).put("value", Http.plain(p.value())));
        Http.json(ctx, 200, o);
    }

    /** {@code GET /stats?minutes=10}. */
    private void stats(Context ctx) {
        long minutes = minutes(ctx);
        double now = Http.epochSeconds(services.clock().instant());
        double since = now - minutes * 60.0;
        Checks c = checks();
        ObjectNode o = Http.NODES.objectNode();
        o.put("time_range_minutes", minutes);
        o.put("timestamp", Http.plain(now));
        o.set("processor_manager", services.processors().toJson());
        ObjectNode cur = o.putObject("current_status");
        cur.put("status", c.status());
        ArrayNode issues = cur.putArray("issues");
        c.issues().forEach(issues::add);
        ObjectNode m = cur.putObject("metrics");
        m.put("cpu_percent", BridgeMetrics.cpuPercent());
        m.put("memory_percent", BridgeMetrics.memoryPercent());
        m.put("error_rate_per_min", services.metrics().increase("kato_errors_total", now - 60));
        cur.put("timestamp", Http.plain(now));
        ObjectNode series = o.putObject("time_series");
        for (String name : BridgeMetrics.SERIES) {
            ArrayNode a = series.putArray(name);
            services.metrics().points(name, since).forEach(p -> a.addObject().put("timestamp", Http.plain(p.timestamp())).put("value", Http.plain(p.value())));
        }
        ObjectNode summary = o.putObject("summary");
        ObjectNode s = summary.putObject("sessions");
        s.put("created", services.metrics().increase("sessions_created", since));
        s.put("deleted", services.metrics().increase("sessions_deleted", since));
        s.put("active", services.directory().liveCount());
        summary.set("performance", performance());
        ObjectNode res = summary.putObject("resources");
        res.put("avg_cpu_percent", services.metrics().average("kato_cpu_usage_percent", since));
        res.put("avg_memory_percent", services.metrics().average("kato_memory_usage_percent", since));
        res.put("avg_disk_percent", services.metrics().average("kato_disk_usage_percent", since));
        summary.set("databases", databases());
        Http.json(ctx, 200, o);
    }

    /** The {@code minutes} query value: a lenient integer ≥ 1, default 10. */
    private static long minutes(Context ctx) {
        String raw = Http.query(ctx, "minutes");
        if (raw == null) {
            return 10;
        }
        List<ValidationError> errors = new ArrayList<>();
        List<Object> loc = List.of("query", "minutes");
        Long v = LenientJson.integer(JsonNodeFactory.instance.textNode(raw), loc, errors);
        if (v != null && v < 1) {
            ObjectNode c = Http.NODES.objectNode().put("ge", 1);
            errors.add(new ValidationError("greater_than_equal", loc, "Input should be greater than or equal to 1",
                    JsonNodeFactory.instance.textNode(raw), c));
        }
        if (!errors.isEmpty()) {
            throw new RecordValidationException(errors);
        }
        return Math.min(v, 100_000_000L);
    }

    private void concurrency(Context ctx) {
        int current = services.metrics().inFlight.get();
        int peak = services.metrics().peakInFlight.get();
        double utilization = 100.0 * current / CONCURRENCY_LIMIT;
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", utilization >= CRITICAL_PERCENT ? "critical" : utilization >= WARNING_PERCENT ? "warning" : "healthy");
        ObjectNode cur = o.putObject("current");
        cur.put("concurrent_requests", current);
        cur.put("utilization_percent", utilization);
        cur.put("pending_kafka_replies", services.gateway().pendingRequests());
        ObjectNode pk = o.putObject("peak");
        pk.put("concurrent_requests", peak);
        pk.put("utilization_percent", 100.0 * peak / CONCURRENCY_LIMIT);
        pk.put("timestamp", services.metrics().peakAtMs == 0 ? null : Http.isoOffset(Instant.ofEpochMilli(services.metrics().peakAtMs)));
        ObjectNode lim = o.putObject("limits");
        lim.put("per_worker", CONCURRENCY_LIMIT);
        lim.put("warning_threshold", WARNING_PERCENT);
        lim.put("critical_threshold", CRITICAL_PERCENT);
        lim.put("total_capacity", CONCURRENCY_LIMIT);
        ObjectNode conf = o.putObject("configuration");
        conf.put("workers", 1);
        conf.put("backlog", 0);
        conf.put("max_requests", 0);
        ArrayNode rec = o.putArray("recommendations");
        if (utilization >= WARNING_PERCENT) {
            rec.addObject().put("level", utilization >= CRITICAL_PERCENT ? "critical" : "warning")
                    .put("message", "High concurrency: run more bridge instances behind a load balancer");
        }
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        Http.json(ctx, 200, o);
    }

    private void cacheStats(Context ctx) {
        ObjectNode o = Http.NODES.objectNode();
        o.putObject("cache_performance").put("status", "disabled").put("reason", "Cache manager not available");
        o.putObject("cache_health").put("status", "disabled");
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        Http.json(ctx, 200, o);
    }

    private void cacheInvalidate(Context ctx) {
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", "disabled");
        o.put("reason", "Cache manager not available");
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        Http.json(ctx, 200, o);
    }

    private void distributedStm(Context ctx) {
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", "disabled");
        o.put("distributed_stm_enabled", false);
        o.put("reason", "No processors with distributed STM available");
        o.putObject("processor_info").put("total_active_processors", 0);
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        Http.json(ctx, 200, o);
    }

    private void connectionPools(Context ctx) {
        Checks c = checks();
        boolean kafkaOk = c.kafka().path("reachable").asBoolean();
        ObjectNode o = Http.NODES.objectNode();
        o.put("status", kafkaOk ? "healthy" : "degraded");
        ObjectNode h = o.putObject("health");
        h.set("kafka", c.kafka());
        h.set("redis", c.redis());
        ObjectNode pools = o.putObject("pool_statistics");
        ObjectNode k = pools.putObject("kafka");
        k.put("producers", 1);
        k.put("reply_consumers", 1);
        k.put("session_directory_consumers", 1);
        k.put("commands_sent", services.gateway().commandsSent.get());
        k.put("replies_received", services.gateway().repliesReceived.get());
        k.put("pending_replies", services.gateway().pendingRequests());
        k.put("reply_timeouts", services.gateway().replyTimeouts.get());
        long trips = services.gateway().roundTrips.get();
        k.put("average_round_trip_seconds", trips == 0 ? 0.0 : services.gateway().roundTripMicros.sum() / 1e6 / trips);
        k.put("send_failures", services.gateway().sendFailures.get());
        k.put("command_partitions", services.gateway().commandPartitions());
        pools.putObject("websocket").put("clients", services.events().clients());
        ObjectNode opt = o.putObject("connection_optimization");
        opt.put("producer_idempotence", true);
        opt.put("producer_linger_ms", 0);
        opt.put("reply_isolation_level", "read_uncommitted");
        opt.put("reply_timeout_ms", services.config().replyTimeout().toMillis());
        ObjectNode perf = o.putObject("performance_improvements");
        perf.put("async_request_handling", true);
        perf.put("commands_keyed_by_canonical_node", true);
        o.put("timestamp", Http.isoOffset(services.clock().instant()));
        Http.json(ctx, 200, o);
    }

    /** Prometheus text exposition (version 0.0.4). */
    private void prometheus(Context ctx) {
        StringBuilder b = new StringBuilder();
        counter(b, "kato_bridge_requests_total", "HTTP requests answered, by status", null);
        Map<Integer, Long> byStatus = new TreeMap<>();
        services.metrics().byStatus.forEach((s, n) -> byStatus.put(s, n.sum()));
        byStatus.forEach((s, n) -> b.append("kato_bridge_requests_total{status=\"").append(s).append("\"} ").append(n).append('\n'));
        b.append("# HELP kato_bridge_request_duration_seconds Time spent answering requests\n");
        b.append("# TYPE kato_bridge_request_duration_seconds summary\n");
        b.append("kato_bridge_request_duration_seconds_sum ").append(format(services.metrics().durationMicros.sum() / 1e6)).append('\n');
        b.append("kato_bridge_request_duration_seconds_count ").append(services.metrics().requests.get()).append('\n');
        gauge(b, "kato_bridge_requests_in_flight", "Requests being answered", services.metrics().inFlight.get());
        counter(b, "kato_bridge_commands_sent_total", "Commands produced to kato.commands", (double) services.gateway().commandsSent.get());
        counter(b, "kato_bridge_replies_received_total", "Replies read from kato.replies (all bridges)",
                (double) services.gateway().repliesReceived.get());
        counter(b, "kato_bridge_reply_timeouts_total", "Requests answered 503 for lack of a reply",
                (double) services.gateway().replyTimeouts.get());
        counter(b, "kato_bridge_send_failures_total", "Commands Kafka did not accept", (double) services.gateway().sendFailures.get());
        counter(b, "kato_bridge_ticks_total", "Stream-time tick rounds sent", (double) services.gateway().ticksSent.get());
        b.append("# HELP kato_bridge_reply_round_trip_seconds Time from sending a command to reading its reply\n");
        b.append("# TYPE kato_bridge_reply_round_trip_seconds summary\n");
        b.append("kato_bridge_reply_round_trip_seconds_sum ").append(format(services.gateway().roundTripMicros.sum() / 1e6)).append('\n');
        b.append("kato_bridge_reply_round_trip_seconds_count ").append(services.gateway().roundTrips.get()).append('\n');
        gauge(b, "kato_bridge_pending_replies", "Requests waiting for a reply", services.gateway().pendingRequests());
        counter(b, "kato_bridge_sessions_created_total", "Sessions created through this bridge",
                (double) services.metrics().sessionsCreated.get());
        counter(b, "kato_bridge_sessions_deleted_total", "Sessions deleted through this bridge",
                (double) services.metrics().sessionsDeleted.get());
        gauge(b, "kato_bridge_active_sessions", "Live sessions in the session directory (all nodes)",
                services.directory().liveCount());
        counter(b, "kato_bridge_throttled_total", "Requests refused 429 by the rate limits, by route class", null);
        services.security().limiter.throttledByClass().forEach((cls, n) ->
                b.append("kato_bridge_throttled_total{class=\"").append(cls).append("\"} ").append(n.get()).append('\n'));
        counter(b, "kato_bridge_unauthenticated_total", "Requests refused 401", (double) services.security().unauthenticated.get());
        counter(b, "kato_bridge_forbidden_total", "Requests refused 403, or 404 for a session out of scope",
                (double) services.security().forbidden.get());
        if (services.security().audit != null) {
            counter(b, "kato_bridge_audit_records_total", "Audit records written", (double) services.security().audit.written.get());
            counter(b, "kato_bridge_audit_failures_total", "Audit records Kafka did not accept",
                    (double) services.security().audit.failed.get());
        }
        gauge(b, "kato_bridge_topics_ready", "1 when connected to the KATO topics", services.gateway().isReady() ? 1 : 0);
        gauge(b, "kato_bridge_uptime_seconds", "Seconds since start", services.metrics().uptimeSeconds());
        DiskGuard g = diskGuard;
        if (g != null) {
            DiskGuard.State s = g.state();
            gauge(b, "kato_disk_free_bytes", "Free bytes on the filesystem of the watched data directory", s.freeBytes());
            gauge(b, "kato_disk_total_bytes", "Size of the filesystem of the watched data directory", s.totalBytes());
            gauge(b, "kato_disk_used_ratio", "Share of that filesystem in use (0..1)", s.usedRatio());
            gauge(b, "kato_disk_guard_refusing", "1 while observations and learns are refused for lack of disk",
                    s.refusing() ? 1 : 0);
        }
        gauge(b, "kato_bridge_memory_used_bytes", "JVM heap in use", BridgeMetrics.processMemoryBytes());
        ctx.attribute(Http.ATTR_WRITTEN, Boolean.TRUE);
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(b.toString());
    }

    /** HELP and TYPE lines, and the sample unless {@code value} is null (labelled samples follow). */
    private static void counter(StringBuilder b, String name, String help, Double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        if (value != null) {
            b.append(name).append(' ').append(format(value)).append('\n');
        }
    }

    private static void gauge(StringBuilder b, String name, String help, double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(format(value)).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    // ---- documents ------------------------------------------------------------------------------

    private static void html(Context ctx, String page) {
        ctx.attribute(Http.ATTR_WRITTEN, Boolean.TRUE);
        ctx.status(200).contentType("text/html; charset=utf-8").result(page);
    }

    private static String resource(String name) {
        try (InputStream in = OpsApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
