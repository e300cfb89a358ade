package io.katostreams.connect;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this plugin, as Connect reports it ({@code GET /connector-plugins}). */
final class Version {

    /** From {@code version.properties}, filtered by Maven; "unknown" when run from unfiltered classes. */
    static final String VERSION = load();

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
