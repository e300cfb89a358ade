package io.katostreams.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.validation.RecordValidationException;
import io.katostreams.schemas.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The KATO console (docs/console.md): its static files at {@code /console} and the read-only JSON
 * it needs beyond KATO's contract, under {@code /console/api} (not part of spec 01; the contract
 * routes are unchanged). Everything else the console shows it reads through the public KATO routes.
 *
 * <ul>
 *   <li>{@code GET /console/api/nodes?q=&offset=&limit=}: nodes with knowledge, with pattern and
 *       symbol counts, totals and last activity; {@code q} filters by a case-insensitive substring
 *       of the node id.</li>
 *   <li>{@code GET /console/api/patterns?node_id=&sort=frequency|name&offset=&limit=&symbol=}: one
 *       page of a node's patterns (each with its first 8 events as a preview and its event count);
 *       {@code symbol} keeps the patterns that contain that symbol.</li>
 *   <li>{@code GET /console/api/symbols?node_id=&sort=frequency|name&offset=&limit=&q=}: one page of
 *       a node's symbol statistics.</li>
 *   <li>{@code GET /console/api/sessions?node_id=&offset=&limit=}: live sessions (node, created,
 *       expires, STM length as last published on kato.sessions).</li>
 * </ul>
 * Paging parameters out of range are answered 422 in KATO's E2 shape naming the parameter. With
 * authentication on (docs/security.md) the nodes and sessions lists hold only the credential's node
 * scopes, and patterns/symbols of a node out of scope are refused 403 before they get here, like
 * {@code /pattern}.
 */
