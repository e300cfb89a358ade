package io.katostreams.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Access to the shared golden files. They are read from {@code ../shared/golden} at test time —
 * never copied — so that the tests cannot drift from the definition of "correct".
 */
final class Golden {
    private Golden() {}

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    static Path dir() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("kato.golden.dir");
        if (prop != null) candidates.add(Paths.get(prop));
        candidates.add(Paths.get("../shared/golden"));
        candidates.add(Paths.get("../../shared/golden"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) return p.toAbsolutePath().normalize();
        }
        fail("golden files not found; looked in " + candidates.stream().map(p -> p.toAbsolutePath().normalize()).toList()
                + " — the shared/ folder must sit beside the repository checkout");
        return null;
    }

    static List<JsonNode> lines(String file) {
        Path p = dir().resolve(file);
        if (!Files.isRegularFile(p)) fail("golden file missing: " + p);
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(p)) {
                if (!line.isBlank()) out.add(JSON.readTree(line));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p, e);
        }
    }

    /** A JSON value in the engine's plain model (BigInteger, Double, Boolean, String, List, Map, null). */
    static Object plain(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.bigIntegerValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
        return m;
    }

    static List<List<String>> events(JsonNode n) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode e : n) {
            List<String> ev = new ArrayList<>();
            e.forEach(s -> ev.add(s.textValue()));
            out.add(ev);
        }
        return out;
    }

    static Map<String, Double> doubles(JsonNode obj) {
        Map<String, Double> m = new LinkedHashMap<>();
        obj.properties().forEach(e -> m.put(e.getKey(), e.getValue().doubleValue()));
        return m;
    }
}
