package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.embedded.RedisServerProcess;
import io.katostreams.schemas.security.BackendAccessException;
import io.katostreams.schemas.security.KafkaClientEnv;
import io.katostreams.topology.KatoStreamsApp;
import io.katostreams.topology.ServiceConfig;
import io.katostreams.topology.redis.SessionRedisLayout;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KATO against secured backends: a broker that requires SASL/SCRAM and enforces ACLs
 * (StandardAuthorizer), and a redis-server with a password and an ACL user. The topology and the
 * bridge run as their own principals with the ACLs docs/production.md lists; wrong or missing
 * credentials stop them at start-up with one line that names the backend and never the secret.
 */
class SecuredBackendsTest {
    private static final String PREFIX = "sec.";
    private static final String APP_ID = "kato-sec";
    private static final String TOPOLOGY_PW = "topology-pw-1";
    private static final String BRIDGE_PW = "bridge-pw-2";
    private static final String MIRROR_PW = "mirror-pw-3";
    /** The Redis ACL of the mirror's user, as documented in docs/production.md. */
    static final String MIRROR_ACL = "resetkeys ~session:* ~kato:mirror:* resetchannels -@all +@connection "
            + "+get +set +del +exists +hset +pexpireat +multi +exec";

    private static EmbeddedKafka kafka;
    private static RedisServerProcess redis;
    private static final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void startBackends() throws Exception {
        kafka = EmbeddedKafka.builder().sasl("SCRAM-SHA-256", "admin", "admin-pw",
                Map.of("kato-topology", TOPOLOGY_PW, "kato-bridge", BRIDGE_PW, "intruder", "intruder-pw")).start();
        // kato-mirror holds exactly the rights docs/production.md lists for the mirror
        redis = new RedisServerProcess().requirePass("default-pw")
                .aclUser("kato-mirror", MIRROR_PW, MIRROR_ACL.split(" ")).start();
        try (Admin admin = kafka.admin()) {
            List<AclBinding> acls = new ArrayList<>();
            // the topology: its topics, its internal topics, groups and transactional ids (all prefixed)
            for (String prefix : List.of(PREFIX, APP_ID)) {
                acls.add(allow("kato-topology", ResourceType.TOPIC, prefix, AclOperation.ALL));
            }
            acls.add(allow("kato-topology", ResourceType.GROUP, APP_ID, AclOperation.ALL));
            acls.add(allow("kato-topology", ResourceType.TRANSACTIONAL_ID, APP_ID, AclOperation.ALL));
            // the bridge: writes commands, reads replies and sessions, describes the topics
            for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
                acls.add(allow("kato-bridge", ResourceType.TOPIC, PREFIX, op));
            }
            admin.createAcls(acls).all().get();
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) running.get(i).close();
        if (redis != null) redis.close();
        if (kafka != null) kafka.close();
    }

    private static AclBinding allow(String user, ResourceType type, String prefix, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    private static Map<String, String> topologyEnv(String user, String password, String redisUrl) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        env.put("KAFKA_SASL_USERNAME", user);
        env.put("KAFKA_SASL_PASSWORD", password);
        env.put("KATO_TOPIC_PREFIX", PREFIX);
        env.put("KATO_APPLICATION_ID", APP_ID);
        env.put("KATO_STATE_DIR", Files.createTempDirectory("kato-sec-state").toString());
        env.put("KATO_PARTITIONS", "2");
        env.put("KATO_COMMIT_INTERVAL_MS", "50");
        if (redisUrl != null) env.put("REDIS_URL", redisUrl);
        return env;
    }

    /** The bridge's credentials as a raw JAAS line: the other form of the rule. */
    private static Map<String, String> bridgeEnv(String password, String redisUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"kato-bridge\" password=\"" + password + "\";");
        env.put("KATO_TOPIC_PREFIX", PREFIX);
        env.put("KATO_HOST", "127.0.0.1");
        env.put("KATO_PORT", "0");
        env.put("KATO_TICK_INTERVAL_MS", "0");
        if (redisUrl != null) env.put("REDIS_URL", redisUrl);
        return env;
    }

    private static KatoStreamsApp topology(Map<String, String> env) {
        return new KatoStreamsApp(ServiceConfig.fromEnvironment(env), env).start();
    }

    @Test
    void topologyMirrorAndBridgeRunAsTheirPrincipalsEndToEnd() throws Exception {
        String mirrorUrl = redis.url("kato-mirror", MIRROR_PW);
        KatoStreamsApp app = topology(topologyEnv("kato-topology", TOPOLOGY_PW, mirrorUrl));
        running.add(app);
        Await.until(Duration.ofSeconds(90), "topology running", () -> app.streams().state() == KafkaStreams.State.RUNNING);

        KatoBridge bridge = new KatoBridge(BridgeConfig.fromEnvironment(bridgeEnv(BRIDGE_PW, redis.url(null, "default-pw"))))
                .start();
        running.add(bridge);
        assertTrue(bridge.awaitReady(Duration.ofSeconds(60)), "bridge ready");
        assertFalse(bridge.config().toString().contains(BRIDGE_PW), bridge.config().toString());
        Api api = new Api(bridge.port());

        String first = api.createSession("secured");
        Api.Res trained = api.post("/sessions/" + first + "/observe-sequence",
                "{\"observations\":[{\"strings\":[\"a\"]},{\"strings\":[\"b\"]},{\"strings\":[\"c\"]}],\"learn_at_end\":true}");
        assertEquals(200, trained.status(), trained.toString());
        String second = api.createSession("secured");
        api.observe(second, "a");
        api.observe(second, "b");
        Api.Res r = api.get("/sessions/" + second + "/predictions");
        assertEquals(200, r.status(), r.toString());
        JsonNode p = r.json();
        assertEquals(Api.JSON.valueToTree(List.of(List.of("c"))), p.get("predictions").get(0).get("future"), p.toString());

        // The mirror (ACL user kato-mirror) copied the session into Redis.
        RedisClient client = RedisClient.create(mirrorUrl);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String key = SessionRedisLayout.keys(second)[0];
            Await.until(Duration.ofSeconds(30), "session " + second + " in Redis", () -> c.sync().exists(key) == 1);
        } finally {
            client.shutdown();
        }
        // /health sees Redis through the password of the default user
        JsonNode health = api.get("/health").json();
        assertTrue(health.toString().contains("\"reachable\":true"), health.toString());
        assertFalse(health.toString().contains("default-pw"), health.toString());
        assertTrue(api.serverErrors.isEmpty(), api.serverErrors.toString());
    }

    @Test
    void wrongKafkaPasswordStopsTheTopologyAtStartWithOneLine() throws Exception {
        BackendAccessException e = assertThrows(BackendAccessException.class,
                () -> topology(topologyEnv("kato-topology", "not-the-password", null)));
        assertTrue(e.getMessage().startsWith("Kafka at " + kafka.bootstrapServers() + " refused the credentials of "
                + "the topology (SASL_PLAINTEXT/SCRAM-SHA-256 as 'kato-topology')"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        System.out.println("wrong Kafka password: " + e.getMessage());
    }

    @Test
    void wrongKafkaPasswordStopsTheBridgeAtStart() {
        BackendAccessException e = assertThrows(BackendAccessException.class,
                () -> new KatoBridge(BridgeConfig.fromEnvironment(bridgeEnv("bad-bridge-pw", null))));
        assertTrue(e.getMessage().contains("refused the credentials of the bridge (SASL_PLAINTEXT/SCRAM-SHA-256 as "
                + "'kato-bridge')"), e.getMessage());
        assertFalse(e.getMessage().contains("bad-bridge-pw"), e.getMessage());
    }

    @Test
    void aPrincipalWithoutAclsIsDeniedAtStart() throws Exception {
        BackendAccessException e = assertThrows(BackendAccessException.class,
                () -> topology(topologyEnv("intruder", "intruder-pw", null)));
        assertTrue(e.getMessage().startsWith("Kafka at " + kafka.bootstrapServers() + " denied the topology"),
                e.getMessage());
        assertTrue(e.getMessage().contains("as 'intruder'"), e.getMessage());
        System.out.println("principal without ACLs: " + e.getMessage());
    }

    @Test
    void unauthenticatedClientsCannotProduce() {
        // A plain client: the SASL listener drops it, so its send never completes.
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            Exception e = assertThrows(Exception.class,
                    () -> p.send(new ProducerRecord<>(PREFIX + "observations", "n", "{}")).get());
            assertTrue(e instanceof org.apache.kafka.common.errors.TimeoutException
                    || e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException, e.toString());
        }
        // A KATO process without credentials says what is probably missing, after a bounded wait.
        BackendAccessException e = assertThrows(BackendAccessException.class, () -> KafkaClientEnv.verify(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), "the test", Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("(PLAINTEXT) did not answer the test within 2000 ms")
                && e.getMessage().contains("KAFKA_SECURITY_PROTOCOL"), e.getMessage());
        System.out.println("no credentials: " + e.getMessage());
    }

    @Test
    void wrongRedisPasswordStopsTheMirrorAndTheBridgeAtStart() throws Exception {
        BackendAccessException mirror = assertThrows(BackendAccessException.class,
                () -> topology(topologyEnv("kato-topology", TOPOLOGY_PW, redis.url("kato-mirror", "wrong-redis-pw"))));
        assertTrue(mirror.getMessage().startsWith("Redis at redis://kato-mirror@127.0.0.1:" + redis.port()
                + " refused the Redis mirror: WRONGPASS"), mirror.getMessage());
        assertFalse(mirror.getMessage().contains("wrong-redis-pw"), mirror.getMessage());
        System.out.println("wrong Redis password (mirror): " + mirror.getMessage());

        BackendAccessException noPassword = assertThrows(BackendAccessException.class,
                () -> topology(topologyEnv("kato-topology", TOPOLOGY_PW, redis.url())));
        assertTrue(noPassword.getMessage().contains("NOAUTH"), noPassword.getMessage());

        BackendAccessException bridge = assertThrows(BackendAccessException.class, () -> new KatoBridge(
                BridgeConfig.fromEnvironment(bridgeEnv(BRIDGE_PW, redis.url(null, "wrong-default-pw")))));
        assertTrue(bridge.getMessage().startsWith("Redis at redis://127.0.0.1:" + redis.port() + " refused the bridge"),
                bridge.getMessage());
        assertFalse(bridge.getMessage().contains("wrong-default-pw"), bridge.getMessage());
        System.out.println("wrong Redis password (bridge): " + bridge.getMessage() + "; none: " + noPassword.getMessage());
    }
}
