package io.katostreams.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The embedded broker with SASL and ACLs, and redis-server with a password and an ACL user. */
class SecuredBackendsTest {

    @Test
    void scramBrokerAuthenticatesAndEnforcesAcls() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .sasl("SCRAM-SHA-256", "admin", "admin-secret", Map.of("alice", "alice-secret")).start()) {
            assertTrue(kafka.secured());
            kafka.createTopic("t", 1, Map.of()); // as the super user

            // alice authenticates but holds no ACL yet: denied.
            try (KafkaProducer<String, String> p = producer(kafka, kafka.clientProperties("alice", "alice-secret"))) {
                ExecutionException denied = assertThrows(ExecutionException.class,
                        () -> p.send(new ProducerRecord<>("t", "k", "v")).get());
                assertInstanceOf(TopicAuthorizationException.class, denied.getCause());
            }

            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(
                        acl(ResourceType.TOPIC, "t", AclOperation.WRITE),
                        acl(ResourceType.TOPIC, "t", AclOperation.READ),
                        acl(ResourceType.GROUP, "g", AclOperation.READ))).all().get();
            }
            try (KafkaProducer<String, String> p = producer(kafka, kafka.clientProperties("alice", "alice-secret"))) {
                p.send(new ProducerRecord<>("t", "k", "from alice")).get();
            }
            try (KafkaConsumer<String, String> c = consumer(kafka, kafka.clientProperties("alice", "alice-secret"))) {
                c.subscribe(List.of("t"));
                List<String> seen = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) seen.add(r.value());
                }
                assertEquals(List.of("from alice"), seen);
            }

            // A wrong password fails at once with an authentication error, not a retry loop.
            try (KafkaProducer<String, String> p = producer(kafka, kafka.clientProperties("alice", "wrong"))) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> p.send(new ProducerRecord<>("t", "k", "v")).get());
                assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
            }

            // No credentials at all: the SASL listener drops the client; nothing is written.
            Map<String, String> none = Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
            try (KafkaProducer<String, String> p = producer(kafka, none)) {
                Exception e = assertThrows(Exception.class, () -> p.send(new ProducerRecord<>("t", "k", "anon")).get());
                assertTrue(e instanceof TimeoutException || e.getCause() instanceof TimeoutException, e.toString());
            }
            try (Admin admin = kafka.admin()) {
                long end = admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition("t", 0),
                        org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                        .get(new org.apache.kafka.common.TopicPartition("t", 0)).offset();
                assertEquals(1, end, "only alice's record is on the topic");
            }
        }
    }

    @Test
    void plainBrokerAcceptsItsListedUsers() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .sasl("PLAIN", "admin", "admin-secret", Map.of("bob", "bob-secret")).start()) {
            kafka.createTopic("t", 1, Map.of());
            try (Admin admin = kafka.admin()) {
                admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "t", PatternType.LITERAL),
                        new AccessControlEntry("User:bob", "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get();
            }
            try (KafkaProducer<String, String> p = producer(kafka, kafka.clientProperties("bob", "bob-secret"))) {
                p.send(new ProducerRecord<>("t", "k", "v")).get();
            }
            try (KafkaProducer<String, String> p = producer(kafka, kafka.clientProperties("bob", "nope"))) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> p.send(new ProducerRecord<>("t", "k", "v")).get());
                assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
            }
        }
    }

    @Test
    void redisWithPasswordAndAclUser() {
        try (RedisServerProcess redis = new RedisServerProcess().requirePass("default-secret")
                .aclUser("kato", "kato-secret").start()) {
            assertEquals("PONG", ping(redis.url(null, "default-secret")));
            assertEquals("PONG", ping(redis.url("kato", "kato-secret")));
            RedisConnectionException wrong = assertThrows(RedisConnectionException.class,
                    () -> ping(redis.url("kato", "wrong")));
            assertTrue(String.valueOf(wrong.getCause()).contains("WRONGPASS"), String.valueOf(wrong.getCause()));
            // Without credentials the connection opens but every command is refused.
            Exception anonymous = assertThrows(Exception.class, () -> ping(redis.url()));
            assertTrue(chain(anonymous).contains("NOAUTH"), chain(anonymous));
            assertFalse(redis.url("kato", "kato-secret").isEmpty());
        }
    }

    private static String ping(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().ping();
        } finally {
            client.shutdown();
        }
    }

    private static AclBinding acl(ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", op, AclPermissionType.ALLOW));
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka, Map<String, String> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, Map<String, String> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static String chain(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) s.append(c).append(" <- ");
        return s.toString();
    }
}
