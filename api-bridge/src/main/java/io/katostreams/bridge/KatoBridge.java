package io.katostreams.bridge;

import io.katostreams.schemas.security.BackendAccessException;
import io.katostreams.schemas.security.KafkaClientEnv;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.katostreams.schemas.validation.RecordValidationException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The KATO REST bridge: KATO's HTTP contract (spec 01) over Kafka. Each request is validated here
 * and becomes one Command on {@code kato.commands}; the topology's Reply on {@code kato.replies}
 * becomes the response. Sessions are looked up in a directory read from {@code kato.sessions}, so
 * any number of bridge instances can serve any session.
 *
 * <pre>{@code
 * try (KatoBridge bridge = new KatoBridge(BridgeConfig.fromEnvironment(System.getenv())).start()) {
 *     bridge.awaitReady(Duration.ofSeconds(60));
 *     ... http://localhost:<bridge.port()>/health
 * }
 * }</pre>
 *
 * <p>The HTTP server answers at once after {@link #start()}; until the KATO topics exist (the
 * topology creates them) requests that need Kafka are answered 503.
 */
public final class KatoBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KatoBridge.class);
    /** One line per request: method, path, status, duration, trace id, session. */
    private static final Logger ACCESS = LoggerFactory.getLogger("io.katostreams.bridge.access");

    private final BridgeConfig config;
    private final Clock clock;
    private final BridgeMetrics metrics;
    private final KafkaGateway gateway;
    private final SessionDirectory directory;
    private final Admin admin;
    private final KatoApi api;
    private final OpsApi ops;
    private final SessionEvents events;
    /** Null when no disk is watched (KATO_DISK_GUARD_PATH unset). */
    private final DiskGuard diskGuard;
    private final Security security;
    /** The console and its knowledge catalog; both null when KATO_CONSOLE_ENABLED is false. */
    private final KnowledgeCatalog catalog;
    private final ConsoleApi console;
    private Javalin app;

    /** How long the start-up access check waits for Kafka to answer. */
    private static final Duration ACCESS_CHECK_TIMEOUT = Duration.ofSeconds(30);

    public KatoBridge(BridgeConfig config) {
        this(config, Clock.systemUTC(), null);
    }

    /** A bridge that also enforces {@code diskGuard} (may be null); the bridge starts and closes it. */
    public KatoBridge(BridgeConfig config, DiskGuard diskGuard) {
        this(config, Clock.systemUTC(), diskGuard);
    }

    KatoBridge(BridgeConfig config, Clock clock) {
        this(config, clock, null);
    }

    KatoBridge(BridgeConfig config, Clock clock, DiskGuard diskGuard) {
        this.config = config;
        this.diskGuard = diskGuard;
        this.clock = clock;
        this.security = new Security(config); // first: a bad security setting fails before anything connects
        this.metrics = new BridgeMetrics(clock);
        Properties adminProps = new Properties();
        adminProps.putAll(config.kafkaSecurity());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        // Wrong credentials (Kafka or Redis) stop the bridge here with one line, before any client
        // starts retrying in the background.
        Map<String, Object> check = new java.util.HashMap<>(config.kafkaSecurity());
        check.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        KafkaClientEnv.verify(check, "the bridge", ACCESS_CHECK_TIMEOUT);
        if (config.redisUrl() != null) {
            new RedisProbe(config.redisUrl(), config.probeTimeout()).verifyCredentials();
        }
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, config.bridgeId() + "-admin");
        this.admin = Admin.create(adminProps);
        this.gateway = new KafkaGateway(config, clock, admin);
        this.directory = new SessionDirectory(config, clock);
        ProcessorRegistry processors = new ProcessorRegistry(clock, config.serviceName());
        this.events = new SessionEvents(clock, directory::liveCount);
        BridgeServices services = new BridgeServices(config, gateway, directory, metrics, processors, events, clock,
                security);
        this.api = new KatoApi(services);
        this.ops = new OpsApi(services, admin);
        if (diskGuard != null) {
            gateway.diskGuard(diskGuard);
            ops.diskGuard(diskGuard);
        }
        this.catalog = config.consoleEnabled() ? new KnowledgeCatalog(config) : null;
        this.console = config.consoleEnabled() ? new ConsoleApi(services, catalog) : null;
    }

    /** Starts the Kafka clients and the HTTP server; returns once the server listens. */
    public KatoBridge start() {
        metrics.start();
        gateway.start();
        // a change reaches the topology at once, not only with the next tick
        if (diskGuard != null) diskGuard.start(gateway::tickNow);
        directory.start();
        if (catalog != null) {
            catalog.start();
        }
        ops.warmUp();
        if (security.audit != null) {
            security.audit.ensureTopic(admin, config.security().auditRetentionMs());
        }
        app = Javalin.create(this::configure).start(config.host(), config.port());
        LOG.info("KATO bridge {} listening on {}://{}:{} (auth {}, Kafka {} {}, topics {}*)", config.bridgeId(),
                config.security().tlsKeystore() == null ? "http" : "https", config.host(), port(),
                config.security().auth(), config.bootstrapServers(), KafkaClientEnv.describe(config.kafkaSecurity()),
                config.topicPrefix());
        return this;
    }

    /** The HTTP port (the actual one when configured as 0). */
    public int port() {
        return app.port();
    }

    public String bridgeId() {
        return config.bridgeId();
    }

    public BridgeConfig config() {
        return config;
    }

    /** Whether this bridge's session directory lists the session (live or expired, tombstone not yet read). */
    boolean knowsSession(String sessionId) {
        return directory.get(sessionId) != null;
    }

    /** Waits until the bridge reads its replies and has loaded the session directory. */
    public boolean awaitReady(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        return gateway.awaitReady(max)
                && directory.awaitLoaded(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private void configure(JavalinConfig c) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.concurrency.useVirtualThreads = true; // JDK 21+; platform threads on 17
        c.http.prefer405over404 = true;         // a known path with a wrong method is 405 (spec 01 §0.4)
        c.http.maxRequestSize = config.maxBodyBytes();
        c.router.ignoreTrailingSlashes = true;
        c.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(JettyErrors.URI_COMPLIANCE));
        c.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
        c.requestLogger.http(this::afterRequest);
        if (config.security().tlsKeystore() != null) {
            c.jetty.addConnector((server, http) -> Tls.connector(server, http, config));
        }

        c.routes.before(this::beforeRequest);
        api.routes(c.routes);
        ops.routes(c.routes);
        // the WebSocket upgrade passes the same front door (no Javalin before-handlers run for it)
        c.routes.wsBeforeUpgrade("/ws/events", ctx -> {
            Security.echoWebSocketProtocol(ctx); // never the kato.key. subprotocol (docs/security.md)
            String trace = ctx.header(Http.TRACE_HEADER);
            if (trace == null || trace.isBlank()) {
                trace = Http.newTraceId();
            }
            ctx.attribute(Http.ATTR_TRACE, trace);
            ctx.header(Http.TRACE_HEADER, trace);
            if (!security.admit(ctx) || !security.authorizeSessionAndThrottle(ctx)) {
                security.audit(ctx);
                throw new Http.Answered();
            }
        });
        if (console != null) {
            console.routes(c.routes);
        }
        c.routes.ws("/ws/events", events::configure);

        // Javalin's own 404/405 (no route, wrong method) in the contract's shapes; a 404 a handler
        // wrote itself (E1, E3) is left alone.
        c.routes.error(404, ctx -> {
            if (ctx.attribute(Http.ATTR_WRITTEN) == null) {
                Http.detail(ctx, 404, "Not Found");
            }
        });
        c.routes.error(405, ctx -> {
            if (ctx.attribute(Http.ATTR_WRITTEN) == null) {
                Http.detail(ctx, 405, "Method Not Allowed");
            }
        });
        c.routes.exception(RecordValidationException.class, (e, ctx) -> Http.json(ctx, 422, e.toDetailBody()));
        c.routes.exception(Http.TooLarge.class, (e, ctx) -> Http.detail(ctx, 413, e.getMessage()));
        c.routes.exception(Http.Answered.class, (e, ctx) -> { }); // the response is written already
        c.routes.exception(Http.BadBody.class, (e, ctx) -> Http.detail(ctx, 400, e.getMessage()));
        c.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure of {} {} (trace {})", ctx.method(), ctx.path(), Http.traceId(ctx), e);
            Http.internalError(ctx);
        });
    }

    /** Trace id, CORS, preflight, then the session guard (before routing and body parsing). */
    private void beforeRequest(Context ctx) {
        metrics.requestStarted();
        String trace = ctx.header(Http.TRACE_HEADER);
        if (trace == null || trace.isBlank()) {
            trace = Http.newTraceId();
        }
        ctx.attribute(Http.ATTR_TRACE, trace);
        ctx.header(Http.TRACE_HEADER, trace);

        // CORS fully open (spec 01 §0.2): echo the Origin, allow credentials.
        String origin = ctx.header("Origin");
        if (origin != null) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Access-Control-Allow-Credentials", "true");
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Expose-Headers", "X-Trace-ID, X-Session-ID, Retry-After, WWW-Authenticate");
            String requestedMethod = ctx.header("Access-Control-Request-Method");
            if (ctx.method() == HandlerType.OPTIONS && requestedMethod != null) {
                ctx.header("Access-Control-Allow-Methods", "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
                String requestedHeaders = ctx.header("Access-Control-Request-Headers");
                if (requestedHeaders != null) {
                    ctx.header("Access-Control-Allow-Headers", requestedHeaders);
                }
                ctx.header("Access-Control-Max-Age", "600");
                ctx.attribute(Http.ATTR_WRITTEN, Boolean.TRUE);
                ctx.status(200).contentType("text/plain; charset=utf-8").result("OK");
                ctx.skipRemainingHandlers();
                return;
            }
        }
        if (!security.admit(ctx) || !api.guard(ctx) || !security.authorizeSessionAndThrottle(ctx)) {
            ctx.skipRemainingHandlers();
            return;
        }
        if (diskGuard != null && diskGuard.refusing() && DiskGuard.isGrowth(ctx.method().name(), ctx.path())) {
            // 507 Insufficient Storage in KATO's error shape, before the body is read or a command written
            Http.detail(ctx, 507, diskGuard.refusal());
            ctx.skipRemainingHandlers();
        }
    }

    /** Runs once per request after the response is complete: metrics, the access line, deferred accesses. */
    private void afterRequest(Context ctx, Float millis) {
        int status = ctx.statusCode();
        metrics.requestFinished(status, millis);
        String trace = Http.traceId(ctx);
        try {
            api.afterRequest(ctx);
        } catch (RuntimeException e) {
            LOG.warn("session access not recorded (trace {}): {}", trace, e.toString());
        }
        try {
            security.audit(ctx);
        } catch (RuntimeException e) {
            LOG.error("audit record not written (trace {}): {}", trace, e.toString());
        }
        if (ACCESS.isInfoEnabled()) {
            Http.GuardedSession s = ctx.attribute(Http.ATTR_SESSION);
            MDC.put("trace_id", trace);
            try {
                ACCESS.info("method={} path={} status={} duration_ms={} trace_id={} session_id={}", ctx.method(),
                        ctx.path(), status, String.format("%.1f", millis), trace, s == null ? "-" : s.sessionId());
            } finally {
                MDC.remove("trace_id");
            }
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
        if (diskGuard != null) diskGuard.close();
        gateway.close();
        directory.close();
        if (catalog != null) {
            catalog.close();
        }
        admin.close(Duration.ofSeconds(2));
        metrics.close();
        security.close();
    }

    /** Reads the environment ({@link BridgeSettings}) and runs until the JVM is stopped. */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        BridgeConfig config;
        KatoBridge bridge;
        try {
            config = BridgeConfig.fromEnvironment(env);
            bridge = new KatoBridge(config, DiskGuard.fromEnvironment(env)).start();
        } catch (BackendAccessException | IllegalArgumentException e) {
            // One line naming the backend or variable and what failed; never a secret.
            LOG.error("KATO bridge cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            stopped.countDown();
        }, "kato-bridge-shutdown"));
        if (!bridge.awaitReady(config.startupTimeout())) {
            LOG.warn("the KATO topics are not available after {} ms; requests are answered 503 until they are",
                    config.startupTimeout().toMillis());
        }
        stopped.await();
    }
}