final class ConsoleApi {
    static final int MAX_LIMIT = 500;
    /** Events of each pattern in a patterns page (the pattern itself: GET /pattern/{name}). */
    static final int PREVIEW_EVENTS = 8;
    private static final String BASE = "/io/katostreams/bridge/console/";
    /** The console's own files: flat names only, so a path can never leave the console folder. */
    private static final Pattern FILE = Pattern.compile("[a-z0-9-]+\\.(js|css|svg)");
    /** Same-origin only: no CDN, no inline script; WebSocket to the same host. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final BridgeServices services;
    private final SessionDirectory directory;
    private final KnowledgeCatalog catalog;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    ConsoleApi(BridgeServices services, KnowledgeCatalog catalog) {
        this.services = services;
        this.directory = services.directory();
        this.catalog = catalog;
    }

    void routes(JavalinDefaultRoutingApi r) {
        r.get("/console", ctx -> file(ctx, "index.html"));
        r.get("/console/static/{file}", ctx -> {
            String name = ctx.pathParam("file");
            if (!FILE.matcher(name).matches()) {
                Http.detail(ctx, 404, "Not Found");
                return;
            }
            file(ctx, name);
        });
        r.get("/console/api/nodes", this::nodes);
        r.get("/console/api/patterns", this::patterns);
        r.get("/console/api/symbols", this::symbols);
        r.get("/console/api/sessions", this::sessions);
    }

    private void file(Context ctx, String name) {
        byte[] body = files.computeIfAbsent(name, ConsoleApi::load);
        if (body.length == 0) {
            Http.detail(ctx, 404, "Not Found");
            return;
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
        ctx.attribute(Http.ATTR_WRITTEN, Boolean.TRUE);
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.status(200).contentType(type).result(body);
    }

    private static byte[] load(String name) {
        try (InputStream in = ConsoleApi.class.getResourceAsStream(BASE + name)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- /console/api ---------------------------------------------------------------------------

    private void nodes(Context ctx) {
        int offset = offset(ctx);
        int limit = limit(ctx);
        String q = ctx.queryParam("q");
        String needle = q == null ? "" : q.toLowerCase(Locale.ROOT);
        List<KnowledgeCatalog.Node> all = new ArrayList<>();
        for (KnowledgeCatalog.Node n : catalog.nodes()) {
            String id = n.nodeId == null ? "" : n.nodeId;
            if ((needle.isEmpty() || id.toLowerCase(Locale.ROOT).contains(needle))
                    && services.security().visible(ctx, n.nodeId)) {
                all.add(n);
            }
        }
        ObjectNode o = page(all.size(), offset, limit);
        ArrayNode arr = o.putArray("nodes");
        for (KnowledgeCatalog.Node n : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
            ObjectNode e = arr.addObject();
            e.put("node_id", n.nodeId);
            e.put("processor_id", n.processorId);
            e.put("patterns", n.patterns.size());
            e.put("symbols", n.symbols.size());
            TotalsDoc t = n.totals;
            ObjectNode totals = e.putObject("totals");
            totals.put("total_pattern_frequencies", t == null ? 0 : t.getTotalPatternFrequencies());
            totals.put("total_symbol_frequencies", t == null ? 0 : t.getTotalSymbolFrequencies());
            totals.put("total_symbols_in_patterns_frequencies", t == null ? 0 : t.getTotalSymbolsInPatternsFrequencies());
            time(e, "last_activity", n.lastActivityMs);
        }
        o.put("loaded", catalog.isLoaded());
        Http.json(ctx, 200, o);
    }

    private void patterns(Context ctx) {
        String nodeId = nodeId(ctx);
        int offset = offset(ctx);
        int limit = limit(ctx);
        boolean byName = "name".equals(sort(ctx));
        String symbol = ctx.queryParam("symbol");
        KnowledgeCatalog.Node node = catalog.node(ProcessorId.of(nodeId, services.config().serviceName()));
        List<KnowledgeCatalog.PatternSummary> all = node == null ? List.of() : node.sorted(byName);
        if (symbol != null && !symbol.isEmpty()) {
            List<KnowledgeCatalog.PatternSummary> using = new ArrayList<>();
            for (KnowledgeCatalog.PatternSummary p : all) {
                if (p.events().stream().anyMatch(ev -> ev.contains(symbol))) {
                    using.add(p);
                }
            }
            all = using;
        }
        ObjectNode o = page(all.size(), offset, limit);
        o.put("node_id", nodeId);
        ArrayNode arr = o.putArray("patterns");
        for (KnowledgeCatalog.PatternSummary p : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
            ObjectNode e = arr.addObject();
            e.put("name", "PTRN|" + p.name());
            e.put("frequency", p.frequency());
            e.put("length", p.length());
            e.put("events", p.events().size());
            ArrayNode events = e.putArray("pattern_data"); // a preview: the first PREVIEW_EVENTS events
            p.events().stream().limit(PREVIEW_EVENTS).forEach(ev -> {
                ArrayNode a = events.addArray();
                ev.forEach(a::add);
            });
            time(e, "created_at", p.createdAtMs());
            time(e, "updated_at", p.updatedAtMs());
        }
        Http.json(ctx, 200, o);
    }

    private void symbols(Context ctx) {
        String nodeId = nodeId(ctx);
        int offset = offset(ctx);
        int limit = limit(ctx);
        boolean byName = "name".equals(sort(ctx));
        String q = ctx.queryParam("q");
        KnowledgeCatalog.Node node = catalog.node(ProcessorId.of(nodeId, services.config().serviceName()));
        List<KnowledgeCatalog.SymbolSummary> all = node == null ? List.of() : node.sortedSymbols(byName);
        if (q != null && !q.isEmpty()) {
            List<KnowledgeCatalog.SymbolSummary> matching = new ArrayList<>();
            for (KnowledgeCatalog.SymbolSummary s : all) {
                if (s.name().contains(q)) {
                    matching.add(s);
                }
            }
            all = matching;
        }
        ObjectNode o = page(all.size(), offset, limit);
        o.put("node_id", nodeId);
        ArrayNode arr = o.putArray("symbols");
        for (KnowledgeCatalog.SymbolSummary s : all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()))) {
            ObjectNode e = arr.addObject();
            e.put("name", s.name());
            e.put("frequency", s.frequency());
            e.put("pattern_member_frequency", s.patternMemberFrequency());
        }
        Http.json(ctx, 200, o);
    }

    private void sessions(Context ctx) {
        int offset = offset(ctx);
        int limit = limit(ctx);
        String nodeId = ctx.queryParam("node_id");
        List<Map.Entry<String, SessionDirectory.Entry>> all = new ArrayList<>();
        for (Map.Entry<String, SessionDirectory.Entry> e : directory.liveSessions().entrySet()) {
            if ((nodeId == null || nodeId.equals(e.getValue().nodeId()))
                    && services.security().visible(ctx, e.getValue().nodeId())) {
                all.add(e);
            }
        }
        ObjectNode o = page(all.size(), offset, limit);
        ArrayNode arr = o.putArray("sessions");
        for (Map.Entry<String, SessionDirectory.Entry> e : all.subList(Math.min(offset, all.size()),
                Math.min(offset + limit, all.size()))) {
            ObjectNode s = arr.addObject();
            s.put("session_id", e.getKey());
            s.put("node_id", e.getValue().nodeId());
            time(s, "created_at", e.getValue().createdAtMs());
            time(s, "expires_at", e.getValue().expiresAtMs());
            if (e.getValue().stmLength() >= 0) {
                s.put("stm_length", e.getValue().stmLength());
            } else {
                s.putNull("stm_length");
            }
        }
        Http.json(ctx, 200, o);
    }

    // ---- parameters -----------------------------------------------------------------------------

    private static ObjectNode page(int total, int offset, int limit) {
        ObjectNode o = Http.NODES.objectNode();
        o.put("total", total);
        o.put("offset", offset);
        o.put("limit", limit);
        return o;
    }

    private static void time(ObjectNode o, String field, long ms) {
        if (ms > 0) {
            o.put(field, Http.isoOffset(Instant.ofEpochMilli(ms)));
        } else {
            o.putNull(field);
        }
    }

    private static String nodeId(Context ctx) {
        String v = ctx.queryParam("node_id");
        if (v == null) {
            throw invalid("missing", "node_id", "node_id is required", null);
        }
        return v;
    }

    private static String sort(Context ctx) {
        String v = ctx.queryParam("sort");
        if (v == null || v.equals("frequency") || v.equals("name")) {
            return v == null ? "frequency" : v;
        }
        throw invalid("enum", "sort", "sort must be 'frequency' or 'name'", v);
    }

    private static int offset(Context ctx) {
        return integer(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    }

    private static int limit(Context ctx) {
        return integer(ctx, "limit", 50, 1, MAX_LIMIT);
    }

    private static int integer(Context ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("int_range", name, name + " must be an integer from " + min + " to " + max, v);
    }

    private static RecordValidationException invalid(String type, String name, String msg, String input) {
        return new RecordValidationException(new ValidationError(type, List.of("query", name), msg,
                input == null ? null : Http.NODES.textNode(input)));
    }
}
