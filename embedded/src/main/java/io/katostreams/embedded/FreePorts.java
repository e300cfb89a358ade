package io.katostreams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks TCP ports on 127.0.0.1 that are free at the moment of the call.
 *
 * <p>The operating system chooses each port (bind to port 0), so there is no guessing, but a
 * port is only known to be free until the socket is closed: another process could take it
 * before the caller binds it. That race is accepted here, as everywhere this trick is used;
 * callers that must survive it retry with new ports.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One free port on 127.0.0.1. */
    public static int pick() {
        return pick(1)[0];
    }

    /**
     * {@code count} distinct free ports on 127.0.0.1. All sockets stay open until every port
     * has been chosen, so the same port cannot be handed out twice in one call.
     */
    public static int[] pick(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("could not pick a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket that accepted nothing cannot lose data.
                }
            }
        }
    }

    /** {@code port} itself when it is positive, otherwise a freshly picked free port. */
    static int orPick(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, was " + port);
        }
        return port > 0 ? port : pick();
    }
}
