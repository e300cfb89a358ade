package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.bridge.Api.Res;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: every mutating request of a scripted session, and every refused one, appears on
 * the audit topic exactly once, with the credential's id and never the credential; reads that
 * succeed are not audited.
 */
class AuditTest {
    static final String WRITER = "au-writer-" + java.util.UUID.randomUUID();
    static final String READER = "au-reader-" + java.util.UUID.randomUUID();
    static final String ADMIN = "au-admin-" + java.util.UUID.randomUUID();

    private static KatoStack stack;

    @BeforeAll
    static void start() {
        Map<String, String> env = new HashMap<>();
        env.put("KATO_TICK_INTERVAL_MS", "0");
        env.put("KATO_AUTH", "api_key");
        env.put("KATO_AUDIT_RETENTION_MS", "1234567890");
        env.put("KATO_API_KEYS", "au-app:writer:au-*:" + ApiKeys.sha256Hex(WRITER) + ";au-dash:reader:au-*:"
                + ApiKeys.sha256Hex(READER) + ";au-ops:admin:*:" + ApiKeys.sha256Hex(ADMIN));
        // the topology reads the same variable: it creates the audit topic too when it is missing
        stack = KatoStack.start("audit", env, Map.of("KATO_AUDIT_RETENTION_MS", "1234567890"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static void read(KafkaConsumer<String, String> consumer, Map<String, List<JsonNode>> seen) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
            try {
                JsonNode j = Api.JSON.readTree(rec.value());
                seen.computeIfAbsent(j.get("trace_id").asText(), k -> new ArrayList<>()).add(j);
            } catch (java.io.IOException e) {
                throw new AssertionError("an audit record that is not JSON: " + rec.value(), e);
            }
        }
    }

    @Test
    void everyMutatingRequestOfAScriptedSessionAppearsExactlyOnce() throws Exception {
        Api api = stack.api;
        Map<String, Integer> expected = new LinkedHashMap<>(); // trace id → status
        List<String> notAudited = new ArrayList<>();
        String created = Http.newTraceId();
        Res c = api.post("/sessions", "{\"node_id\":\"au-1\"}", "X-API-Key", WRITER, "X-Trace-ID", created);
        assertEquals(200, c.status(), c.toString());
        expected.put(created, 200);
        String s = c.json().get("session_id").asText();
        String[][] script = {
                {"POST", "/sessions/" + s + "/observe", "{\"strings\":[\"a\"]}"},
                {"POST", "/sessions/" + s + "/observe", "{\"strings\":[\"b\"]}"},
                {"POST", "/sessions/" + s + "/observe-sequence", "{\"observations\":[{\"strings\":[\"c\"]}]}"},
                {"GET", "/sessions/" + s + "/stm", null},
                {"POST", "/sessions/" + s + "/learn", null},
                {"GET", "/sessions/" + s + "/predictions", null},
                {"POST", "/sessions/" + s + "/config", "{\"config\":{\"max_pattern_length\":5}}"},
                {"POST", "/sessions/" + s + "/extend?ttl_seconds=600", null},
                {"POST", "/sessions/" + s + "/clear-stm", null},
                {"POST", "/sessions/" + s + "/observe", "{\"strings\":[]}"}, // 200: an empty event is accepted and ignored
                {"POST", "/sessions/" + s + "/observe", "[1]"}, // 422: mutating, refused by validation
                {"DELETE", "/sessions/" + s, null},
        };
        for (String[] step : script) {
            String trace = Http.newTraceId();
            Res r = api.send(step[0], step[1], step[2], "X-API-Key", WRITER, "X-Trace-ID", trace);
            assertTrue(r.status() < 500, r.toString());
            if (step[0].equals("GET")) {
                notAudited.add(trace);
            } else {
                expected.put(trace, r.status());
            }
        }
        // refusals: no key, a reader writing, a session of another node (answered as missing)
        String other = api.post("/sessions", "{\"node_id\":\"zz-other\"}", "X-API-Key", ADMIN).json().get("session_id").asText();
        String[][] refused = {
                {"POST", "/sessions/" + other + "/observe", null, "{\"strings\":[\"a\"]}"},
                {"GET", "/status", READER, null},
                {"GET", "/sessions/" + other + "/stm", WRITER, null},
        };
        for (String[] step : refused) {
            String trace = Http.newTraceId();
            List<String> h = new ArrayList<>(List.of("X-Trace-ID", trace));
            if (step[2] != null) {
                h.add("X-API-Key");
                h.add(step[2]);
            }
            Res r = api.send(step[0], step[1], step[3], h.toArray(String[]::new));
            expected.put(trace, r.status());
        }
        assertEquals(List.of(401, 403, 404), new ArrayList<>(expected.values()).subList(expected.size() - 3, expected.size()));
        // a refused WebSocket upgrade is audited too, once
        String wsTrace = Http.newTraceId();
        java.util.concurrent.CompletableFuture<java.net.http.WebSocket> ws = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder().header("X-Trace-ID", wsTrace).header("X-API-Key", READER)
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + stack.bridge.port() + "/ws/events"),
                        new java.net.http.WebSocket.Listener() { });
        java.util.concurrent.ExecutionException refusedWs = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> ws.get(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) refusedWs.getCause()).getResponse().statusCode());
        expected.put(wsTrace, 403);
        // a command published straight to Kafka (no kato-origin header): audited by the topology, with
        // the record's origin as trace id and client (the bridge's own commands carry the header)
        String rawTrace;
        Properties pp = new Properties();
        pp.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> raw = new org.apache.kafka.clients.producer.KafkaProducer<>(
                pp, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            io.katostreams.schemas.avro.Command cmd = io.katostreams.schemas.avro.Command.newBuilder().setCorrelationId("raw-1")
                    .setReplyTo(null).setNodeId("au-raw").setSessionId(null)
                    .setOp(new io.katostreams.schemas.avro.ForgetNode()).build();
            String commandsTopic = stack.topologyEnv.get("KATO_TOPIC_PREFIX") + "commands";
            org.apache.kafka.clients.producer.RecordMetadata md = raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    commandsTopic, "au-raw".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    io.katostreams.schemas.serde.KatoSerdes.commands().encode(cmd))).get();
            rawTrace = "kafka-" + commandsTopic + "-" + md.partition() + "-" + md.offset();
        }
        expected.put(rawTrace, 200);

        Map<String, List<JsonNode>> seen = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-test-" + java.util.UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(stack.bridge.config().auditTopic()));
            Await.until(Duration.ofSeconds(60), "every audit record", () -> {
                read(consumer, seen);
                return seen.keySet().containsAll(expected.keySet());
            });
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // late duplicates would show here
            while (System.nanoTime() < end) {
                read(consumer, seen);
            }
        }
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            List<JsonNode> records = seen.get(e.getKey());
            assertEquals(1, records.size(), "audit records of " + e.getKey() + ": " + records);
            JsonNode r = records.get(0);
            assertEquals(e.getValue().intValue(), r.get("status").asInt(), r.toString());
            for (String f : List.of("time", "key_id", "role", "node_id", "method", "route", "path", "session_id",
                    "status", "trace_id", "client", "outcome")) {
                assertTrue(r.has(f), f + " in " + r);
            }
            assertFalse(r.toString().contains(WRITER) || r.toString().contains(READER) || r.toString().contains(ADMIN),
                    "a credential in the audit record " + r);
        }
        List<JsonNode> byTopology = seen.values().stream().flatMap(List::stream)
                .filter(r -> "kafka".equals(r.get("key_id").asText(null))).toList();
        assertEquals(1, byTopology.size(), "only the raw command is audited by the topology: " + byTopology);
        assertEquals("kafka ForgetNode", byTopology.get(0).get("route").asText());
        assertEquals("au-raw", byTopology.get(0).get("node_id").asText());
        JsonNode first = seen.get(created).get(0);
        assertEquals("au-app", first.get("key_id").asText());
        assertEquals("writer", first.get("role").asText());
        assertEquals("au-1", first.get("node_id").asText());
        assertEquals(s, first.get("session_id").asText());
        assertEquals("POST", first.get("method").asText());
        assertEquals("/sessions", first.get("route").asText());
        assertEquals("127.0.0.1", first.get("client").asText());
        List<String> traces = new ArrayList<>(expected.keySet());
        traces.remove(wsTrace);
        traces.remove(rawTrace);
        JsonNode noKey = seen.get(traces.get(traces.size() - 3)).get(0);
        assertTrue(noKey.get("key_id").isNull(), noKey.toString());
        assertEquals("missing_credential", noKey.get("outcome").asText());
        JsonNode hidden = seen.get(traces.get(traces.size() - 1)).get(0);
        assertEquals("hidden_session", hidden.get("outcome").asText());
        assertEquals("zz-other", hidden.get("node_id").asText()); // the audit knows what the client must not
        for (String t : notAudited) {
            assertFalse(seen.containsKey(t), "a successful read was audited: " + t);
        }
        // the topic: never compacted, retention as configured
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.topologyEnv.get("KAFKA_BOOTSTRAP_SERVERS"));
        try (Admin admin = Admin.create(ap)) {
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, stack.bridge.config().auditTopic());
            Config cfg = admin.describeConfigs(Set.of(res)).all().get().get(res);
            assertEquals("delete", cfg.get("cleanup.policy").value());
            assertEquals("1234567890", cfg.get("retention.ms").value());
        }
    }
}
