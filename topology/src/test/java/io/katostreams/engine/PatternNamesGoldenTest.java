package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One test per line of the shared golden file {@code pattern-names.jsonl} (spec 04 §2.4): the
 * Python repr of {@code stm} and its {@code PTRN|} name, both produced by the reference.
 */
class PatternNamesGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The golden directory: system property {@code kato.golden.dir} (set by Surefire), else
     * {@code shared/golden} beside the repository, seen from the repository root or the module dir.
     */
    static Path goldenDir() {
        Set<Path> candidates = new LinkedHashSet<>();
        String property = System.getProperty("kato.golden.dir");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Path.of("../shared/golden"));
        candidates.add(Path.of("../../shared/golden"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return fail("golden directory not found; tried " + describe(candidates)
                + " (set -Dkato.golden.dir=/path/to/shared/golden)");
    }

    private static String describe(Set<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p.toAbsolutePath().normalize().toString());
        }
        return String.join(", ", out);
    }

    @TestFactory
    Stream<DynamicTest> patternNames() throws IOException {
        Path file = goldenDir().resolve("pattern-names.jsonl");
        if (!Files.isRegularFile(file)) {
            fail("golden file missing: " + file.toAbsolutePath().normalize());
        }
        List<DynamicTest> tests = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            List<List<String>> stm = new ArrayList<>();
            for (JsonNode event : node.get("stm")) {
                List<String> symbols = new ArrayList<>();
                event.forEach(symbol -> symbols.add(symbol.textValue()));
                stm.add(symbols);
            }
            String expectedRepr = node.get("python_repr").textValue();
            String expectedName = node.get("name").textValue();
            String note = node.get("note").textValue();
            // Surefire's XML report names dynamic tests by index, so messages repeat line and note.
            String where = "line " + (i + 1) + " (" + note + ")";
            tests.add(DynamicTest.dynamicTest(note, () -> {
                assertEquals(expectedRepr, PythonRepr.repr(stm), "python_repr, " + where);
                assertEquals(expectedName, PatternName.withPrefix(PatternName.of(stm)), "name, " + where);
            }));
        }
        return tests.stream();
    }
}
