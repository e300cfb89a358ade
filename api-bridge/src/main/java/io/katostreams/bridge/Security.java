package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door (docs/security.md): authentication (API keys or JWT), authorization by role and
 * node scope, rate limits and the audit trail, applied to every request before its handler.
 *
 * <p>Order of the checks, chosen so that nothing leaks to whoever fails an earlier one:
 * <ol>
 *   <li>a credential (401 without a valid one; public routes need none);</li>
 *   <li>routes not bound to a session: the role (403) and, for node-scoped reads, the node (403);</li>
 *   <li>the session guard of spec 01 §0.5 (404 for an unknown session);</li>
 *   <li>session routes: the session's owner node — looked up in the session directory, never taken
 *       from the client — must be in scope, else the answer is the one of a missing session (404),
 *       then the role (403);</li>
 *   <li>the rate limit of the route's class (429).</li>
 * </ol>
 */
final class Security implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Security.class);

    static final String ATTR_PRINCIPAL = "kato.principal";
    static final String ATTR_RULE = "kato.rule";
    /** The node a request touched, for the audit record. */
    static final String ATTR_NODE = "kato.node";
    /** Why a request was refused, for the audit record. */
    static final String ATTR_OUTCOME = "kato.outcome";
    /** Set once the request's audit record is written (a refused WebSocket upgrade is audited early). */
    static final String ATTR_AUDITED = "kato.audited";

    private final BridgeConfig config;
    private final SecurityConfig sec;
    private final ApiKeys keys;
    private final JwtAuth jwt;
    final RateLimiter limiter;
    final AuditLog audit;
    final java.util.concurrent.atomic.AtomicLong unauthenticated = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong forbidden = new java.util.concurrent.atomic.AtomicLong();

    Security(BridgeConfig config) {
        this.config = config;
        this.sec = config.security();
        Tls.check(sec);
        this.keys = sec.auth().equals("api_key") ? new ApiKeys(sec.apiKeysFile(), sec.apiKeys()) : null;
        this.jwt = sec.auth().equals("jwt") ? new JwtAuth(sec) : null;
        this.limiter = new RateLimiter(sec, config.redisUrl(), config.topicPrefix(), config.probeTimeout());
        this.audit = sec.audit() ? new AuditLog(config) : null;
    }

    SecurityConfig settings() {
        return sec;
    }

    // ---- before the session guard ---------------------------------------------------------------

    /**
     * Steps 1 and 2. @return false when the request has been answered (401/403)
     */
    boolean admit(Context ctx) {
        RouteTable.Rule rule = RouteTable.match(ctx.method().name(), ctx.path());
        ctx.attribute(ATTR_RULE, rule);
        RouteTable.Access access = rule.access();
        if (access == RouteTable.Access.PUBLIC
                || (access == RouteTable.Access.METRICS && sec.metricsAuth().equals("public"))) {
            return true;
        }
        Principal p = authenticate(ctx);
        if (p == null) {
            return false;
        }
        ctx.attribute(ATTR_PRINCIPAL, p);
        if (access.sessionScoped() || access == RouteTable.Access.SESSION_LOOKUP) {
            return true; // the session's node first (step 4), so that a hidden session stays hidden
        }
        Principal.Role needed = access == RouteTable.Access.METRICS && sec.metricsAuth().equals("authenticated")
                ? Principal.Role.READER : access.minRole;
        if (!p.role().atLeast(needed)) {
            return forbidRole(ctx, p, rule);
        }
        if (access == RouteTable.Access.NODE_READ) {
            String node = KatoApi.selectNode(ctx);
            ctx.attribute(ATTR_NODE, node);
            if (!p.nodes().allows(node)) {
                return forbidNode(ctx, node);
            }
        }
        return true;
    }

    /** The principal of the request's credential, or null after answering 401. */
    private Principal authenticate(Context ctx) {
        if (!sec.authOn()) {
            return Principal.ANONYMOUS;
        }
        String credential = null;
        if (keys != null) {
            credential = ctx.header("X-API-Key");
        }
        if (credential == null) {
            String h = ctx.header("Authorization");
            if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                credential = h.substring(7).trim();
            }
        }
        if (credential == null) {
            credential = webSocketProtocolKey(ctx);
            if (credential == MISORDERED) {
                ctx.attribute(ATTR_OUTCOME, "bad_websocket_protocol");
                Http.detail(ctx, 400, "Sec-WebSocket-Protocol: a " + WS_KEY_PREFIX + " value needs "
                        + WS_PROTOCOL + " offered too (the protocol the server answers with)");
                return null;
            }
        }
        if (credential == null || credential.isEmpty()) {
            return unauthenticated(ctx, false);
        }
        Principal p = keys != null ? keys.lookup(credential) : jwt.verify(credential);
        return p == null ? unauthenticated(ctx, true) : p;
    }

    /** The subprotocol the console offers first; the one the server echoes (it holds no credential). */
    static final String WS_PROTOCOL = "kato.v1";
    /** Prefix of the subprotocol carrying a credential: {@code kato.key.<base64url of the key, no padding>}. */
    static final String WS_KEY_PREFIX = "kato.key.";
    /** Sentinel (compared by identity) of {@link #webSocketProtocolKey}. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String MISORDERED = new String("misordered");

    /**
     * A browser cannot set a header on a WebSocket, and a key in the URL would end up in logs and
     * history: on a WebSocket upgrade the credential may come as a {@code Sec-WebSocket-Protocol}
     * value {@code kato.key.<base64url(key)>} instead, offered together with {@value #WS_PROTOCOL}
     * (else 400), which is the protocol echoed ({@link #echoWebSocketProtocol}): the key never appears
     * in the response. @return the credential, "" for an unusable one, null for none,
     * {@link #MISORDERED} when the key is offered without {@value #WS_PROTOCOL}
     */
    private static String webSocketProtocolKey(Context ctx) {
        String offered = ctx.header("Sec-WebSocket-Protocol");
        if (offered == null || !"websocket".equalsIgnoreCase(ctx.header("Upgrade"))) {
            return null;
        }
        java.util.List<String> protocols = webSocketProtocols(offered);
        for (String p : protocols) {
            if (p.startsWith(WS_KEY_PREFIX)) {
                if (!protocols.contains(WS_PROTOCOL)) {
                    return MISORDERED;
                }
                try {
                    return new String(java.util.Base64.getUrlDecoder().decode(p.substring(WS_KEY_PREFIX.length())),
                            java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return ""; // not base64url: answered like a missing credential
                }
            }
        }
        return null;
    }

    private static java.util.List<String> webSocketProtocols(String header) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : header.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    /**
     * Javalin echoes the first subprotocol the client offered (before the upgrade handlers run); when
     * that is a {@code kato.key.} value the echo is replaced by {@value #WS_PROTOCOL}, or removed when
     * that was not offered (the upgrade is then refused 400), so a credential is never sent back.
     */
    static void echoWebSocketProtocol(Context ctx) {
        String offered = ctx.header("Sec-WebSocket-Protocol");
        if (offered == null) {
            return;
        }
        java.util.List<String> protocols = webSocketProtocols(offered);
        if (protocols.stream().anyMatch(p -> p.startsWith(WS_KEY_PREFIX))) {
            ctx.res().setHeader("Sec-WebSocket-Protocol", protocols.contains(WS_PROTOCOL) ? WS_PROTOCOL : null);
        }
    }

    private Principal unauthenticated(Context ctx, boolean invalid) {
        unauthenticated.incrementAndGet();
        ctx.attribute(ATTR_OUTCOME, invalid ? "invalid_credential" : "missing_credential");
        ctx.header("WWW-Authenticate", "Bearer realm=\"kato\"" + (invalid ? ", error=\"invalid_token\"" : ""));
        String how = keys != null ? "an API key in the X-API-Key header or as Authorization: Bearer <key>"
                : "a token as Authorization: Bearer <JWT>";
        Http.detail(ctx, 401, invalid ? (keys != null ? "Invalid API key" : "Invalid or expired token")
                : "Not authenticated: send " + how);
        return null;
    }

    private boolean forbidRole(Context ctx, Principal p, RouteTable.Rule rule) {
        forbidden.incrementAndGet();
        ctx.attribute(ATTR_OUTCOME, "forbidden_role");
        Http.detail(ctx, 403, "Forbidden: the role " + p.role().label() + " may not call " + rule.method() + " "
                + rule.pattern() + " (it needs " + rule.access().minRole.label() + ")");
        return false;
    }

    private boolean forbidNode(Context ctx, String node) {
        forbidden.incrementAndGet();
        ctx.attribute(ATTR_OUTCOME, "forbidden_node");
        Http.detail(ctx, 403, "Forbidden: this credential has no access to node '" + node + "'");
        return false;
    }

    // ---- after the session guard ----------------------------------------------------------------

    /**
     * Step 4 for the session routes the guard covers, then step 5 for every request.
     *
     * @return false when the request has been answered (404 as for a missing session, 403, 429)
     */
    boolean authorizeSessionAndThrottle(Context ctx) {
        RouteTable.Rule rule = ctx.attribute(ATTR_RULE);
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        Http.GuardedSession s = ctx.attribute(Http.ATTR_SESSION);
        if (rule != null && p != null && rule.access().sessionScoped() && s != null) {
            ctx.attribute(ATTR_NODE, s.nodeId());
            if (!p.nodes().allows(s.nodeId())) {
                hidden(ctx);
                ctx.attribute(Http.ATTR_SESSION, null);
                Http.sessionNotFound(ctx, s.sessionId());
                return false;
            }
            if (!p.role().atLeast(rule.access().minRole)) {
                return forbidRole(ctx, p, rule);
            }
        }
        return throttle(ctx, rule, p);
    }

    /** A session of a node out of scope: answered exactly as a missing one by the caller. */
    void hidden(Context ctx) {
        forbidden.incrementAndGet();
        ctx.attribute(ATTR_OUTCOME, "hidden_session");
    }

    private boolean throttle(Context ctx, RouteTable.Rule rule, Principal p) {
        if (rule == null || !limiter.enabled()) {
            return true;
        }
        String who = p != null && sec.authOn() ? "key:" + p.id() : "ip:" + ctx.ip();
        RateLimiter.Decision d = limiter.acquire(who, rule.rate());
        if (d.allowed()) {
            return true;
        }
        ctx.attribute(ATTR_OUTCOME, "throttled");
        ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
        Http.detail(ctx, 429, "Too Many Requests: the " + rule.rate().label() + " limit of "
                + sec.limit(rule.rate()) + " requests per " + sec.rateWindow().toMillis() + " ms is used up; retry in "
                + d.retryAfterSeconds() + " s");
        return false;
    }

    /**
     * For handlers that learn the node only from the body or the session directory (POST /sessions,
     * GET /sessions/{id}, …/exists, v1 routes): whether the caller may touch {@code nodeId}.
     */
    boolean mayTouch(Context ctx, String nodeId) {
        ctx.attribute(ATTR_NODE, nodeId);
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        return p == null ? !sec.authOn() : p.nodes().allows(nodeId);
    }

    /**
     * {@link RouteTable.Access#SCOPED_LIST}: whether an entry of {@code nodeId} may be listed to the
     * caller (no side effect). An entry whose node is not known yet is listed to admins only.
     */
    boolean visible(Context ctx, String nodeId) {
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        if (p == null) {
            return !sec.authOn();
        }
        return nodeId == null ? p.role() == Principal.Role.ADMIN : p.nodes().allows(nodeId);
    }

    /** POST /sessions and the v1 routes: 403 for a node out of scope (the client named it). */
    boolean requireNode(Context ctx, String nodeId) {
        return mayTouch(ctx, nodeId) || forbidNode(ctx, nodeId);
    }

    // ---- after the response ---------------------------------------------------------------------

    /** Writes the audit record of a finished request when it is one that is audited. */
    void audit(Context ctx) {
        if (audit == null) {
            return;
        }
        RouteTable.Rule rule = ctx.attribute(ATTR_RULE);
        String outcome = ctx.attribute(ATTR_OUTCOME);
        int status = ctx.statusCode();
        boolean mutating = rule != null && rule.mutating();
        if (!mutating && outcome == null && status != 401 && status != 403 && status != 429) {
            return;
        }
        if (rule == null || ctx.attribute(ATTR_AUDITED) != null) { // a CORS preflight, or written already
            return;
        }
        ctx.attribute(ATTR_AUDITED, Boolean.TRUE);
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        Http.GuardedSession s = ctx.attribute(Http.ATTR_SESSION);
        String node = ctx.attribute(ATTR_NODE);
        if (node == null && s != null) {
            node = s.nodeId();
        }
        String session = s != null ? s.sessionId() : ctx.attribute(Http.ATTR_AUDIT_SESSION);
        if (session == null && rule.pattern().startsWith("/sessions/{")) {
            java.util.List<String> seg = KatoApi.segments(ctx.path());
            session = seg.size() > 1 ? seg.get(1) : null;
        }
        ObjectNode r = Http.NODES.objectNode();
        r.put("time", java.time.Instant.now().toString());
        r.put("bridge_id", config.bridgeId());
        r.put("key_id", p == null ? null : p.id());
        r.put("role", p == null ? null : p.role().label());
        r.put("node_id", node);
        r.put("method", ctx.method().name());
        r.put("route", rule.pattern());
        r.put("path", ctx.path());
        r.put("session_id", session);
        r.put("status", status);
        r.put("outcome", outcome != null ? outcome : status < 400 ? "ok" : "error");
        r.put("trace_id", Http.traceId(ctx));
        r.put("client", ctx.ip());
        audit.record(node != null ? node : p != null ? p.id() : ctx.ip(), r);
    }

    /** The rate-limit part of /health. */
    ObjectNode healthJson() {
        ObjectNode o = Http.NODES.objectNode();
        o.put("auth", sec.auth());
        ObjectNode rl = o.putObject("rate_limits");
        rl.put("enabled", limiter.enabled());
        rl.put("backend", !limiter.enabled() ? "off" : limiter.shared() ? "redis" : "local");
        rl.put("shared_across_bridges", limiter.shared());
        if (limiter.redisProblem() != null && limiter.enabled()) {
            rl.put("redis_error", limiter.redisProblem());
        }
        o.put("audit", audit != null);
        return o;
    }

    /** An issue for /health, or null. */
    String healthIssue() {
        if (limiter.enabled() && limiter.redisConfigured() && !limiter.shared()) {
            return "Rate limits are per bridge instance: Redis is unreachable";
        }
        return null;
    }

    @Override
    public void close() {
        limiter.close();
        if (audit != null) {
            try {
                audit.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the audit log: {}", e.toString());
            }
        }
    }
}
