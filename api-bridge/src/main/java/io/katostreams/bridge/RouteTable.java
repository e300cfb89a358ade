package io.katostreams.bridge;

import java.util.List;
import java.util.Locale;

/**
 * Who may call which route (docs/security.md has the same table for people). Every route the bridge
 * serves is listed; a request matching none is {@link Access#AUTHENTICATED} (any valid credential,
 * then the usual 404/405), except under {@code /sessions/{id}/…}, which needs a session the caller
 * may see.
 */
final class RouteTable {
    private RouteTable() {
    }

    /** Each pattern's segments, split once. */
    private static final java.util.Map<String, List<String>> PATTERN_SEGMENTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** What a route needs. */
    enum Access {
        /** Anyone, also without a credential. */
        PUBLIC(null),
        /** Any valid credential. */
        AUTHENTICATED(Principal.Role.READER),
        /** /metrics and /prometheus: as {@code KATO_METRICS_AUTH} says (admin by default). */
        METRICS(Principal.Role.ADMIN),
        /** Data of every node or of the service itself. */
        ADMIN(Principal.Role.ADMIN),
        /** A session of a node in scope (others answer as if missing), at least this role. */
        SESSION_READ(Principal.Role.READER),
        SESSION_WRITE(Principal.Role.WRITER),
        SESSION_ADMIN(Principal.Role.ADMIN),
        /** GET /sessions/{id} and …/exists: answered as for a missing session when out of scope. */
        SESSION_LOOKUP(Principal.Role.READER),
        /** POST /sessions: writer of the body's node_id. */
        CREATE_SESSION(Principal.Role.WRITER),
        /** Node-scoped reads (spec 01 §5): the node chosen by query/header must be in scope. */
        NODE_READ(Principal.Role.READER),
        /** Lists of several nodes (the console's nodes and sessions): any valid credential; the
         *  handler keeps only the entries of nodes in scope ({@link Security#visible}). */
        SCOPED_LIST(Principal.Role.READER),
        /** v1 routes (spec 01 §7): the X-Session-ID session's node, else the selected node, in scope. */
        V1_READ(Principal.Role.READER),
        V1_WRITE(Principal.Role.WRITER),
        V1_ADMIN(Principal.Role.ADMIN);

        final Principal.Role minRole;

        Access(Principal.Role minRole) {
            this.minRole = minRole;
        }

        boolean sessionScoped() {
            return this == SESSION_READ || this == SESSION_WRITE || this == SESSION_ADMIN;
        }
    }

    /** The rate-limit bucket a route draws from. */
    enum RateClass {
        NONE, OBSERVE, PREDICT, LEARN, ADMIN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One route.
     *
     * @param pattern path with {@code {x}} for a variable segment
     */
    record Rule(String method, String pattern, Access access, RateClass rate) {
        boolean mutating() {
            return method.equals("POST") || method.equals("PUT") || method.equals("PATCH") || method.equals("DELETE");
        }

