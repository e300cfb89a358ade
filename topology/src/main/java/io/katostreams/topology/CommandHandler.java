package io.katostreams.topology;

import io.katostreams.engine.InvalidInputException;
import io.katostreams.engine.Learner;
import io.katostreams.engine.Observation;
import io.katostreams.engine.ObservationProcessor;
import io.katostreams.engine.ObservationSequenceException;
import io.katostreams.engine.PatternName;
import io.katostreams.engine.PredictionResult;
import io.katostreams.engine.Predictor;
import io.katostreams.schemas.ProcessorId;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;
import io.katostreams.engine.ValidationError;
import io.katostreams.engine.VectorDimensionException;
import io.katostreams.schemas.avro.ClearAll;
import io.katostreams.schemas.avro.ClearStm;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeleteSession;
import io.katostreams.schemas.avro.ExtendSession;
import io.katostreams.schemas.avro.ForgetNode;
import io.katostreams.schemas.avro.GetCognitionData;
import io.katostreams.schemas.avro.GetPattern;
import io.katostreams.schemas.avro.GetPerceptData;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.GetSession;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.ImportNode;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionExists;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.avro.UpdateConfig;
import io.katostreams.schemas.json.KatoJson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The topology's logic: applies one command or observation to the session and knowledge stores of
 * the task that owns its node, and says which records to publish. No Kafka types, no clock, no
 * randomness: every time is the input record's timestamp and every generated id is derived from the
 * record's identity, so a replayed record produces byte-identical outputs (design principle 2).
 */
public final class CommandHandler {

