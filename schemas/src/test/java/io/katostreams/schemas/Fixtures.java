package io.katostreams.schemas;

import io.katostreams.schemas.avro.ClearAll;
import io.katostreams.schemas.avro.ClearStm;
import io.katostreams.schemas.avro.Command;
import io.katostreams.schemas.avro.CountSessions;
import io.katostreams.schemas.avro.CreateSession;
import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.avro.DeleteSession;
import io.katostreams.schemas.avro.ExportNode;
import io.katostreams.schemas.avro.ExtendSession;
import io.katostreams.schemas.avro.ForgetNode;
import io.katostreams.schemas.avro.FuturePotential;
import io.katostreams.schemas.avro.GetCognitionData;
import io.katostreams.schemas.avro.GetPattern;
import io.katostreams.schemas.avro.GetPerceptData;
import io.katostreams.schemas.avro.GetPredictions;
import io.katostreams.schemas.avro.GetSession;
import io.katostreams.schemas.avro.GetStm;
import io.katostreams.schemas.avro.ImportNode;
import io.katostreams.schemas.avro.KnowledgeRecord;
import io.katostreams.schemas.avro.Learn;
import io.katostreams.schemas.avro.NodeCleared;
import io.katostreams.schemas.avro.Observation;
import io.katostreams.schemas.avro.ObservationRecord;
import io.katostreams.schemas.avro.Observe;
import io.katostreams.schemas.avro.ObserveSequence;
import io.katostreams.schemas.avro.PatternDoc;
import io.katostreams.schemas.avro.Prediction;
import io.katostreams.schemas.avro.PredictionSet;
import io.katostreams.schemas.avro.Reply;
import io.katostreams.schemas.avro.SessionConfig;
import io.katostreams.schemas.avro.SessionExists;
import io.katostreams.schemas.avro.SessionState;
import io.katostreams.schemas.avro.SymbolDoc;
import io.katostreams.schemas.avro.TotalsDoc;
import io.katostreams.schemas.avro.UpdateConfig;
import io.katostreams.schemas.avro.VectorDoc;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample records of every type, with non-default values in every field. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2025-01-01T12:00:00.123Z");
    public static final String SESSION = "session-4f9c2d7e8a1b4c3d9e0f1a2b3c4d5e6f-1735732800123";

    private Fixtures() {
    }

    /** Keys deliberately not in hash order, to catch decoders that lose map order. */
    public static Map<String, Double> emotives() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("zeta", 0.5);
        m.put("joy", 0.8);
        m.put("alpha", -1.25);
        m.put("fear", 0.0);
        return m;
    }

    public static Observation observation() {
        return Observation.newBuilder()
                .setStrings(List.of("world", "hello", ""))
                .setVectors(List.of(List.of(1.0, 2.0, 3.0), List.of(-0.0, 1e-7, 1e300)))
                .setEmotives(emotives())
                .setMetadataJson("{\"count\":123,\"price\":45.67,\"flag\":true,\"x\":null}")
                .setUniqueId("obs-0d1f6c3e9b7a4e0f8c2d5a6b7c8d9e0f")
                .build();
    }

    /** One command per operation branch, in union order. */
    public static List<Object> allOps() {
        return List.of(
                CreateSession.newBuilder().setSessionId(SESSION).setNodeId("alice")
                        .setMetadataJson("{\"client\":\"demo\"}").setTtlSeconds(60L)
                        .setConfigJson("{\"max_pattern_length\":3}").build(),
                new GetSession(), new SessionExists(), new DeleteSession(),
                new ExtendSession(7200L),
                new UpdateConfig("{\"recall_threshold\":0.7}"),
                new Observe(observation()),
                ObserveSequence.newBuilder()
                        .setObservations(List.of(observation(), Observation.newBuilder().build()))
                        .setLearnAtEnd(true).setClearStmBetween(true).build(),
                new GetStm(), new Learn(), new ClearStm(), new ClearAll(), new GetPredictions(),
                new GetPattern("PTRN|e9e43f2309079f2843665ab773996d99489306d6"),
                new GetPerceptData(), new GetCognitionData(), new CountSessions(),
                new ForgetNode(), new ExportNode(), new ImportNode("{\"patterns\":[]}"));
    }

    public static Command command(Object op) {
        return Command.newBuilder()
                .setCorrelationId("c-1").setReplyTo("bridge-7").setNodeId("alice")
                .setSessionId(SESSION).setTraceId("kato-abc").setOp(op).build();
    }

    public static ObservationRecord observationRecord() {
        Observation o = observation();
        return ObservationRecord.newBuilder()
                .setNodeId("alice").setSessionId(SESSION)
                .setStrings(o.getStrings()).setVectors(o.getVectors()).setEmotives(o.getEmotives())
                .setMetadataJson(o.getMetadataJson()).setUniqueId("producer-1").build();
    }

    public static Reply reply() {
        return Reply.newBuilder().setCorrelationId("c-1").setReplyTo("bridge-7").setStatus(404)
                .setBodyJson("{\"error\":{\"code\":\"SESSION_NOT_FOUND\",\"message\":\"Session x not found or expired\",\"session_id\":\"x\"}}")
                .setSessionId(null).setNodeId("alice").build();
    }

    /** The prediction of spec 01 §4.7's example. */
    public static Prediction prediction() {
        return Prediction.newBuilder()
                .setType("prototypical").setName("f8903d387eddaf0d6b73c6bc1fd9986dc3ff4d5a").setFrequency(1)
                .setEmotives(new LinkedHashMap<>())
                .setMatches(List.of("x", "y")).setPast(List.of())
                .setPresent(List.of(List.of("x"), List.of("y")))
                .setMissing(List.of(List.of(), List.of())).setExtras(List.of(List.of(), List.of()))
                .setPotential(3.6666666666666665).setEvidence(0.6666666666666666).setSimilarity(0.8)
                .setFragmentation(0.0).setSnr(1.0).setEntropy(0.0).setNormalizedEntropy(0.6309297535714574)
                .setGlobalNormalizedEntropy(0.6666666666666666).setConfluence(0.0).setPredictiveInformation(0.8)
                .setSequence(List.of(List.of("x"), List.of("y"), List.of("z"))).setFuture(List.of(List.of("z")))
                .setConfidence(1.0).setItfdfSimilarity(1.0).setPatternProbability(1.0).setWeightedStrength(0.8)
                .build();
    }

    public static FuturePotential futurePotential() {
        return new FuturePotential(List.of(List.of("z")), 1.0, 1L, 0.8);
    }

    public static PredictionSet predictionSet() {
        Prediction p = prediction();
        p.setEmotives(emotives());
        return PredictionSet.newBuilder().setNodeId("alice").setSessionId(SESSION).setUniqueId("obs-1")
                .setTime(2).setObservedAt(T0).setPredictions(List.of(p, prediction()))
                .setFuturePotentials(List.of(futurePotential())).build();
    }

    public static SessionState sessionState() {
        SessionConfig config = SessionConfig.newBuilder().setMaxPatternLength(3L).setStmMode("ROLLING")
                .setRecallThreshold(0.7).setSortSymbols(false).setMaxPatternsConsidered(1000L)
                .setCandidateFilter("exhaustive").setVersion(2).setUpdatedAt(T0.plusSeconds(5)).build();
        return SessionState.newBuilder().setSessionId(SESSION).setNodeId("alice")
                .setCreatedAt(T0).setLastAccessed(T0.plusSeconds(5)).setExpiresAt(T0.plusSeconds(3605))
                .setTtlSeconds(3600).setStm(List.of(List.of("a", "b"), List.of("c")))
                .setEmotivesAccumulator(List.of(emotives(), Map.of("joy", 0.4)))
                .setMetadataAccumulator(List.of("{\"book\":\"Alice\"}", "{\"page\":2}"))
                .setTime(2).setMetadataJson("{\"client\":\"demo\"}").setAccessCount(4)
                .setSessionConfig(config).build();
    }

    /** One knowledge record per item branch, in union order. */
    public static List<KnowledgeRecord> knowledgeRecords() {
        Map<String, List<String>> metadata = new LinkedHashMap<>();
        metadata.put("page", List.of("2"));
        metadata.put("book", List.of("Alice", "Through the Looking-Glass"));
        List<Object> items = List.of(
                PatternDoc.newBuilder().setName("e9e43f2309079f2843665ab773996d99489306d6")
                        .setPatternData(List.of(List.of("a", "b"), List.of("c"))).setLength(3).setFrequency(2)
                        .setEmotivesJson("[{\"joy\":0.75},{\"joy\":0.25}]").setMetadata(metadata)
                        .setCreatedAt(T0).setUpdatedAt(T0.plusSeconds(1)).build(),
                new SymbolDoc("a", 4L, 3L, Map.of("joy", 1.0)),
                new SymbolDoc("b/with/slashes", 1L, 1L, null),
                new TotalsDoc(3L, 9L, 8L),
                new VectorDoc("VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", List.of(1.0, 2.0, 3.0),
                        List.of("e9e43f2309079f2843665ab773996d99489306d6")),
                new NodeCleared(T0));
        return items.stream().map(i -> new KnowledgeRecord("alice_kato", "alice", i)).toList();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setTopic("kato.observations").setPartition(3).setOffset(42L)
                .setKey(ByteBuffer.wrap("alice".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap("{\"strings\":[1]}".getBytes(StandardCharsets.UTF_8)))
                .setReason("strings[0]: Input should be a valid string").setFailedAt(T0)
                .setErrorClass("io.katostreams.schemas.validation.RecordValidationException").build();
    }
}
