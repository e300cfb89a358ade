package io.katostreams.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of {@code KATO_AUTH=api_key}: from {@code KATO_API_KEYS_FILE} (JSON, re-read when it
 * changes) and {@code KATO_API_KEYS}. Only SHA-256 hashes of keys are configured; a presented key is
 * hashed and compared with every configured hash in constant time ({@link MessageDigest#isEqual}),
 * without stopping at the first match, so neither the comparison nor the position of the matching key
 * shows in the response time.
 */
final class ApiKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final long RECHECK_MS = 1_000;

    /** One configured key. */
    record Entry(String id, Principal.Role role, Principal.Scopes nodes, byte[] sha256) {
        Principal principal() {
            return new Principal(id, role, nodes);
        }
    }

    private final Path file;
    private final List<Entry> fromEnv;
    private volatile List<Entry> fromFile = List.of();
    private volatile FileTime fileModified;
    private volatile long fileSize = -1;
    private volatile long checkedAt;
    /** Re-reads of the file that were refused (the keys read before stay): what a test can wait for. */
    final java.util.concurrent.atomic.AtomicLong refusedReloads = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Reads the keys; an invalid file or variable throws, naming the entry and the field (a bridge
     * never starts with keys it did not understand).
     */
    ApiKeys(String file, String envKeys) {
        this.file = file == null ? null : Path.of(file);
        this.fromEnv = parseEnv(envKeys);
        if (this.file != null) {
            reload(true);
        }
        if (fromEnv.isEmpty() && fromFile.isEmpty()) {
            throw new IllegalArgumentException("KATO_AUTH=api_key needs keys: set KATO_API_KEYS_FILE or KATO_API_KEYS");
        }
        checkUnique(all());
    }

    int size() {
        return all().size();
    }

    /** The principal of a presented key, or null. */
    Principal lookup(String presented) {
        maybeReload();
        byte[] hash = sha256(presented);
        Entry found = null;
        for (Entry e : all()) {
            if (MessageDigest.isEqual(e.sha256(), hash) && found == null) {
                found = e;
            }
        }
        return found == null ? null : found.principal();
    }

    private List<Entry> all() {
        List<Entry> a = new ArrayList<>(fromEnv);
        a.addAll(fromFile);
        return a;
    }

    private void maybeReload() {
        if (file == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - checkedAt < RECHECK_MS) {
            return;
        }
        checkedAt = now;
        reload(false);
    }

    private synchronized void reload(boolean initial) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (!initial && modified.equals(fileModified) && size == fileSize) {
                return;
            }
            List<Entry> entries = parseFile(file);
            List<Entry> combined = new ArrayList<>(fromEnv);
            combined.addAll(entries);
            checkUnique(combined);
            fromFile = entries;
            fileModified = modified;
            fileSize = size;
            if (!initial) {
                LOG.info("API keys re-read from {}: {} keys", file, entries.size());
            }
        } catch (IOException | RuntimeException e) {
            String why = "KATO_API_KEYS_FILE " + file + ": " + (e instanceof IOException ? "cannot be read (" + e + ")"
                    : e.getMessage());
            if (initial) {
                throw new IllegalArgumentException(why, e);
            }
            refusedReloads.incrementAndGet();
            LOG.error("{}; keeping the {} keys read before", why, fromFile.size());
        }
    }

    static List<Entry> parseFile(Path file) throws IOException {
        JsonNode root = Http.MAPPER.readTree(Files.readAllBytes(file));
        JsonNode keys = root == null ? null : root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalArgumentException("expected {\"keys\": [ … ]}");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            JsonNode k = keys.get(i);
            String where = "keys[" + i + "]";
            String id = text(k, "id", where);
            List<String> nodes = new ArrayList<>();
            JsonNode n = k.get("nodes");
            if (n == null || !n.isArray() || n.isEmpty()) {
                throw new IllegalArgumentException(where + ".nodes: expected a non-empty list of node scopes");
            }
            n.forEach(s -> nodes.add(s.asText()));
            out.add(new Entry(id, Principal.Role.parse(text(k, "role", where), where + ".role"),
                    scopes(nodes, where + ".nodes"), hash(text(k, "sha256", where), where + ".sha256")));
        }
        return out;
    }

    /** {@code id:role:scope,scope:sha256hex} entries separated by {@code ;}. */
    static List<Entry> parseEnv(String text) {
        List<Entry> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String[] entries = text.split(";");
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].isBlank()) {
                continue;
            }
            String where = "KATO_API_KEYS entry " + (i + 1);
            String[] f = entries[i].trim().split(":", -1);
            if (f.length != 4 || f[0].isBlank()) {
                throw new IllegalArgumentException(where + ": expected id:role:scope,scope,…:sha256-hex");
            }
            out.add(new Entry(f[0].trim(), Principal.Role.parse(f[1], where + " role"),
                    scopes(List.of(f[2].split(",")), where + " scopes"), hash(f[3], where + " hash")));
        }
        return out;
    }

    private static Principal.Scopes scopes(List<String> patterns, String where) {
        try {
            return Principal.Scopes.parse(patterns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode k, String field, String where) {
        JsonNode v = k == null ? null : k.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + "." + field + ": expected a non-empty string");
        }
        return v.asText().trim();
    }

    private static byte[] hash(String hex, String where) {
        String h = hex.trim().toLowerCase(Locale.ROOT);
        if (!h.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": expected the key's SHA-256 as 64 hex digits "
                    + "(printf %s \"$KEY\" | sha256sum)");
        }
        return HexFormat.of().parseHex(h);
    }

    private static void checkUnique(List<Entry> entries) {
        Set<String> ids = new HashSet<>();
        for (Entry e : entries) {
            if (!ids.add(e.id())) {
                throw new IllegalArgumentException("two API keys have the id '" + e.id() + "'");
            }
        }
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }
}
