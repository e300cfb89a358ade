package io.katostreams.ops;

import io.katostreams.engine.SessionSettings;
import io.katostreams.engine.Setting;
import io.katostreams.topology.DeploymentSettings;
import io.katostreams.topology.ServiceSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Generates {@code docs/configuration.md}, the configuration reference, from the typed setting
 * constants, so that the document always says what the code reads. {@code ConfigReferenceTest}
 * fails when the committed document differs from what this class renders.
 *
 * <p>The document is one Markdown table per {@link Group} in {@link #GROUPS}. To document another
 * list of settings (the REST bridge's, the standalone runtime's), add one line to {@link #GROUPS}
 * and regenerate with {@link #REGENERATE_COMMAND}.
 */
public final class ConfigReference {
    private ConfigReference() {}

    /** The command that rewrites {@code docs/configuration.md} (runs {@link #main} through Maven). */
    public static final String REGENERATE_COMMAND = "./mvnw -B -ntp -pl ops -am -Pconfig-docs process-classes";

    /** Where the document lives, relative to the repository root. */
    public static final String DOCUMENT = "docs/configuration.md";

    /** Every documented group of settings, in document order. Adding a group is one line here. */
    public static final List<Group> GROUPS = List.of(
            Group.of("Service", "Read by the topology. `SERVICE_NAME` must be the same for every process of a "
                    + "deployment.", ServiceSettings.ALL),
            Group.of("Session defaults", "Read by the topology. Each variable is the service default of the "
                    + "per-session setting whose name is the variable in lower case (`MAX_PATTERN_LENGTH` → "
                    + "`max_pattern_length`): a session that does not set the setting uses it.",
                    SessionSettings.ALL),
            Group.of("Deployment", "Read by each topology instance: how it connects to Kafka, keeps its state "
                    + "and scales.", DeploymentSettings.ALL),
            Group.of("Disk and growth bounds", "Read by the topology (issue 16): which prediction sets are published, "
                    + "topic compression and retention, how much knowledge one input may create. See "
                    + "docs/topology.md § Disk.", io.katostreams.topology.StorageSettings.ALL),
            Group.of("REST bridge", "Read by each bridge instance.", io.katostreams.bridge.BridgeSettings.ALL,
                    (io.katostreams.bridge.BridgeSetting<?> b) -> new Row(b.envVar(), b.defaultValue(), b.rule(), b.doc())),
            Group.of("Disk guard", "Read by each bridge instance; the standalone runtime watches its broker's data "
                    + "directory.", io.katostreams.bridge.DiskGuardSettings.ALL,
                    (io.katostreams.bridge.BridgeSetting<?> b) -> new Row(b.envVar(), b.defaultValue(), b.rule(), b.doc())),
            Group.of("Standalone runtime", "Read by `./ops/kato up`; a service given by URL is used instead of "
                    + "being started.", StandaloneSettings.ALL),
            Group.of("Kafka client security", "Read by every process that talks to Kafka: the topology (and its "
                    + "Redis mirror), the bridge, the Connect worker and the ops CLI, through one rule "
                    + "(`KafkaClientEnv`). Unset = PLAINTEXT. Examples per backend: docs/production.md, "
                    + "\"Secured backends\".", io.katostreams.schemas.security.KafkaClientEnv.DOCUMENTED,
                    (io.katostreams.schemas.security.KafkaClientEnv.Variable v) ->
                            new Row(v.name(), v.defaultValue(), v.validValues(), v.description())));

    /** One row of a table: one environment variable. */
    public record Row(String variable, Object defaultValue, String validValues, String description) {
        public Row {
            Objects.requireNonNull(variable, "variable");
            Objects.requireNonNull(validValues, "validValues");
            Objects.requireNonNull(description, "description");
        }
    }

    /** One table of the document: a title, a sentence on who reads the variables, and the rows. */
    public record Group(String title, String intro, List<Row> rows) {
        public Group {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(intro, "intro");
            rows = List.copyOf(rows);
        }

        /** A group of the topology's typed {@link Setting} constants. */
        public static Group of(String title, String intro, List<Setting<?>> settings) {
            return of(title, intro, settings, ConfigReference::row);
        }

        /** A group of settings of another type, given how one setting becomes a row. */
        public static <S> Group of(String title, String intro, List<? extends S> settings, Function<S, Row> toRow) {
            return new Group(title, intro, settings.stream().<Row>map(toRow).toList());
        }
    }

    /** The row of a {@link Setting}; allowed values are listed sorted, so the document is stable. */
    public static Row row(Setting<?> s) {
        String valid = s.allowed()
                .map(values -> "one of " + String.join(", ", values.stream().sorted().map(v -> "`" + v + "`").toList()))
                .orElse(s.rule());
        return new Row(s.envVar(), s.defaultValue(), valid, s.doc());
    }

    /** The whole document for {@code groups}. */
    public static String render(List<Group> groups) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n");
        md.append("<!-- Generated by io.katostreams.ops.ConfigReference from the typed setting constants: do not "
                + "edit by hand.\n     Regenerate with: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        md.append("Every KATO process reads its settings from environment variables once, at start-up. A variable "
                + "that is unset or blank means the default; a value that breaks the rule stops the process with a "
                + "message naming the variable and the rule. `docker-compose.yml` sets the variables a deployment "
                + "needs; see [production.md](production.md).\n");
        for (Group g : groups) {
            md.append("\n## ").append(g.title()).append("\n\n");
            md.append(g.intro()).append("\n\n");
            md.append("| variable | default | valid values | description |\n");
            md.append("|---|---|---|---|\n");
            for (Row r : g.rows()) {
                md.append("| `").append(cell(r.variable())).append("` | ")
                        .append(cell(formatDefault(r.defaultValue()))).append(" | ")
                        .append(cell(r.validValues())).append(" | ")
                        .append(cell(r.description())).append(" |\n");
            }
        }
        return md.toString();
    }

    /** The document of {@link #GROUPS}. */
    public static String render() {
        return render(GROUPS);
    }

    static String formatDefault(Object value) {
        if (value == null) return "*unset*";
        String text = value.toString();
        return text.isEmpty() ? "*empty*" : "`" + text + "`";
    }

    /** Text made safe for one table cell: no line breaks, pipes escaped. */
    static String cell(String text) {
        return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').replace("|", "\\|");
    }

    /** Writes the document to the path given as the first argument (default {@value #DOCUMENT}). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : DOCUMENT);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(target, render(), StandardCharsets.UTF_8);
        System.out.println("ConfigReference: wrote " + target);
    }
}
