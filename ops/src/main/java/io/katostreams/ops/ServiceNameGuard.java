package io.katostreams.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SERVICE_NAME is part of every processor_id (spec 02 §2): the name a data directory was first
 * started with is recorded there, and a later start with another name is refused unless forced,
 * because it would make everything trained under the old name unreachable.
 */
final class ServiceNameGuard {
    private ServiceNameGuard() {}

    static final String FILE = "service-name";

    /** Records the name on first use; returns normally when it matches or {@code force}. */
    static void check(Path dataDir, String serviceName, boolean force) {
        Path f = dataDir.resolve(FILE);
        try {
            if (!Files.exists(f)) {
                Files.createDirectories(dataDir);
                Files.writeString(f, serviceName + "\n", StandardCharsets.UTF_8);
                return;
            }
            String recorded = Files.readString(f, StandardCharsets.UTF_8).strip();
            if (recorded.equals(serviceName)) return;
            if (!force) {
                throw new IllegalStateException("SERVICE_NAME is '" + serviceName + "' but " + dataDir
                        + " was started with '" + recorded + "'. SERVICE_NAME is part of every node's storage name, "
                        + "so this would make all knowledge trained under '" + recorded + "' unreachable. Start with "
                        + "SERVICE_NAME=" + recorded + ", or set KATO_FORCE_SERVICE_NAME=true to switch on purpose.");
            }
            Files.writeString(f, serviceName + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + f, e);
        }
    }
}