    private final ServiceConfig config;
    private final RecordStore<SessionState> sessions;
    private final RecordStore<KnowledgeRecord> knowledge;
    private final ObservationProcessor processor;
    /** Loaded knowledge per processor_id (the store is the truth; this is its in-memory index). */
    private final Map<String, StoreBackedKnowledgeBase> nodes = new HashMap<>();
    /**
     * The node-level debugging snapshots of spec 01 §5.2–5.3, per processor_id; not persisted. Built
     * only when asked for: every observation replaces them.
     */
    private final Map<String, Supplier<Map<String, Object>>> percepts = new HashMap<>();
    private final Map<String, Supplier<Map<String, Object>>> cognitions = new HashMap<>();
    /**
     * The sessions as last written to the store, decoded (the store stays the truth; this saves
     * decoding a session on every command). Every write to the sessions store goes through this
     * class and updates it; a handler is created with its processor, so the cache starts empty
     * whenever the task (re)initialises. Bounded, least recently used first out.
     */
    private final Map<String, Session> decoded = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > DECODED_SESSIONS;
        }
    };
    private static final int DECODED_SESSIONS = 10_000;
    /** See {@link #expiries()}; null until first needed. */
    private NavigableMap<Long, Set<String>> expiryIndex;
    private Map<String, Long> expiryOf;
    /** Why knowledge growth is refused (the disk guard, an input of the topology), or null. */
    private String growthRefusal;

    public CommandHandler(ServiceConfig config, RecordStore<SessionState> sessions, RecordStore<KnowledgeRecord> knowledge) {
        this.config = config;
        this.sessions = sessions;
        this.knowledge = knowledge;
        this.processor = new ObservationProcessor(new Predictor(config.rankKey()), config.sessionDefaults());
    }

    /**
     * Sets (non-null) or lifts (null) the refusal of knowledge growth: while set, observe,
     * observe-sequence, learn and import are answered 507 and {@link #handleObservation} rejects.
     * The caller derives it from its input records only (see DiskGuardHeader), never from the disk.
     */
    public void refuseGrowth(String reason) {
        this.growthRefusal = reason;
    }

    // ---- commands -------------------------------------------------------------------------------

    /**
     * Handles one command.
     *
     * @param timestamp the record timestamp: the time of every change it causes
     * @return the records to publish, in order
     */
    public List<Output> handle(Command c, long timestamp) {
        List<Output> out = new ArrayList<>();
        Object op = c.getOp();
        Reply reply;
        try {
            reply = dispatch(c, op, timestamp, out);
        } catch (StoreBackedKnowledgeBase.KnowledgeTooLarge e) {
            // thrown before the learn changed anything; the session is not saved either
            out.clear();
            reply = reply(c, 413, detail(e.getMessage()), null);
        } catch (RuntimeException e) {
            // A bug, never bad input (that is answered with 4xx above): answer like the reference's E4.
            reply = reply(c, 500, "Internal Server Error", null);
        }
        lastStatus = reply == null ? null : reply.getStatus();
        if (reply != null && c.getReplyTo() != null) out.add(new Output(Output.Kind.REPLY, c.getReplyTo(), reply));
        return out;
    }

    private Integer lastStatus;

    /** The status of the answer to the last command {@link #handle}d (also when it had no reply_to); null: none. */
    Integer lastStatus() {
        return lastStatus;
    }

    /**
     * The answer to a request whose reply encodes to {@code bytes}, more than a record may hold: a
     * reply too large to write must not stall the task (the producer would fail it, and the same
     * command would fail again after every restart), so the request is answered 413 instead. The
     * state changes the request made stand, as they would with the full reply.
     */
    public static Reply tooLarge(Reply original, int bytes, int maxRecordBytes) {
        return Reply.newBuilder(original).setStatus(413).setBodyJson(detail("the response (" + bytes + " bytes) exceeds "
                + "KATO_MAX_RECORD_BYTES (" + maxRecordBytes + " bytes); ask for less (max_predictions) "
                + "or learn / clear the STM")).build();
    }

    /**
     * Null when the session may take {@code inputBytes} more; otherwise why not. The session record
     * must stay writable (KATO_MAX_RECORD_BYTES), so growth is refused before anything changes.
     */
    private String growthRefused(Session s, long inputBytes) {
        int stored = sessions.storedSize(s.sessionId());
        long limit = config.maxRecordBytes() - 64L * 1024;
        if (stored < 0 || stored + 2 * inputBytes <= limit) return null;
        return "session " + s.sessionId() + " would exceed KATO_MAX_RECORD_BYTES (" + config.maxRecordBytes()
                + " bytes; it holds " + stored + " bytes and the observation adds up to " + 2 * inputBytes
                + "): learn or clear its STM first";
    }

    /** Null when the observation's symbol count is within KATO_MAX_EVENT_SYMBOLS; otherwise why not. */
    private String tooManySymbols(io.katostreams.schemas.avro.Observation o, String where) {
        long symbols = (long) o.getStrings().size() + (o.getVectors().isEmpty() ? 0 : 1);
        int max = config.storage().maxEventSymbols();
        if (symbols <= max) return null;
        return "the observation has " + symbols + " symbols" + where + ", over KATO_MAX_EVENT_SYMBOLS (" + max
                + "): send fewer strings per event";
    }

    /**
     * An upper estimate of what an observation adds to a session record. {@link #growthRefused}
     * doubles it: a string learned later is also the key and the name of its symbol record.
     */
    static long inputBytes(io.katostreams.schemas.avro.Observation o) {
        long n = 64 + 4L * o.getMetadataJson().length();
        for (String x : o.getStrings()) n += 16 + utf8Length(x);
        for (List<Double> v : o.getVectors()) n += 8 + 16L * v.size();
        for (Map.Entry<String, Double> e : o.getEmotives().entrySet()) n += 16 + 4L * e.getKey().length();
        return n;
    }

    /** The length of {@code s} in UTF-8 (a lone surrogate counts 3 bytes, as Avro writes it). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) n++;
            else if (ch < 0x800) n += 2;
            else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    private Reply dispatch(Command c, Object op, long ts, List<Output> out) {
        if (op instanceof CreateSession cs) return createSession(c, cs, ts, out);
        if (op instanceof GetPattern gp) return getPattern(c, gp);
        if (op instanceof GetPerceptData) return nodeSnapshot(c, "percept_data", percepts);
        if (op instanceof GetCognitionData) return nodeSnapshot(c, "cognition_data", cognitions);
        if (op instanceof ForgetNode) return forgetNode(c, ts);
        if (op instanceof CountSessions) return countSessions(c, ts);
        if (op instanceof ImportNode in) {
            if (growthRefusal != null) return reply(c, 507, detail(growthRefusal), null);
            return importNode(c, in, ts);
        }
        if (op instanceof SessionExists) return sessionExists(c, ts);

        String sessionId = c.getSessionId();
        Session s = sessionId == null ? null : sessionFor(sessionId, ts);
        if (s != null && !ProcessorId.sanitizeNode(s.nodeId()).equals(ProcessorId.sanitizeNode(c.getNodeId()))) {
            // another node's session (this task owns both nodes): for this node it does not exist,
            // exactly as when the other node's session is held by another task
            s = null;
        }
        if (s == null) {
            if (op instanceof GetSession) return reply(c, 404, detail("Session " + sessionId + " not found or expired"), null);
            return reply(c, 404, sessionNotFound(sessionId), null);
        }
        s.access(ts, config.sessionAutoExtend());
        if (growthRefusal != null && (op instanceof Observe || op instanceof ObserveSequence || op instanceof Learn)) {
            save(s); // the access still slid the expiry
            return reply(c, 507, detail(growthRefusal), s);
        }

        if (op instanceof GetSession) return saveAndReply(c, s, sessionResponse(s, ts, true));
        if (op instanceof DeleteSession) {
            remove(s.sessionId());
            Reply deleted = reply(c, 200, json("status", "deleted", "session_id", s.sessionId()), s);
            deleted.setSessionExpiresAt(null); // gone: nothing for the bridge to keep
            return deleted;
        }
        if (op instanceof ExtendSession ex) {
            s.extend(ts, ex.getTtlSeconds());
            return saveAndReply(c, s, json("status", "extended", "session_id", s.sessionId(),
                    "ttl_seconds", ex.getTtlSeconds()));
        }
        if (op instanceof UpdateConfig uc) return updateConfig(c, s, uc, ts);
        if (op instanceof Observe o) return observe(c, s, o, ts, out);
        if (op instanceof ObserveSequence seq) return observeSequence(c, s, seq, ts, out);
        if (op instanceof GetStm) {
            save(s);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stm", s.stm().events());
            body.put("session_id", s.sessionId());
            body.put("length", s.stm().size());
            return reply(c, 200, PlainJson.write(body), s);
        }
        if (op instanceof Learn) return learn(c, s, ts);
        if (op instanceof ClearStm) {
            s.clearStm();
            resetSnapshots(pid(s.nodeId()));
            return saveAndReply(c, s, json("status", "cleared", "session_id", s.sessionId()));
        }
        if (op instanceof ClearAll) {
            node(s.nodeId()).clear(ts);
            s.clearAll();
            resetSnapshots(pid(s.nodeId()));
            return saveAndReply(c, s, json("status", "cleared", "session_id", s.sessionId(), "scope", "all"));
        }
        if (op instanceof GetPredictions) {
            save(s);
            PredictionResult r = processor.predict(s, node(s.nodeId()));
            return reply(c, 200, KatoJson.predictionsResponse(s.sessionId(), PredictionCodec.predictions(r),
                    PredictionCodec.futures(r)), s);
        }
        return reply(c, 400, detail("Unsupported operation " + op.getClass().getSimpleName()), s);
    }

    private Reply createSession(Command c, CreateSession cs, long ts, List<Output> out) {
        Session existing = sessionFor(cs.getSessionId(), ts);
        if (existing != null && !ProcessorId.sanitizeNode(existing.nodeId()).equals(ProcessorId.sanitizeNode(cs.getNodeId()))) {
            return reply(c, 409, detail(ownedBy(cs.getSessionId(), existing.nodeId(), cs.getNodeId())), null);
        }
        if (existing != null) {
            // the same create delivered again: answer with the session as it is
            return reply(c, 200, sessionResponse(existing, ts, false), existing);
        }
        long ttl = cs.getTtlSeconds() == null || cs.getTtlSeconds() == 0 ? config.sessionTtlSeconds() : cs.getTtlSeconds();
        Map<String, Object> requested = cs.getConfigJson() == null ? null : PlainJson.parseObject(cs.getConfigJson());
        Session s = Session.create(cs.getSessionId(), cs.getNodeId(), PlainJson.parseObject(cs.getMetadataJson()), ttl,
                SessionConfig.forCreation(requested), ts);
        saveNew(s, out);
        return reply(c, 200, sessionResponse(s, ts, false), s);
    }

    private Reply sessionExists(Command c, long ts) {
        String id = c.getSessionId();
        Session s = load(id);
        boolean expired = false;
        if (s != null && s.isExpired(ts)) {
            remove(id);
            expired = true;
            s = null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("exists", s != null);
        body.put("expired", expired);
        body.put("session_id", id);
        return reply(c, 200, PlainJson.write(body), s);
    }

    private Reply updateConfig(Command c, Session s, UpdateConfig uc, long ts) {
        Map<String, Object> update = PlainJson.parseObject(uc.getConfigJson());
        try {
            s.setConfig(s.config().update(update, List.of("body")), ts);
        } catch (InvalidInputException e) {
            save(s); // the access still slid the expiry
            return reply(c, 422, validationBody(e.errors()), s);
        }
        return saveAndReply(c, s, json("status", "okay", "message", "Configuration updated",
                "session_id", s.sessionId()));
    }

    private Reply observe(Command c, Session s, Observe o, long ts, List<Output> out) {
        String tooWide = tooManySymbols(o.getObservation(), "");
        if (tooWide != null) {
            save(s);
            return reply(c, 413, detail(tooWide), s);
        }
        String refused = growthRefused(s, inputBytes(o.getObservation()));
        if (refused != null) {
            save(s);
            return reply(c, 413, detail(refused), s);
        }
        String uniqueId = "obs-" + hex32(c.getCorrelationId());
        StoreBackedKnowledgeBase kb = node(s.nodeId());
        ObservationProcessor.ObserveOutcome result;
        try {
            result = processor.observe(s, toObservation(o.getObservation()), uniqueId, kb, ts);
        } catch (VectorDimensionException e) {
            save(s);
            return reply(c, 400, detail(e.getMessage()), s);
        }
        Session after = result.session();
        afterStep(after, o.getObservation(), result.step(), ts, out, config.storage().publishRestPredictions());
        save(after);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "okay");
        body.put("session_id", after.sessionId());
        body.put("processor_id", after.nodeId());
        body.put("stm_length", after.stm().size());
        body.put("time", after.time());
        body.put("unique_id", uniqueId);
        body.put("auto_learned_pattern", result.step().autoLearnedPattern());
        return reply(c, 200, PlainJson.write(body), after);
    }

    private Reply observeSequence(Command c, Session s, ObserveSequence seq, long ts, List<Output> out) {
        long adds = 0;
        for (int i = 0; i < seq.getObservations().size(); i++) {
            String tooWide = tooManySymbols(seq.getObservations().get(i), " (observation_index " + i + ")");
            if (tooWide != null) {
                save(s);
                return reply(c, 413, detail(tooWide), s);
            }
        }
        for (io.katostreams.schemas.avro.Observation o : seq.getObservations()) adds += inputBytes(o);
        String refused = growthRefused(s, adds);
        if (refused != null) {
            save(s);
            return reply(c, 413, detail(refused), s);
        }
        StoreBackedKnowledgeBase kb = node(s.nodeId());
        List<Observation> items = new ArrayList<>(seq.getObservations().size());
        for (io.katostreams.schemas.avro.Observation o : seq.getObservations()) items.add(toObservation(o));
        String seed = c.getCorrelationId();
        ObservationProcessor.SequenceOutcome r;
        try {
            r = processor.observeSequence(s, items, seq.getLearnAfterEach(), seq.getLearnAtEnd(),
                    seq.getClearStmBetween(), i -> "seq-obs-" + hex32(seed + ":" + i), kb, ts);
        } catch (ObservationSequenceException e) {
            save(s); // the session as before the request; earlier learns stay (already written)
            if (e.getCause() instanceof VectorDimensionException v) {
                return reply(c, 400, detail(v.getMessage() + " (observation_index " + e.observationIndex() + ")"), s);
            }
            throw e;
        }
        Session after = r.session();
        for (int i = 0; i < r.steps().size(); i++) {
            afterStep(after, seq.getObservations().get(i), r.steps().get(i), ts, out, config.storage().publishRestPredictions());
        }
        if (!items.isEmpty()) save(after);
        else save(s);
        List<Map<String, Object>> results = new ArrayList<>();
        for (ObservationProcessor.ItemResult ir : r.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "okay");
            m.put("sequence_position", ir.position());
            m.put("stm_length", ir.stmLength());
            m.put("time", ir.time());
            m.put("unique_id", ir.uniqueId());
            m.put("auto_learned_pattern", ir.autoLearnedPattern());
            results.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "completed");
        body.put("processor_id", after.nodeId());
        body.put("observations_processed", items.size());
        body.put("initial_stm_length", r.initialStmLength());
        body.put("final_stm_length", r.finalStmLength());
        body.put("results", results);
        body.put("auto_learned_patterns", r.learnedPatterns());
        body.put("final_learned_pattern", r.finalLearnedPattern());
        body.put("isolated", seq.getClearStmBetween());
        return reply(c, 200, PlainJson.write(body), after);
    }

    private Reply learn(Command c, Session s, long ts) {
        if (s.stm().isEmpty()) {
            save(s);
            return reply(c, 400, detail("Cannot learn from empty STM"), s);
        }
        Learner.Outcome result = processor.learn(s, node(s.nodeId()), ts);
        resetCognitionPredictions(pid(s.nodeId()));
        save(s);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "learned");
        body.put("pattern_name", result.patternName());
        body.put("session_id", s.sessionId());
        body.put("processor_id", null);
        body.put("message", "Learned pattern " + result.patternName() + " from " + s.stm().size() + " events");
        return reply(c, 200, PlainJson.write(body), s);
    }

    private Reply getPattern(Command c, GetPattern gp) {
        String pid = pid(c.getNodeId());
        StoreBackedKnowledgeBase kb = node(c.getNodeId());
        String asked = gp.getPatternId();
        Map<String, Object> inner = new LinkedHashMap<>();
        kb.pattern(PatternName.stripPrefix(asked)).ifPresentOrElse(p -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", PatternName.withPrefix(p.name()));
            doc.put("pattern_data", p.events());
            doc.put("length", p.length());
            doc.put("frequency", p.frequency());
            doc.put("emotives", p.emotives() == null ? Map.of() : p.emotives());
            doc.put("metadata", p.metadata());
            inner.put("status", "okay");
            inner.put("pattern", doc);
        }, () -> {
            inner.put("status", "error");
            inner.put("message", "Pattern " + asked + " not found");
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pattern", inner);
        body.put("node_id", pid);
        return reply(c, 200, PlainJson.write(body), null);
    }

    private Reply nodeSnapshot(Command c, String field, Map<String, Supplier<Map<String, Object>>> snapshots) {
        String pid = pid(c.getNodeId());
        Supplier<Map<String, Object>> taken = snapshots.get(pid);
        Map<String, Object> snapshot = taken != null ? taken.get() : field.equals("cognition_data") ? emptyCognition() : Map.of();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(field, snapshot);
        body.put("node_id", pid);
        return reply(c, 200, PlainJson.write(body), null);
    }

    private Reply forgetNode(Command c, long ts) {
        node(c.getNodeId()).clear(ts);
        resetSnapshots(pid(c.getNodeId()));
        return reply(c, 200, json("status", "forgotten", "node_id", pid(c.getNodeId())), null);
    }

    /** One chunk of a node import (see {@link NodeExport}); the first chunk of a replace clears the node. */
    private Reply importNode(Command c, ImportNode in, long ts) {
        NodeExport.Chunk chunk;
        try {
            chunk = NodeExport.parseChunk(in.getPayloadJson());
        } catch (RuntimeException e) {
            return reply(c, 422, detail("payload_json: " + e.getMessage()), null);
        }
        StoreBackedKnowledgeBase kb = node(c.getNodeId());
        if (chunk.replace()) {
            kb.clear(ts);
            resetSnapshots(pid(c.getNodeId()));
        }
        try {
            kb.importItems(chunk.patterns(), chunk.symbols(), chunk.totals(), chunk.vectors());
        } catch (IllegalArgumentException e) {
            return reply(c, 409, detail(e.getMessage()), null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "imported");
        body.put("node_id", pid(c.getNodeId()));
        body.put("patterns", chunk.patterns().size());
        body.put("symbols", chunk.symbols().size());
        body.put("vectors", chunk.vectors().size());
        body.put("total_patterns", kb.index().patternCount());
        return reply(c, 200, PlainJson.write(body), null);
    }

    private Reply countSessions(Command c, long ts) {
        int n = 0;
        for (Set<String> ids : expiries().tailMap(ts, true).values()) n += ids.size();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active_session_count", n);
        return reply(c, 200, PlainJson.write(body), null);
    }

    // ---- observations published straight to kato.observations ---------------------------------

    /**
     * An observation from an external producer. The session it names is created with the service
     * defaults when unknown (or expired); without a session id the node's default session
     * {@code session-<sha1("default:"+canonical node id)[0..32]>-0} is used.
     *
     * <p>A session id of the form the REST API mints ({@code session-<32 hex>-<digits>}) is never
     * created here, except the node's own default session: such an id that this task does not hold
     * is expired, deleted, or another node's, held by another partition's task, which cannot be
     * asked. Creating it here would make a second session under the same id and let a producer
     * keyed by one node take over a REST client's session of another.
     *
     * @param recordId the record's identity (topic-partition-offset), the seed of generated ids
     * @return the records to publish; the reason string of a rejection is in {@link Rejected}
     */
    public List<Output> handleObservation(ObservationRecord r, long ts, String recordId) {
        List<Output> out = new ArrayList<>();
        String node = ProcessorId.sanitizeNode(r.getNodeId());
        String defaultSession = "session-" + hex32("default:" + node) + "-0";
        String sessionId = r.getSessionId() != null && !r.getSessionId().isEmpty() ? r.getSessionId() : defaultSession;
        Session s = sessionFor(sessionId, ts);
        if (s == null) {
            if (MINTED_SESSION_ID.matcher(sessionId).matches() && !sessionId.equals(defaultSession)) {
                throw new Rejected("session_id: session " + sessionId + " not found for node '" + r.getNodeId() + "' (expired, "
                        + "deleted, or another node's); ids of the REST API's form are not created from observations: "
                        + "create the session with POST /sessions, or name a session id of your own");
            }
            s = Session.create(sessionId, r.getNodeId(), Map.of(), config.sessionTtlSeconds(), SessionConfig.EMPTY, ts);
        } else if (!ProcessorId.sanitizeNode(s.nodeId()).equals(node)) {
            throw new Rejected(ownedBy(sessionId, s.nodeId(), r.getNodeId()));
        }
        s.access(ts, config.sessionAutoExtend());
        io.katostreams.schemas.avro.Observation o = new io.katostreams.schemas.avro.Observation(r.getStrings(),
                r.getVectors(), r.getEmotives(), r.getMetadataJson(), r.getUniqueId());
        if (growthRefusal != null) throw new Rejected(growthRefusal);
        String tooWide = tooManySymbols(o, "");
        if (tooWide != null) throw new Rejected(tooWide);
        String refused = growthRefused(s, inputBytes(o));
        if (refused != null) throw new Rejected(refused);
        String uniqueId = r.getUniqueId() != null && !r.getUniqueId().isEmpty() ? r.getUniqueId() : "obs-" + hex32(recordId);
        ObservationProcessor.ObserveOutcome result;
        try {
            result = processor.observe(s, toObservation(o), uniqueId, node(s.nodeId()), ts);
        } catch (VectorDimensionException e) {
            throw new Rejected("vectors: " + e.getMessage());
        }
        afterStep(result.session(), o, result.step(), ts, out, true); // a Kafka user consumes kato.predictions
        save(result.session());
        return out;
    }

    /** Why a record of {@code asker} naming another node's session is refused: the owner rule. */
    static String ownedBy(String sessionId, String owner, String asker) {
        return "session_id: session " + sessionId + " belongs to node '" + owner + "', not '" + asker + "': a session id "
                + "you choose is claimed by the first node that uses it, and records of any other node naming it are "
                + "refused (docs/topology.md, \"Keys and node ownership\")";
    }

    // ---- session claims (the protocol is NodeProcessor's and ClaimProcessor's) ------------------

    /**
     * True when {@code sessionId} is user-chosen (not of the minted form, which is unique by
     * construction) and this task holds no live session under it: creating one needs the id claimed
     * first. A session found expired is removed now (and its claim released).
     */
    public boolean needsClaim(String sessionId, long ts) {
        if (MINTED_SESSION_ID.matcher(sessionId).matches()) return false;
        Session s = peek(sessionId);
        if (s != null && s.isExpired(ts)) {
            remove(sessionId);
            return true;
        }
        return s == null;
    }

    /** The stored session, not copied: for reading only (checked on every observation naming a session). */
    private Session peek(String sessionId) {
        Session cached = decoded.get(sessionId);
        if (cached != null) return cached;
        SessionState st = sessions.get(sessionId);
        if (st == null) return null;
        Session s = SessionCodec.fromRecord(st);
        decoded.put(sessionId, s);
        return s;
    }

    /** True when this task holds a live session {@code sessionId} of the node with canonical id {@code canonicalNode}. */
    public boolean holds(String sessionId, String canonicalNode, long ts) {
        Session s = sessionFor(sessionId, ts);
        return s != null && ProcessorId.sanitizeNode(s.nodeId()).equals(canonicalNode);
    }

    /** The answer to a command refused before it reached the handler (a claim refused), when it asks for one. */
    public List<Output> refused(Command c, int status, String reason) {
        if (c.getReplyTo() == null) return List.of();
        return List.of(new Output(Output.Kind.REPLY, c.getReplyTo(), reply(c, status, detail(reason), null)));
    }

    /** A user-chosen session id whose session was removed: its claim is to be released. */
    public record Release(String sessionId, String nodeId) {
    }

    private final List<Release> releases = new ArrayList<>();

    /** The releases due since the last call, in the order the sessions were removed. */
    public List<Release> takeReleases() {
        if (releases.isEmpty()) return List.of();
        List<Release> due = List.copyOf(releases);
        releases.clear();
        return due;
    }

    /** Session ids as the REST bridge mints them (spec 02 §3.1), and as default sessions are named. */
    private static final java.util.regex.Pattern MINTED_SESSION_ID = java.util.regex.Pattern.compile("session-[0-9a-f]{32}-[0-9]+");

    /** An input that is valid JSON/Avro but cannot be applied; it goes to the dead-letter topic. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Rejected(String reason) {
            super(reason);
        }
    }

    // ---- expiry ---------------------------------------------------------------------------------

    /** Removes every session whose expiry has passed at stream time {@code now} (spec 02 §3.3). */
    public void expire(long now) {
        List<String> expired = new ArrayList<>();
        for (Set<String> ids : expiries().headMap(now, false).values()) expired.addAll(ids);
        for (String id : expired) remove(id);
    }

    /**
     * The expiry of every stored session, as expires_at → session ids (both ordered): built from the
     * store on first use, then kept in step by {@link #write} and {@link #remove}, so an expiry scan
     * or a session count no longer decodes every stored session.
     */
    private NavigableMap<Long, Set<String>> expiries() {
        if (expiryIndex == null) {
            expiryIndex = new TreeMap<>();
            expiryOf = new HashMap<>();
            sessions.forEachWithPrefix("", (id, st) -> index(id, st.getExpiresAt().toEpochMilli()));
        }
        return expiryIndex;
    }

    private void index(String sessionId, long expiresAt) {
        if (expiryIndex == null) return; // built from the store when first needed
        unindex(sessionId);
        expiryIndex.computeIfAbsent(expiresAt, t -> new TreeSet<>()).add(sessionId);
        expiryOf.put(sessionId, expiresAt);
    }

    private void unindex(String sessionId) {
        if (expiryIndex == null) return;
        Long old = expiryOf.remove(sessionId);
        if (old == null) return;
        Set<String> ids = expiryIndex.get(old);
        ids.remove(sessionId);
        if (ids.isEmpty()) expiryIndex.remove(old);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Publishing and snapshots after one observation step. */
    /**
     * @param publish whether a prediction set goes to kato.predictions: always for observations from
     *                kato.observations, for REST observations only with KATO_PUBLISH_REST_PREDICTIONS
     */
    private void afterStep(Session s, io.katostreams.schemas.avro.Observation raw, ObservationProcessor.Step step,
                           long ts, List<Output> out, boolean publish) {
        String pid = pid(s.nodeId());
        String nodeId = s.nodeId();
        percepts.put(pid, () -> {
            Map<String, Object> percept = new LinkedHashMap<>();
            percept.put("strings", raw.getStrings());
            percept.put("vectors", raw.getVectors());
            percept.put("emotives", raw.getEmotives());
            percept.put("path", List.of("Node-" + nodeId + "-PatternProcessor-unknown-process"));
            percept.put("metadata", PlainJson.parse(raw.getMetadataJson()));
            return percept;
        });

        Map<String, Double> emotives = Learner.averageEmotives(s.emotivesAccumulator());
        List<List<String>> stm = List.copyOf(s.stm().events());
        cognitions.put(pid, () -> {
            Map<String, Object> cognition = emptyCognition();
            cognition.put("predictions", step.predictions() == null ? List.of()
                    : step.predictions().predictions().stream().map(io.katostreams.engine.Prediction::toMap).toList());
            cognition.put("emotives", emotives);
            cognition.put("symbols", step.event() == null ? List.of() : step.event());
            cognition.put("short_term_memory", stm);
            return cognition;
        });

        if (publish && step.predictions() != null) {
            out.add(new Output(Output.Kind.PREDICTIONS, s.nodeId(), PredictionCodec.set(s.nodeId(), s.sessionId(),
                    step.uniqueId(), step.time(), ts, step.predictions(), config.storage().topicMaxPredictions())));
        }
    }

    private static Map<String, Object> emptyCognition() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("predictions", List.of());
        m.put("emotives", Map.of());
        m.put("symbols", List.of());
        m.put("command", "");
        m.put("metadata", Map.of());
        m.put("path", List.of());
        m.put("strings", List.of());
        m.put("vectors", List.of());
        m.put("short_term_memory", List.of());
        return m;
    }

    private void resetSnapshots(String pid) {
        percepts.remove(pid);
        cognitions.remove(pid);
    }

    private void resetCognitionPredictions(String pid) {
        Supplier<Map<String, Object>> c = cognitions.get(pid);
        if (c != null) {
            cognitions.put(pid, () -> {
                Map<String, Object> m = c.get();
                m.put("predictions", List.of());
                return m;
            });
        }
    }

    /** The live session, or null; a session found expired is removed now. */
    private Session sessionFor(String sessionId, long ts) {
        Session s = load(sessionId);
        if (s != null && s.isExpired(ts)) {
            remove(sessionId);
            return null;
        }
        return s;
    }

    /** The stored session, as a copy the caller may change (a change counts once it is saved). */
    private Session load(String sessionId) {
        Session cached = decoded.get(sessionId);
        if (cached != null) return cached.copy();
        SessionState st = sessions.get(sessionId);
        if (st == null) return null;
        Session s = SessionCodec.fromRecord(st);
        decoded.put(sessionId, s);
        return s.copy();
    }

    /*
     * Session states reach kato.sessions from the store: its cache is flushed to the topic on every
     * commit (StoreChangeForwarder), so a session changed many times between two commits is
     * published once. A session created by a command is also published at once (so twice): another
     * bridge instance must be able to route the next request as soon as the creating client has its
     * reply.
     */

    private void remove(String sessionId) {
        if (!MINTED_SESSION_ID.matcher(sessionId).matches()) {
            Session s = load(sessionId);
            if (s != null) releases.add(new Release(sessionId, s.nodeId()));
        }
        decoded.remove(sessionId);
        unindex(sessionId);
        sessions.delete(sessionId);
    }

    /** Writes the session; the caller does not change {@code s} afterwards (it is kept decoded). */
    private void save(Session s) {
        write(s);
    }

    private void saveNew(Session s, List<Output> out) {
        out.add(new Output(Output.Kind.SESSIONS, s.sessionId(), write(s)));
    }

    private SessionState write(Session s) {
        SessionState st = SessionCodec.toRecord(s);
        sessions.put(s.sessionId(), st);
        decoded.put(s.sessionId(), s);
        index(s.sessionId(), s.expiresAt());
        return st;
    }

    private Reply saveAndReply(Command c, Session s, String body) {
        save(s);
        return reply(c, 200, body, s);
    }

    private StoreBackedKnowledgeBase node(String nodeId) {
        return nodes.computeIfAbsent(pid(nodeId), p -> new StoreBackedKnowledgeBase(p, nodeId, knowledge, config.maxRecordBytes(),
                config.storage().maxNewSymbolsPerLearn()));
    }

    private String pid(String nodeId) {
        return ProcessorId.of(nodeId, config.serviceName());
    }

    private String sessionResponse(Session s, long now, boolean remaining) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session_id", s.sessionId());
        body.put("node_id", s.nodeId());
        body.put("created_at", KatoJson.isoZ(Instant.ofEpochMilli(s.createdAt())));
        body.put("expires_at", KatoJson.isoZ(Instant.ofEpochMilli(s.expiresAt())));
        // GET reports whole seconds left; the reference's slide happens a moment before the
        // computation, so a fresh read of a 3600 s session shows 3599 ([QUIRK], spec 01 §3.2).
        body.put("ttl_seconds", remaining ? Math.max(0, (s.expiresAt() - now - 1) / 1000) : s.ttlSeconds());
        body.put("metadata", s.metadata());
        body.put("session_config", s.config().asMap());
        return PlainJson.write(body);
    }

    private static String sessionNotFound(String sessionId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "SESSION_NOT_FOUND");
        error.put("message", "Session " + sessionId + " not found or expired");
        error.put("session_id", sessionId);
        return PlainJson.write(Map.of("error", error));
    }

    static String validationBody(List<ValidationError> errors) {
        List<Map<String, Object>> detail = new ArrayList<>();
        for (ValidationError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.type());
            m.put("loc", e.loc());
            m.put("msg", e.msg());
            m.put("input", e.input());
            detail.add(m);
        }
        return PlainJson.write(Map.of("detail", detail));
    }

    private static String detail(String message) {
        return PlainJson.write(Map.of("detail", message));
    }

    private static String json(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return PlainJson.write(m);
    }

    private static Reply reply(Command c, int status, String body, Session s) {
        return Reply.newBuilder().setCorrelationId(c.getCorrelationId())
                .setReplyTo(c.getReplyTo() == null ? "" : c.getReplyTo())
                .setStatus(status).setBodyJson(body)
                .setSessionId(s == null ? c.getSessionId() : s.sessionId())
                .setNodeId(s == null ? c.getNodeId() : s.nodeId())
                .setSessionExpiresAt(s == null ? null : Instant.ofEpochMilli(s.expiresAt()))
                .build();
    }

    static Observation toObservation(io.katostreams.schemas.avro.Observation o) {
        List<double[]> vectors = new ArrayList<>(o.getVectors().size());
        for (List<Double> v : o.getVectors()) {
            double[] a = new double[v.size()];
            for (int i = 0; i < a.length; i++) a[i] = v.get(i);
            vectors.add(a);
        }
        return new Observation(o.getStrings(), vectors, o.getEmotives(), PlainJson.parseObject(o.getMetadataJson()),
                o.getUniqueId());
    }

    /** 32 lowercase hex digits derived from a seed: deterministic stand-in for random ids. */
    static String hex32(String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder(32);
            for (int i = 0; i < 16; i++) {
                b.append(Character.forDigit((d[i] >> 4) & 0xF, 16)).append(Character.forDigit(d[i] & 0xF, 16));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