        boolean matches(String m, List<String> seg) {
            List<String> p = PATTERN_SEGMENTS.computeIfAbsent(pattern, KatoApi::segments);
            if (p.size() != seg.size()) {
                return false;
            }
            for (int i = 0; i < p.size(); i++) {
                String x = p.get(i);
                if (!(x.startsWith("{") && !seg.get(i).isEmpty()) && !x.equals(seg.get(i))) {
                    return false;
                }
            }
            return m == null || method.equals(m);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("GET", "/", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/health", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/openapi.json", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/docs", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/redoc", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/status", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/metrics", Access.METRICS, RateClass.ADMIN),
            new Rule("GET", "/metrics/{metric_name}", Access.METRICS, RateClass.ADMIN),
            new Rule("GET", "/prometheus", Access.METRICS, RateClass.ADMIN),
            new Rule("GET", "/stats", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/concurrency", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/cache/stats", Access.ADMIN, RateClass.ADMIN),
            new Rule("POST", "/cache/invalidate", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/distributed-stm/stats", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/connection-pools", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/ws/events", Access.ADMIN, RateClass.ADMIN),
            new Rule("POST", "/sessions", Access.CREATE_SESSION, RateClass.LEARN),
            new Rule("GET", "/sessions/count", Access.ADMIN, RateClass.ADMIN),
            new Rule("GET", "/sessions/{session_id}", Access.SESSION_LOOKUP, RateClass.PREDICT),
            new Rule("DELETE", "/sessions/{session_id}", Access.SESSION_WRITE, RateClass.LEARN),
            new Rule("GET", "/sessions/{session_id}/exists", Access.SESSION_LOOKUP, RateClass.PREDICT),
            new Rule("POST", "/sessions/{session_id}/extend", Access.SESSION_WRITE, RateClass.LEARN),
            new Rule("POST", "/sessions/{session_id}/config", Access.SESSION_WRITE, RateClass.LEARN),
            new Rule("POST", "/sessions/{session_id}/observe", Access.SESSION_WRITE, RateClass.OBSERVE),
            new Rule("POST", "/sessions/{session_id}/observe-sequence", Access.SESSION_WRITE, RateClass.OBSERVE),
            new Rule("GET", "/sessions/{session_id}/stm", Access.SESSION_READ, RateClass.PREDICT),
            new Rule("POST", "/sessions/{session_id}/learn", Access.SESSION_WRITE, RateClass.LEARN),
            new Rule("POST", "/sessions/{session_id}/clear-stm", Access.SESSION_WRITE, RateClass.LEARN),
            new Rule("POST", "/sessions/{session_id}/clear-all", Access.SESSION_ADMIN, RateClass.LEARN),
            new Rule("GET", "/sessions/{session_id}/predictions", Access.SESSION_READ, RateClass.PREDICT),
            new Rule("GET", "/pattern/{pattern_id}", Access.NODE_READ, RateClass.PREDICT),
            new Rule("GET", "/percept-data", Access.NODE_READ, RateClass.PREDICT),
            new Rule("GET", "/cognition-data", Access.NODE_READ, RateClass.PREDICT),
            new Rule("POST", "/observe", Access.V1_WRITE, RateClass.OBSERVE),
            new Rule("POST", "/observe-sequence", Access.V1_WRITE, RateClass.OBSERVE),
            new Rule("GET", "/stm", Access.V1_READ, RateClass.PREDICT),
            new Rule("POST", "/learn", Access.V1_WRITE, RateClass.LEARN),
            new Rule("POST", "/clear-stm", Access.V1_WRITE, RateClass.LEARN),
            new Rule("POST", "/clear-all", Access.V1_ADMIN, RateClass.LEARN),
            new Rule("GET", "/predictions", Access.V1_READ, RateClass.PREDICT),
            // the console (docs/console.md): its page and files hold no data and a browser cannot send
            // a header when it opens a page, so they are public; its listing routes are reads filtered
            // to the credential's node scopes (nodes, sessions) or checked like /pattern (patterns, symbols)
            new Rule("GET", "/console", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/console/static/{file}", Access.PUBLIC, RateClass.NONE),
            new Rule("GET", "/console/api/nodes", Access.SCOPED_LIST, RateClass.PREDICT),
            new Rule("GET", "/console/api/sessions", Access.SCOPED_LIST, RateClass.PREDICT),
            new Rule("GET", "/console/api/patterns", Access.NODE_READ, RateClass.PREDICT),
            new Rule("GET", "/console/api/symbols", Access.NODE_READ, RateClass.PREDICT));

    /** The rule of a request ({@code HEAD} is looked up as {@code GET}). */
    static Rule match(String method, String path) {
        String m = method.equalsIgnoreCase("HEAD") ? "GET" : method.toUpperCase(Locale.ROOT);
        List<String> seg = KatoApi.segments(path);
        for (Rule r : RULES) {
            if (r.matches(m, seg)) {
                return r;
            }
        }
        for (Rule r : RULES) { // a public path with another method: its 405 needs no credential
            if (r.access() == Access.PUBLIC && r.matches(null, seg)) {
                return new Rule(m, r.pattern(), Access.PUBLIC, RateClass.NONE);
            }
        }
        if (seg.size() >= 2 && seg.get(0).equals("sessions") && !seg.get(1).isEmpty()) {
            return new Rule(m, "/sessions/{session_id}/*", Access.SESSION_READ, RateClass.PREDICT);
        }
        return new Rule(m, "*", Access.AUTHENTICATED, RateClass.NONE);
    }
}
