package io.katostreams.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.katostreams.bridge.Http.GuardedSession;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.ClearAll;
import io.katostreams.schemas.avro.ClearStm;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeleteSession;
import io.katostreams.schemas.avro.GetCognitionData;
import io.katostreams.schemas.avro.GetPattern;
import io.katostreams.schemas.avro.GetPerceptData;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.GetSession;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionExists;
import io.katostreams.schemas.validation.ObservationJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KATO's HTTP contract (spec 01 §3–5, §7): each call becomes one Command on Kafka, and the
 * topology's Reply (status and exact body) becomes the response. The bridge itself only validates
 * requests (so nothing malformed ever reaches a stream thread), runs the session guard, and answers
 * what it can from its session directory ({@code GET /sessions/count}, unknown sessions).
 *
 * <p>The session guard of §0.5 runs in {@link #guard} before routing and before any body is
 * read, so an unknown session wins over an invalid body, an unknown sub-path or a wrong method.
 */
final class KatoApi {
    private static final Logger LOG = LoggerFactory.getLogger(KatoApi.class);

    private final BridgeServices services;


    KatoApi(BridgeServices services) {
        this.services = services;
    }

    void routes(JavalinDefaultRoutingApi r) {
        r.post("/sessions", this::createSession);
        r.get("/sessions/count", this::countSessions); // before /sessions/{session_id}: first match wins
        r.get("/sessions/{session_id}", this::getSession);
        r.delete("/sessions/{session_id}", this::deleteSession);
        r.get("/sessions/{session_id}/exists", this::sessionExists);
        r.post("/sessions/{session_id}/extend", ctx -> relaySession(ctx, Requests.extend(Http.query(ctx, "ttl_seconds"))));
        r.post("/sessions/{session_id}/config", ctx -> relaySession(ctx, Requests.updateConfig(jsonBody(ctx))));
        r.post("/sessions/{session_id}/observe", ctx -> relaySession(ctx, observe(ctx)));
        r.post("/sessions/{session_id}/observe-sequence", ctx -> relaySession(ctx, observeSequence(ctx)));
        r.get("/sessions/{session_id}/stm", ctx -> relaySession(ctx, new GetStm()));
        r.post("/sessions/{session_id}/learn", ctx -> relaySession(ctx, new Learn()));
        r.post("/sessions/{session_id}/clear-stm", ctx -> relaySession(ctx, new ClearStm()));
        r.post("/sessions/{session_id}/clear-all", ctx -> relaySession(ctx, new ClearAll()));
        r.get("/sessions/{session_id}/predictions", ctx -> relaySession(ctx, new GetPredictions()));

        r.get("/pattern/{pattern_id}", ctx -> relayNode(ctx, new GetPattern(ctx.pathParam("pattern_id"))));
        r.get("/percept-data", ctx -> relayNode(ctx, new GetPerceptData()));
        r.get("/cognition-data", ctx -> relayNode(ctx, new GetCognitionData()));

        if (services.config().v1Routes()) {
            r.post("/observe", ctx -> v1(ctx, () -> observe(ctx)));
            r.post("/observe-sequence", ctx -> v1(ctx, () -> observeSequence(ctx)));
            r.get("/stm", ctx -> v1(ctx, GetStm::new));
            r.post("/learn", ctx -> v1(ctx, Learn::new));
            r.post("/clear-stm", ctx -> v1(ctx, ClearStm::new));
            r.post("/clear-all", ctx -> v1(ctx, ClearAll::new));
            r.get("/predictions", ctx -> v1(ctx, GetPredictions::new));
        }
    }

    // ---- the session guard (spec 01 §0.5) -------------------------------------------------------

    /**
     * Runs before routing. For {@code /sessions/{x}} and {@code /sessions/{x}/...} (except
     * {@code GET /sessions/{x}} and {@code GET /sessions/{x}/exists}) the session must be live, else
     * the request ends here with E3 404; a live session is remembered for the handler and echoed in
     * X-Session-ID. Every other request echoes its X-Session-ID header (or session_id cookie).
     *
     * @return false when the request has been answered
     */
    boolean guard(Context ctx) {
        List<String> seg = segments(ctx.path());
        if (seg.size() >= 2 && seg.get(0).equals("sessions") && !seg.get(1).isEmpty()) {
            boolean exempt = ctx.method() == HandlerType.GET
                    && (seg.size() == 2 || (seg.size() == 3 && seg.get(2).equals("exists")));
            if (!exempt) {
                String sessionId = seg.get(1);
                SessionDirectory.Entry e = liveSession(sessionId, ctx);
                if (e == null) {
                    Http.sessionNotFound(ctx, sessionId);
                    return false;
                }
                ctx.attribute(Http.ATTR_SESSION, new GuardedSession(sessionId, e.nodeId()));
                ctx.header(Http.SESSION_HEADER, sessionId);
                return true;
            }
        }
        String echoed = ctx.header(Http.SESSION_HEADER);
        if (echoed == null) {
            echoed = ctx.cookie("session_id");
        }
        if (echoed != null) {
            ctx.header(Http.SESSION_HEADER, echoed);
        }
        return true;
    }

    /**
     * After every request: a session the guard found (or, on other paths, the session named by the
     * X-Session-ID header) was accessed, which slides its expiry (spec 02 §3.3). When the request was
     * not sent to the topology (422, 413, unknown sub-path, wrong method) that access is sent now,
     * as a GetSession nobody waits for.
     */
    void afterRequest(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(Http.ATTR_RELAYED))) {
            return;
        }
        GuardedSession s = ctx.attribute(Http.ATTR_SESSION);
        if (s != null) {
            services.gateway().sendWithoutReply(s.nodeId(), s.sessionId(), Http.traceId(ctx), new GetSession());
            return;
        }
        String header = ctx.header(Http.SESSION_HEADER);
        if (header != null && !ctx.path().startsWith("/sessions/")) {
            SessionDirectory.Entry e = services.directory().get(header);
            if (e != null && e.liveAt(services.clock().millis())) {
                services.gateway().sendWithoutReply(e.nodeId(), header, Http.traceId(ctx), new GetSession());
            }
        }
    }

    /**
     * The directory's entry of a live session, or null. A session the directory lists but whose
     * expiry looks passed is confirmed with the topology, the authority: this copy may lag
     * (kato.sessions carries session states once per topology commit, and another bridge may just
     * have slid the expiry). The existence probe also removes a session that has indeed expired
     * (spec 01 §3.3), as the reference does when it finds one. When the topology cannot be asked,
     * the directory's answer stands.
     */
    private SessionDirectory.Entry liveSession(String sessionId, Context ctx) {
        SessionDirectory.Entry e = services.directory().findLive(sessionId, services.config().directoryCatchUp());
        if (e != null) {
            return e;
        }
        SessionDirectory.Entry known = services.directory().get(sessionId);
        if (known == null) {
            return null;
        }
        try {
            Reply r = services.gateway().call(known.nodeId(), sessionId, Http.traceId(ctx), new SessionExists())
                    .get(services.config().replyTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            if (r.getStatus() == 200 && r.getSessionExpiresAt() != null) {
                services.directory().putLocal(sessionId, known.nodeId(), r.getSessionExpiresAt().toEpochMilli());
                return services.directory().get(sessionId);
            }
        } catch (ExecutionException | TimeoutException ex) {
            LOG.debug("could not confirm session {} with the topology: {}", sessionId, ex.toString());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    // ---- session management (spec 01 §3) --------------------------------------------------------

    private void createSession(Context ctx) {
        JsonNode body = jsonBody(ctx);
        long now = services.clock().millis();
        String sessionId = "session-" + Http.hex32() + "-" + now; // spec 02 §3.1
        CreateSession op = Requests.createSession(body, sessionId);
        if (!services.security().requireNode(ctx, op.getNodeId())) {
            return;
        }
        ctx.attribute(Http.ATTR_AUDIT_SESSION, sessionId);
        relay(ctx, op.getNodeId(), sessionId, op, reply -> {
            JsonNode created = readReplyBody(reply);
            long expiresAt = Instant.parse(created.path("expires_at").asText()).toEpochMilli();
            services.directory().putLocal(sessionId, op.getNodeId(), expiresAt);
            services.metrics().sessionsCreated.incrementAndGet();
            services.events().created(sessionId, op.getNodeId(), created.path("created_at").asText());
        });
    }

    private void getSession(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        SessionDirectory.Entry e = visible(ctx, sessionId);
        if (e == null) {
            Http.detail(ctx, 404, "Session " + sessionId + " not found or expired");
            return;
        }
        relay(ctx, e.nodeId(), sessionId, new GetSession(), null); // the topology slides or reaps it
    }

    private void sessionExists(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        SessionDirectory.Entry e = visible(ctx, sessionId);
        if (e == null) {
            ObjectNode body = Http.NODES.objectNode();
            body.put("exists", false);
            body.put("expired", false);
            body.put("session_id", sessionId);
            Http.json(ctx, 200, body);
            return;
        }
        relay(ctx, e.nodeId(), sessionId, new SessionExists(), null);
    }

    /**
     * The directory's entry of a session the caller may see: one of a node outside the credential's
     * scope is answered exactly as a missing one (its existence is not revealed).
     */
    private SessionDirectory.Entry visible(Context ctx, String sessionId) {
        ctx.attribute(Http.ATTR_AUDIT_SESSION, sessionId);
        SessionDirectory.Entry e = services.directory().find(sessionId, services.config().directoryCatchUp());
        if (e != null && !services.security().mayTouch(ctx, e.nodeId())) {
            services.security().hidden(ctx);
            return null;
        }
        return e;
    }

    private void deleteSession(Context ctx) {
        GuardedSession s = guarded(ctx);
        if (s == null) {
            return;
        }
        relay(ctx, s.nodeId(), s.sessionId(), new DeleteSession(), reply -> {
            services.directory().removeLocal(s.sessionId());
            services.metrics().sessionsDeleted.incrementAndGet();
            services.events().destroyed(s.sessionId());
        });
    }

    /** {@code GET /sessions/count}: live sessions of every node, from the directory (caught up first). */
    private void countSessions(Context ctx) {
        if (!services.directory().catchUp(services.config().directoryCatchUp()) && !services.directory().isLoaded()) {
            Http.detail(ctx, 503, "Failed to get session count: the session directory has not been loaded from "
                    + services.config().sessionsTopic() + " yet");
            return;
        }
        ObjectNode body = Http.NODES.objectNode();
        body.put("active_session_count", services.directory().liveCount());
        Http.json(ctx, 200, body);
    }

    // ---- KATO operations ------------------------------------------------------------------------

    private Observe observe(Context ctx) {
        return new Observe(ObservationJson.parseObservationData(jsonBody(ctx)));
    }

    /**
     * An observe-sequence whose reply the topology can publish: the reply lists every item (with its
     * unique_id), and a reply larger than the largest Kafka record would fail in the topology, again
     * on every retry. Such a request is answered 413 here instead.
     */
    private ObserveSequence observeSequence(Context ctx) {
        ObserveSequence seq = Requests.observeSequence(jsonBody(ctx));
        long estimate = 1024;
        for (Observation o : seq.getObservations()) {
            String uid = o.getUniqueId();
            // a result entry and up to two listed pattern names; an id escaped in JSON is at most 6× longer
            estimate += 300 + (uid == null ? 0 : 6L * uid.length());
        }
        int limit = services.gateway().maxReplyBytes();
        if (estimate > limit) {
            throw new Http.TooLarge("observe-sequence with " + seq.getObservations().size() + " observations: its reply "
                    + "could exceed the largest record Kafka accepts on " + services.config().repliesTopic() + " (" + limit
                    + " bytes); send the observations in smaller batches");
        }
        return seq;
    }

    /** A session-scoped operation on the session the guard found. */
    private void relaySession(Context ctx, Object op) {
        GuardedSession s = guarded(ctx);
        if (s != null) {
            services.processors().touch(s.nodeId());
            relay(ctx, s.nodeId(), s.sessionId(), op, null);
        }
    }

    private GuardedSession guarded(Context ctx) {
        GuardedSession s = ctx.attribute(Http.ATTR_SESSION);
        if (s == null) { // not reachable: the guard covers every session-scoped route
            Http.sessionNotFound(ctx, ctx.pathParam("session_id"));
        }
        return s;
    }

    /** A node-scoped operation (spec 01 §5). */
    private void relayNode(Context ctx, Object op) {
        String nodeId = selectNode(ctx);
        services.processors().touch(nodeId);
        relay(ctx, nodeId, null, op, null);
    }

    /**
     * The node of a node-scoped request (spec 01 §5): query {@code node_id}; else header
     * {@code x-test-id} (prefixed {@code test_} unless it already is); else header {@code x-node-id};
     * else {@code default_node}.
     */
    static String selectNode(Context ctx) {
        if (Http.hasQuery(ctx, "node_id")) {
            String q = Http.query(ctx, "node_id");
            return q == null ? "" : q;
        }
        String test = ctx.header("x-test-id");
        if (test != null) {
            return test.startsWith("test_") ? test : "test_" + test;
        }
        String node = ctx.header("x-node-id");
        return node != null ? node : "default_node";
    }

    /**
     * The v1 routes of spec 01 §7 (only with {@code KATO_V1_ROUTES=true}): the session named by the
     * X-Session-ID header (unknown → E3), else the node's default session, created on first use with
     * the service defaults. The default session's id is derived from the node,
     * {@code session-<sha1("default:" + canonical node id)[0..32]>-0}: the same id the topology uses for
     * observations published to kato.observations without a session, so every bridge and every
     * producer shares it without storing a pointer.
     */
    private void v1(Context ctx, Supplier<Object> op) {
        String header = ctx.header(Http.SESSION_HEADER);
        if (header != null) {
            SessionDirectory.Entry e = liveSession(header, ctx);
            if (e != null && !services.security().mayTouch(ctx, e.nodeId())) {
                services.security().hidden(ctx);
                e = null;
            }
            if (e == null) {
                Http.sessionNotFound(ctx, header);
                return;
            }
            ctx.attribute(Http.ATTR_SESSION, new GuardedSession(header, e.nodeId()));
            Object o = op.get();
            services.processors().touch(e.nodeId());
            relay(ctx, e.nodeId(), header, o, null);
            return;
        }
        String nodeId = selectNode(ctx);
        if (!services.security().requireNode(ctx, nodeId)) {
            return;
        }
        String sessionId = defaultSessionId(nodeId);
        Object o = op.get();
        services.processors().touch(nodeId);
        ctx.header(Http.SESSION_HEADER, sessionId);
        SessionDirectory.Entry e = services.directory().findLive(sessionId, services.config().directoryCatchUp());
        if (e != null) {
            relay(ctx, nodeId, sessionId, o, null);
            return;
        }
        ctx.attribute(Http.ATTR_RELAYED, Boolean.TRUE);
        String trace = Http.traceId(ctx);
        CompletableFuture<Reply> reply = services.gateway().call(nodeId, sessionId, trace,
                new CreateSession(sessionId, nodeId, "{}", null, null)).thenCompose(created -> {
                    if (created.getStatus() != 200) {
                        return CompletableFuture.completedFuture(created);
                    }
                    JsonNode body = readReplyBody(created);
                    services.directory().putLocal(sessionId, nodeId, Instant.parse(body.path("expires_at").asText()).toEpochMilli());
                    return services.gateway().call(nodeId, sessionId, trace, o);
                });
        ctx.future(() -> reply.handle((r, error) -> {
            finish(ctx, r, error, null);
            return null;
        }));
    }

    static String defaultSessionId(String nodeId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(("default:" + ProcessorId.sanitizeNode(nodeId)).getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder("session-");
            for (int i = 0; i < 16; i++) {
                b.append(Character.forDigit((d[i] >> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
            }
            return b.append("-0").toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- relaying -------------------------------------------------------------------------------

    /**
     * Sends the command and answers with its reply (asynchronously: no request thread waits on
     * Kafka). {@code onSuccess} runs before the response is written when the reply is 200.
     */
    private void relay(Context ctx, String nodeId, String sessionId, Object op, Consumer<Reply> onSuccess) {
        ctx.attribute(Http.ATTR_RELAYED, Boolean.TRUE);
        if (sessionId != null) {
            services.metrics().sessionOperations.incrementAndGet();
        }
        CompletableFuture<Reply> reply = services.gateway().call(nodeId, sessionId, Http.traceId(ctx), op);
        ctx.future(() -> reply.handle((r, error) -> {
            finish(ctx, r, error, onSuccess);
            return null;
        }));
    }

    private void finish(Context ctx, Reply reply, Throwable error, Consumer<Reply> onSuccess) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException || error instanceof ExecutionException
                    ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                Http.detail(ctx, 503, "KATO did not answer within " + services.config().replyTimeout().toMillis()
                        + " ms (trace " + Http.traceId(ctx) + "): the topology is down, restarting or overloaded. "
                        + "The operation may still be applied when it recovers.");
            } else if (cause instanceof KafkaGateway.Unavailable) {
                Http.detail(ctx, 503, cause.getMessage());
            } else if (cause instanceof Http.TooLarge) {
                Http.detail(ctx, 413, cause.getMessage());
            } else {
                LOG.error("request {} {} failed (trace {})", ctx.method(), ctx.path(), Http.traceId(ctx), cause);
                Http.internalError(ctx);
            }
            return;
        }
        try {
            if (reply.getSessionExpiresAt() != null && reply.getSessionId() != null && reply.getNodeId() != null) {
                services.directory().putLocal(reply.getSessionId(), reply.getNodeId(), reply.getSessionExpiresAt().toEpochMilli());
            }
            if (reply.getStatus() == 200 && onSuccess != null) {
                onSuccess.accept(reply);
            }
        } catch (RuntimeException e) { // bookkeeping only: the client still gets the topology's answer
            LOG.warn("could not record the outcome of {} {}: {}", ctx.method(), ctx.path(), e.toString());
        }
        respond(ctx, reply);
    }

    /** The topology's reply as the response: its status and exact body. */
    private static void respond(Context ctx, Reply reply) {
        int status = reply.getStatus();
        if (status == 500) {
            Http.internalError(ctx); // the topology renders E4 as plain text too
            return;
        }
        String body = reply.getBodyJson();
        if (status == 404 && body.startsWith("{\"error\"")) {
            ctx.removeHeader(Http.SESSION_HEADER); // E3: the session expired after the guard saw it
        }
        Http.json(ctx, status, body);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private JsonNode jsonBody(Context ctx) {
        return ObservationJson.readBody(Http.body(ctx, services.config().maxBodyBytes()));
    }

    private static JsonNode readReplyBody(Reply reply) {
        return ObservationJson.readMetadata(reply.getBodyJson());
    }

    /** Percent-decoded path segments, without the leading empty one and a trailing empty one. */
    static List<String> segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String s : p.split("/", -1)) {
            try {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                out.add(s); // malformed escape: look the raw text up
            }
        }
        return out;
    }
}
