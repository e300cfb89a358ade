package io.katostreams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void picksDistinctPortsThatCanBeBound() throws Exception {
        int[] ports = FreePorts.pick(5);
        assertEquals(5, Arrays.stream(ports).distinct().count(), "ports must be distinct: " + Arrays.toString(ports));
        for (int port : ports) {
            assertTrue(port > 0 && port <= 65535);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, socket.getLocalPort());
            }
        }
    }

    @Test
    void orPickKeepsAGivenPortAndRejectsNonsense() {
        assertEquals(12345, FreePorts.orPick(12345));
        assertTrue(FreePorts.orPick(0) > 0);
        assertThrows(IllegalArgumentException.class, () -> FreePorts.orPick(-1));
        assertThrows(IllegalArgumentException.class, () -> FreePorts.orPick(70000));
        assertThrows(IllegalArgumentException.class, () -> FreePorts.pick(0));
    }
}
