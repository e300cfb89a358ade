package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /ws/events} (spec 01 §6): a snapshot on connect, then one event per session created
 * or explicitly deleted <i>through this bridge instance</i> (expiry emits nothing, as in the
 * reference); the text {@code ping} is answered {@code pong}.
 */
final class SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);

    private final Set<WsContext> clients = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final IntSupplier activeSessions;

    SessionEvents(Clock clock, IntSupplier activeSessions) {
        this.clock = clock;
        this.activeSessions = activeSessions;
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            clients.add(ctx);
            ObjectNode data = Http.NODES.objectNode();
            data.put("active_sessions", activeSessions.getAsInt());
            data.put("system_status", "healthy");
            ctx.send(Http.write(event("state.snapshot", data)));
        });
        ws.onMessage(ctx -> {
            if ("ping".equals(ctx.message())) {
                ctx.send("pong");
            }
        });
        ws.onClose(clients::remove);
        ws.onError(clients::remove);
    }

    void created(String sessionId, String nodeId, String createdAt) {
        ObjectNode data = Http.NODES.objectNode();
        data.put("session_id", sessionId);
        data.put("node_id", nodeId);
        data.put("created_at", createdAt);
        broadcast(event("session.created", data));
    }

    void destroyed(String sessionId) {
        ObjectNode data = Http.NODES.objectNode();
        data.put("session_id", sessionId);
        data.put("destroyed_at", Http.isoOffset(clock.instant()));
        data.put("reason", "explicit_delete");
        broadcast(event("session.destroyed", data));
    }

    int clients() {
        return clients.size();
    }

    private ObjectNode event(String type, ObjectNode data) {
        ObjectNode e = Http.NODES.objectNode();
        e.put("event_type", type);
        e.put("timestamp", Http.isoOffset(Instant.ofEpochMilli(clock.millis())));
        e.set("data", data);
        return e;
    }

    private void broadcast(ObjectNode event) {
        if (clients.isEmpty()) {
            return;
        }
        String text = Http.write(event);
        for (WsContext c : clients) {
            try {
                if (c.session.isOpen()) {
                    c.send(text);
                } else {
                    clients.remove(c);
                }
            } catch (RuntimeException e) {
                LOG.debug("event not delivered to a websocket client: {}", e.toString());
                clients.remove(c);
            }
        }
    }
}
