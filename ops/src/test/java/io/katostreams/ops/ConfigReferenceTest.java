package io.katostreams.ops;

import io.katostreams.engine.Setting;
import io.katostreams.ops.ConfigReference.Group;
import io.katostreams.ops.ConfigReference.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ConfigReferenceTest {

    /** docs/configuration.md must be exactly what ConfigReference renders from the constants. */
    @Test
    void documentMatchesTheSettingConstants() throws IOException {
        Path doc = repositoryRoot().resolve(ConfigReference.DOCUMENT);
        String expected = ConfigReference.render();
        if (!Files.exists(doc)) {
            fail(ConfigReference.DOCUMENT + " is missing. Generate it with: " + ConfigReference.REGENERATE_COMMAND);
        }
        String actual = Files.readString(doc, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (!actual.equals(expected)) {
            fail(ConfigReference.DOCUMENT + " is out of date with the setting constants ("
                    + firstDifference(expected, actual) + ").\nRegenerate it with: "
                    + ConfigReference.REGENERATE_COMMAND + "\nand commit the result.");
        }
    }

    @Test
    void everySettingOfEveryGroupHasItsRow() {
        String doc = ConfigReference.render();
        for (Group g : ConfigReference.GROUPS) {
            assertTrue(doc.contains("\n## " + g.title() + "\n"), "heading of " + g.title());
            assertTrue(!g.rows().isEmpty(), "group " + g.title() + " has no settings");
            for (Row r : g.rows()) {
                assertTrue(doc.contains("| `" + r.variable() + "` |"), "row of " + r.variable());
            }
        }
    }

    /** A variable read by several processes must mean one thing: one default, one rule. */
    @Test
    void aVariableInSeveralGroupsHasOneDefaultAndOneRule() {
        Map<String, Row> seen = new HashMap<>();
        for (Group g : ConfigReference.GROUPS) {
            for (Row r : g.rows()) {
                Row first = seen.putIfAbsent(r.variable(), r);
                if (first != null) {
                    assertEquals(ConfigReference.formatDefault(first.defaultValue()),
                            ConfigReference.formatDefault(r.defaultValue()), "default of " + r.variable());
                    assertEquals(first.validValues(), r.validValues(), "valid values of " + r.variable());
                }
            }
        }
    }

    @Test
    void aNewGroupIsOneTableWithOneRowPerSetting() {
        Setting<Long> port = Setting.integer("port", "EXAMPLE_PORT", 8000, 0L, 65535L, "HTTP port.");
        Setting<String> mode = Setting.text("mode", "EXAMPLE_MODE", "fast", Set.of("safe", "fast", "auto"),
                "How to run:\nfast | safe | auto.");
        Setting<String> name = Setting.text("name", "EXAMPLE_NAME", "", null, "A name.");

        String doc = ConfigReference.render(List.of(Group.of("Example", "Read by nothing.", List.of(port, mode, name))));

        assertTrue(doc.contains("\n## Example\n\nRead by nothing.\n\n"
                + "| variable | default | valid values | description |\n"
                + "|---|---|---|---|\n"
                + "| `EXAMPLE_PORT` | `8000` | integer 0 … 65535 | HTTP port. |\n"
                // allowed values sorted (Set.of has no stable order); line break and pipes made cell-safe
                + "| `EXAMPLE_MODE` | `fast` | one of `auto`, `fast`, `safe` | How to run: fast \\| safe \\| auto. |\n"
                + "| `EXAMPLE_NAME` | *empty* | string | A name. |\n"), doc);
    }

    @Test
    void settingsOfAnotherTypeBecomeRowsThroughAnAdapter() {
        record OtherSetting(String env, Long def, String rule, String doc) {}
        List<OtherSetting> other = List.of(new OtherSetting("OTHER_TIMEOUT_MS", null, "integer 1 … 10", "Timeout."));

        String doc = ConfigReference.render(List.of(Group.of("Other", "Read by another process.", other,
                s -> new Row(s.env(), s.def(), s.rule(), s.doc()))));

        assertTrue(doc.contains("| `OTHER_TIMEOUT_MS` | *unset* | integer 1 … 10 | Timeout. |\n"), doc);
    }

    @Test
    void mainWritesTheDocumentToTheGivenPath(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sub/configuration.md");
        ConfigReference.main(new String[] {out.toString()});
        assertEquals(ConfigReference.render(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of document>";
            String al = i < a.length ? a[i] : "<end of document>";
            if (!el.equals(al)) {
                return "first difference at line " + (i + 1) + ": expected \"" + el + "\" but the file has \"" + al + "\"";
            }
        }
        return "they differ";
    }

    /** The directory holding the Maven wrapper, found from the working directory (the module or the root). */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docs"))) return p;
        }
        throw new IllegalStateException("no repository root (a directory with mvnw and docs/) above " + dir);
    }
}
