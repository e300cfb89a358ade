package io.katostreams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone runtime's safe defaults, checked before anything is started. */
class StandaloneSafeDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void bindsToLoopbackByDefault() {
        assertEquals("127.0.0.1", StandaloneSettings.BIND.defaultValue());
    }

    @Test
    void refusesANetworkAddressWithoutAuthenticationBeforeStartingAnything() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("KATO_DATA_DIR", data.toString(), "KATO_BIND", "0.0.0.0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KatoStandalone.start(env));
        assertTrue(e.getMessage().contains("KATO_HOST=0.0.0.0 is not a loopback address and KATO_AUTH=none"), e.getMessage());
        assertTrue(e.getMessage().contains("KATO_AUTH_NONE_ON_NETWORK=true"), e.getMessage());
        // nothing was started: no broker data
        assertTrue(!Files.exists(data.resolve("kafka")), "the broker was started");
    }

    @Test
    void theCliNamesTheNodeOfEachAuditedCommand() {
        assertEquals("alice", KatoCli.auditedNode("forget", new String[] {"forget", "alice", "--yes"}));
        assertEquals("bob", KatoCli.auditedNode("export", new String[] {"export", "bob", "f.json"}));
        assertEquals("carol", KatoCli.auditedNode("import", new String[] {"import", "f.json", "carol"}));
        assertNull(KatoCli.auditedNode("import", new String[] {"import", "f.json"}));
        assertEquals("dave", KatoCli.auditedNode("train", new String[] {"train", "f.jsonl", "--node", "dave"}));
    }
}
