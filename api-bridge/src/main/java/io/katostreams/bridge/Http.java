package io.katostreams.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writing responses in the four error shapes of spec 01 §0.4 and the request attributes shared by
 * the handlers.
 *
 * <ul>
 *   <li>E1 {@code {"detail": "<text>"}}: {@link #detail}</li>
 *   <li>E2 {@code {"detail": [{type, loc, msg, input[, ctx]}]}}: built from
 *       {@link io.katostreams.schemas.validation.RecordValidationException#toDetailBody()}</li>
 *   <li>E3 {@code {"error": {"code": "SESSION_NOT_FOUND", …}}}: {@link #sessionNotFound}</li>
 *   <li>E4 plain text {@code Internal Server Error}, the only response without X-Trace-ID:
 *       {@link #internalError}</li>
 * </ul>
 */
final class Http {
    private Http() {
    }

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String JSON = "application/json";

    static final String TRACE_HEADER = "X-Trace-ID";
    static final String SESSION_HEADER = "X-Session-ID";

    /** Request attributes. */
    static final String ATTR_TRACE = "kato.trace";
    /** The {@link GuardedSession} that passed the session guard. */
    static final String ATTR_SESSION = "kato.session";
    /** Set when the request was sent to the topology (so it was an access of its session there). */
    static final String ATTR_RELAYED = "kato.relayed";
    /** A session id the audit record names when no guarded session does (a new session, a lookup). */
    static final String ATTR_AUDIT_SESSION = "kato.audit.session";
    /** Set when a handler wrote the body itself (the 404/405 error pages then leave it alone). */
    static final String ATTR_WRITTEN = "kato.written";

    /** A session found live by the guard: its id and the node that owns it. */
    record GuardedSession(String sessionId, String nodeId) {
    }

    /**
     * The request is too large: its body exceeds {@code KATO_MAX_BODY_BYTES}, or its command or the
     * expected reply would exceed the largest record Kafka accepts. Answered 413 (E1).
     */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }

        static TooLarge body(long limit) {
            return new TooLarge("Request body too large: the limit is " + limit + " bytes");
        }
    }

    static void json(Context ctx, int status, String body) {
        ctx.attribute(ATTR_WRITTEN, Boolean.TRUE);
        ctx.status(status).contentType(JSON).result(body);
    }

    static void json(Context ctx, int status, JsonNode body) {
        json(ctx, status, write(body));
    }

    /** E1. */
    static void detail(Context ctx, int status, String message) {
        ObjectNode body = NODES.objectNode();
        body.put("detail", message);
        json(ctx, status, body);
    }

    /** E3: unknown or expired session on a session-scoped route. */
    static void sessionNotFound(Context ctx, String sessionId) {
        ObjectNode body = NODES.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", "SESSION_NOT_FOUND");
        error.put("message", "Session " + sessionId + " not found or expired");
        error.put("session_id", sessionId);
        ctx.removeHeader(SESSION_HEADER);
        json(ctx, 404, body);
    }

    /** E4: plain text, no X-Trace-ID (spec 01 §0.2). A 500 from this service is always a bug. */
    static void internalError(Context ctx) {
        ctx.attribute(ATTR_WRITTEN, Boolean.TRUE);
        ctx.removeHeader(TRACE_HEADER);
        ctx.status(500).contentType("text/plain; charset=utf-8").result("Internal Server Error");
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String traceId(Context ctx) {
        return ctx.attribute(ATTR_TRACE);
    }

    /** {@code kato-} + 32 lowercase hex digits (spec 01 §0.2). */
    static String newTraceId() {
        return "kato-" + hex32();
    }

    static String hex32() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The body, at most {@code limit} bytes, else {@link TooLarge}. Reads the stream itself so the
     * limit also holds for chunked bodies without Content-Length.
     */
    static byte[] body(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw TooLarge.body(limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
                if (total > limit) {
                    throw TooLarge.body(limit);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            // malformed chunked framing, a body cut short by the client, an idle timeout mid-body
            throw new BadBody("could not read the request body: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /**
     * Thrown by a check that has written its response itself (a refused WebSocket upgrade): stops the
     * request without another response.
     */
    static final class Answered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Answered() {
            super(null, null, false, false);
        }
    }

    /** The client sent a body that cannot be read: answered 400 (E1), not counted as a server error. */
    static final class BadBody extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadBody(String message) {
            super(message);
        }
    }

    /** A query parameter; with repeated parameters the last one wins, as in the reference. */
    static String query(Context ctx, String name) {
        List<String> values = ctx.queryParamMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    static boolean hasQuery(Context ctx, String name) {
        Map<String, List<String>> m = ctx.queryParamMap();
        return m.containsKey(name);
    }

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    /**
     * "By hand" timestamps of operational endpoints: ISO-8601 with {@code +00:00} and microseconds
     * only when non-zero (Python's {@code datetime.isoformat()}), spec 01 §0.2.
     */
    static String isoOffset(Instant t) {
        int micros = t.getNano() / 1000;
        return SECONDS.format(t) + (micros == 0 ? "" : String.format(".%06d", micros)) + "+00:00";
    }

    /** Unix epoch seconds as a float. */
    static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /**
     * A float as a JSON number in plain notation ({@code 1735732000.12}, not {@code 1.73573200012E9},
     * which Jackson writes for a double ≥ 10⁷): epoch seconds look like the reference's.
     */
    static BigDecimal plain(double value) {
        return BigDecimal.valueOf(value);
    }
}
