package io.katostreams.topology;

import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;
import io.katostreams.engine.SessionSettings;
import io.katostreams.engine.ShortTermMemory;
import io.katostreams.schemas.avro.SessionState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Session} ↔ the {@link SessionState} record of topic kato.sessions and the session store. */
public final class SessionCodec {
    private SessionCodec() {}

    public static SessionState toRecord(Session s) {
        List<String> metadataAccumulator = new ArrayList<>(s.metadataAccumulator().size());
        for (Map<String, Object> m : s.metadataAccumulator()) metadataAccumulator.add(PlainJson.write(m));
        List<Map<String, Double>> emotives = new ArrayList<>(s.emotivesAccumulator().size());
        for (Map<String, Double> m : s.emotivesAccumulator()) emotives.add(new LinkedHashMap<>(m));
        Map<String, List<Double>> vectors = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : s.pendingVectors().entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue().length);
            for (double d : e.getValue()) v.add(d);
            vectors.put(e.getKey(), v);
        }
        SessionConfig c = s.config();
        io.katostreams.schemas.avro.SessionConfig config = io.katostreams.schemas.avro.SessionConfig.newBuilder()
                .setMaxPatternLength(c.get(SessionSettings.MAX_PATTERN_LENGTH))
                .setPersistence(c.get(SessionSettings.PERSISTENCE))
                .setRecallThreshold(c.get(SessionSettings.RECALL_THRESHOLD))
                .setStmMode(c.get(SessionSettings.STM_MODE))
                .setIndexerType(c.get(SessionSettings.INDEXER_TYPE))
                .setMaxPredictions(c.get(SessionSettings.MAX_PREDICTIONS))
                .setSortSymbols(c.get(SessionSettings.SORT_SYMBOLS))
                .setProcessPredictions(c.get(SessionSettings.PROCESS_PREDICTIONS))
                .setUseTokenMatching(c.get(SessionSettings.USE_TOKEN_MATCHING))
                .setMaxPatternsConsidered(c.get(SessionSettings.MAX_PATTERNS_CONSIDERED))
                .setCandidateFilter(c.get(SessionSettings.CANDIDATE_FILTER))
                .setVersion(s.configVersion())
                .setUpdatedAt(Instant.ofEpochMilli(s.configUpdatedAt()))
                .build();
        return SessionState.newBuilder()
                .setSessionId(s.sessionId())
                .setNodeId(s.nodeId())
                .setCreatedAt(Instant.ofEpochMilli(s.createdAt()))
                .setLastAccessed(Instant.ofEpochMilli(s.lastAccessed()))
                .setExpiresAt(Instant.ofEpochMilli(s.expiresAt()))
                .setTtlSeconds(s.ttlSeconds())
                .setStm(new ArrayList<>(s.stm().events()))
                .setEmotivesAccumulator(emotives)
                .setMetadataAccumulator(metadataAccumulator)
                .setTime(s.time())
                .setMetadataJson(PlainJson.write(s.metadata()))
                .setAccessCount(s.accessCount())
                .setMaxStmSize(ShortTermMemory.MAX_EVENTS)
                .setMaxEmotivesSize(Session.MAX_ACCUMULATOR)
                .setMaxMetadataSize(Session.MAX_ACCUMULATOR)
                .setSessionConfig(config)
                .setPendingVectors(vectors)
                .build();
    }

    public static Session fromRecord(SessionState r) {
        List<Map<String, Object>> metadataAccumulator = new ArrayList<>();
        for (String json : r.getMetadataAccumulator()) metadataAccumulator.add(PlainJson.parseObject(json));
        Map<String, double[]> vectors = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : r.getPendingVectors().entrySet()) {
            double[] v = new double[e.getValue().size()];
            for (int i = 0; i < v.length; i++) v[i] = e.getValue().get(i);
            vectors.put(e.getKey(), v);
        }
        io.katostreams.schemas.avro.SessionConfig c = r.getSessionConfig();
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put(SessionSettings.MAX_PATTERN_LENGTH.name(), c.getMaxPatternLength());
        stored.put(SessionSettings.PERSISTENCE.name(), c.getPersistence());
        stored.put(SessionSettings.RECALL_THRESHOLD.name(), c.getRecallThreshold());
        stored.put(SessionSettings.STM_MODE.name(), c.getStmMode());
        stored.put(SessionSettings.INDEXER_TYPE.name(), c.getIndexerType());
        stored.put(SessionSettings.MAX_PREDICTIONS.name(), c.getMaxPredictions());
        stored.put(SessionSettings.SORT_SYMBOLS.name(), c.getSortSymbols());
        stored.put(SessionSettings.PROCESS_PREDICTIONS.name(), c.getProcessPredictions());
        stored.put(SessionSettings.USE_TOKEN_MATCHING.name(), c.getUseTokenMatching());
        stored.put(SessionSettings.MAX_PATTERNS_CONSIDERED.name(), c.getMaxPatternsConsidered());
        stored.put(SessionSettings.CANDIDATE_FILTER.name(), c.getCandidateFilter());
        return Session.restore(r.getSessionId(), r.getNodeId(), r.getCreatedAt().toEpochMilli(),
                r.getLastAccessed().toEpochMilli(), r.getExpiresAt().toEpochMilli(), r.getTtlSeconds(), r.getStm(),
                r.getEmotivesAccumulator(), metadataAccumulator, r.getTime(), PlainJson.parseObject(r.getMetadataJson()),
                r.getAccessCount(), SessionConfig.ofStored(stored), c.getVersion(), c.getUpdatedAt().toEpochMilli(),
                vectors);
    }
}
