package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.schemas.KatoTopics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What users of KATO do, through HTTP: knowledge outlives sessions, nodes never mix. */
class ScenarioTest {

    static KatoStack stack;
    static Api api;

    @BeforeAll
    static void start() {
        stack = KatoStack.shared();
        api = stack.api;
    }

    @AfterAll
    static void noInternalErrors() {
        assertTrue(api.serverErrors.isEmpty(), "E4 responses: " + api.serverErrors);
    }

    private static JsonNode predictions(String sessionId) {
        Api.Res r = api.get("/sessions/" + sessionId + "/predictions");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** The seeds' scenario: train alice, drop the session, a new session of alice knows the future. */
    @Test
    void knowledgeOutlivesTheSession() {
        String first = api.createSession("alice");
        Api.Res trained = api.post("/sessions/" + first + "/observe-sequence",
                "{\"observations\":[{\"strings\":[\"hello\"]},{\"strings\":[\"world\"]},{\"strings\":[\"kato\"]}],"
                        + "\"learn_at_end\":true}");
        assertEquals(200, trained.status(), trained.toString());
        assertEquals(200, api.delete("/sessions/" + first).status());
        assertEquals(404, api.get("/sessions/" + first + "/stm").status());

        String second = api.createSession("alice");
        assertEquals(List.of(), api.stm(second)); // unlearned STM does not carry over, knowledge does
        api.observe(second, "hello");
        api.observe(second, "world");
        JsonNode p = predictions(second);
        assertEquals(1, p.get("count").asInt(), p.toString());
        assertEquals(Api.JSON.valueToTree(List.of(List.of("kato"))), p.get("predictions").get(0).get("future"));
        assertEquals(Api.JSON.valueToTree(List.of(List.of("kato"))), p.get("future_potentials").get(0).get("future"));
    }

    @Test
    void nodesNeverSeeEachOthersPatterns() {
        String a = api.createSession("iso-a");
        String b = api.createSession("iso-b");
        String a2 = api.createSession("iso-a");
        String body = "{\"observations\":[{\"strings\":[\"p\"]},{\"strings\":[\"q\"]},{\"strings\":[\"r\"]}],\"learn_at_end\":true}";
        String pattern = api.post("/sessions/" + a + "/observe-sequence", body).json().get("final_learned_pattern").asText();

        for (String s : List.of(a, a2, b)) {
            api.observe(s, "p");
            api.observe(s, "q");
        }
        assertEquals(1, predictions(a).get("count").asInt());
        assertEquals(1, predictions(a2).get("count").asInt()); // sessions of one node share its knowledge
        assertEquals(0, predictions(b).get("count").asInt()); // another node does not
        String encoded = pattern.replace("|", "%7C");
        assertEquals("okay", api.get("/pattern/" + encoded + "?node_id=iso-a").json().get("pattern").get("status").asText());
        assertEquals("error", api.get("/pattern/" + encoded + "?node_id=iso-b").json().get("pattern").get("status").asText());
        // STMs are per session, even within a node
        assertEquals(List.of(List.of("p"), List.of("q")), api.stm(a2));

        // b learns [p][q]; clearing a's node removes a's knowledge only
        assertEquals("learned", api.post("/sessions/" + b + "/learn", null).json().get("status").asText());
        assertEquals(200, api.post("/sessions/" + a + "/clear-all", null).status());
        assertEquals("error", api.get("/pattern/" + encoded + "?node_id=iso-a").json().get("pattern").get("status").asText());
        for (String s : List.of(a, b)) {
            api.observe(s, "p");
            api.observe(s, "q");
        }
        assertEquals(0, predictions(a).get("count").asInt());
        assertEquals(1, predictions(b).get("count").asInt()); // b's own pattern [p][q]
    }

    /**
     * With v1 routes on, a node's default session is the one producers of kato.observations feed
     * when they name no session: both paths share it.
     */
    @Test
    void v1DefaultSessionIsSharedWithTopicProducers() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KatoStack.broker().bootstrapServers());
        String topic = stack.topologyEnv.get("KATO_TOPIC_PREFIX") + KatoTopics.OBSERVATIONS.substring("kato.".length());
        try (KatoBridge v1 = stack.startBridge(Map.of("KATO_V1_ROUTES", "true", "KATO_TICK_INTERVAL_MS", "0"));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Api other = new Api(v1.port());
            String node = "producer-node";
            producer.send(new ProducerRecord<>(topic, node.getBytes(StandardCharsets.UTF_8),
                    "{\"node_id\":\"producer-node\",\"strings\":[\"from-topic\"]}".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            JsonNode stm = Await.value(java.time.Duration.ofSeconds(30), "the topic's observation in the default session",
                    () -> other.get("/stm", "x-node-id", node).json(), j -> j.path("length").asInt() >= 1);
            assertEquals(KatoApi.defaultSessionId(node), stm.get("session_id").asText());
            assertEquals(200, other.post("/observe", "{\"strings\":[\"from-rest\"]}", "x-node-id", node).status());
            assertEquals(Api.JSON.valueToTree(List.of(List.of("from-topic"), List.of("from-rest"))),
                    other.get("/stm", "x-node-id", node).json().get("stm"));
        }
    }
}
