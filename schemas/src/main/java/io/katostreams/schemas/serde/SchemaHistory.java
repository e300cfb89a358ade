package io.katostreams.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every version of every top-level record schema this project has shipped, read from the
 * classpath directory {@code schema-history/} (source: {@code schemas/src/main/resources/schema-history/}).
 *
 * <p>Layout: {@code schema-history/<RecordName>/v<N>.avsc}, each file a complete, self-contained
 * schema, listed in {@code schema-history/index.txt} (one relative path per line; a listing is
 * needed because a directory inside a jar cannot be enumerated portably). The newest version of
 * each record equals the schema compiled into the generated class; {@code SchemaHistoryTest}
 * fails the build when a schema changes without a new version file, and checks that the current
 * reader can read every version. See docs/schema-evolution.md.
 *
 * <p>Single-object encoding names the writer schema only by its 64-bit fingerprint (CRC-64-AVRO
 * of the parsing canonical form), so a reader can decode a record only if it knows the exact
 * schema it was written with: this class is that knowledge.
 */
public final class SchemaHistory {

    /** Classpath directory of the history. */
    public static final String RESOURCE_DIR = "schema-history/";
    private static final Pattern FILE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)/v([1-9][0-9]*)\\.avsc");

    /** One shipped schema version. */
    public record Version(String fullName, int version, Schema schema, long fingerprint) {
        @Override
        public String toString() {
            return fullName + " v" + version + String.format(" (fingerprint %016x)", fingerprint);
        }
    }

    private static volatile SchemaHistory instance;

    private final Map<String, List<Version>> byName;
    private final Map<Long, Version> byFingerprint;

    private SchemaHistory(List<Version> versions) {
        Map<String, List<Version>> names = new LinkedHashMap<>();
        Map<Long, Version> prints = new HashMap<>();
        for (Version v : versions) {
            names.computeIfAbsent(v.fullName(), k -> new ArrayList<>()).add(v);
            Version clash = prints.putIfAbsent(v.fingerprint(), v);
            if (clash != null) {
                throw new IllegalStateException("schema-history: " + v + " has the same canonical form as " + clash
                        + "; a new version file is needed only when the written bytes change");
            }
        }
        names.values().forEach(list -> list.sort(Comparator.comparingInt(Version::version)));
        names.replaceAll((k, list) -> Collections.unmodifiableList(list));
        this.byName = Collections.unmodifiableMap(names);
        this.byFingerprint = Collections.unmodifiableMap(prints);
    }

    /** The history shipped on the classpath (loaded once). */
    public static SchemaHistory get() {
        SchemaHistory h = instance;
        if (h == null) {
            synchronized (SchemaHistory.class) {
                h = instance;
                if (h == null) {
                    h = load(SchemaHistory.class.getClassLoader());
                    instance = h;
                }
            }
        }
        return h;
    }

    /** Loads the history listed in {@code schema-history/index.txt} of {@code loader}. */
    public static SchemaHistory load(ClassLoader loader) {
        List<Version> versions = new ArrayList<>();
        for (String path : readIndex(loader)) {
            Matcher m = FILE.matcher(path);
            if (!m.matches()) {
                throw new IllegalStateException("schema-history/index.txt: '" + path + "' is not <RecordName>/v<N>.avsc");
            }
            Schema schema = parse(loader, RESOURCE_DIR + path);
            if (!schema.getName().equals(m.group(1))) {
                throw new IllegalStateException("schema-history: " + path + " holds record " + schema.getFullName());
            }
            versions.add(new Version(schema.getFullName(), Integer.parseInt(m.group(2)), schema,
                    SchemaNormalization.parsingFingerprint64(schema)));
        }
        return new SchemaHistory(versions);
    }

    /** All shipped versions of the record {@code fullName}, oldest first (empty if none). */
    public List<Version> versions(String fullName) {
        return byName.getOrDefault(fullName, List.of());
    }

    /** Full names of every record that has a history. */
    public List<String> recordNames() {
        return List.copyOf(byName.keySet());
    }

    /** The shipped version a fingerprint belongs to, whatever the record. */
    public Optional<Version> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    /**
     * A store that resolves the fingerprints of every version of {@code current}'s record, and of
     * {@code current} itself. Deliberately per record: a fingerprint of another record type is not
     * found, so decoding the wrong type fails with "unknown schema" instead of a confusing
     * resolution error.
     */
    public SchemaStore storeFor(Schema current) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Version v : versions(current.getFullName())) {
            store.addSchema(v.schema());
        }
        store.addSchema(current);
        return store;
    }

    /** Fingerprint used by single-object encoding for {@code schema}. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static List<String> readIndex(ClassLoader loader) {
        String index = RESOURCE_DIR + "index.txt";
        try (InputStream in = loader.getResourceAsStream(index)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + index + " is missing");
            }
            List<String> paths = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                String p = line.strip();
                if (!p.isEmpty() && !p.startsWith("#")) {
                    paths.add(p);
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index, e);
        }
    }

    private static Schema parse(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource + " is listed but missing");
            }
            // A fresh parser per file: every version redefines the same record names.
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
