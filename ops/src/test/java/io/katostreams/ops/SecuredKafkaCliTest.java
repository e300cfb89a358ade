package io.katostreams.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.embedded.EmbeddedKafka;
import io.katostreams.schemas.security.BackendAccessException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The ops CLI authenticates to Kafka with the KAFKA_* variables, and stops with one line when refused. */
class SecuredKafkaCliTest {

    @Test
    void cliCommandsUseTheKafkaCredentialsOfTheEnvironment() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .sasl("SCRAM-SHA-512", "admin", "admin-pw", Map.of("operator", "operator-pw", "nobody", "nobody-pw")).start()) {
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("ops.commands", 1, (short) 1),
                        new NewTopic("ops.replies", 1, (short) 1))).all().get();
                admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "ops.", PatternType.PREFIXED),
                        new AccessControlEntry("User:operator", "*", AclOperation.ALL, AclPermissionType.ALLOW)))).all().get();
            }
            Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "KAFKA_SASL_USERNAME", "operator", "KAFKA_SASL_PASSWORD", "operator-pw"));
            Map<String, String> client = KatoCli.kafkaClient(env, "import");
            assertEquals("SASL_PLAINTEXT", client.get("security.protocol"));
            assertEquals(kafka.bootstrapServers(), client.get("bootstrap.servers"));
            // The command client runs as the operator: it may read ops.replies (its constructor
            // looks the partitions up), while an authenticated principal without ACLs may not.
            new KafkaCommands(client, "ops.").close();
            Map<String, String> nobody = new HashMap<>(client);
            nobody.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"nobody\" password=\"nobody-pw\";");
            assertThrows(org.apache.kafka.common.errors.TopicAuthorizationException.class,
                    () -> new KafkaCommands(nobody, "ops."));

            env.put("KAFKA_SASL_PASSWORD", "stale-operator-pw");
            BackendAccessException e = assertThrows(BackendAccessException.class, () -> KatoCli.kafkaClient(env, "forget"));
            assertTrue(e.getMessage().startsWith("Kafka at " + kafka.bootstrapServers() + " refused the credentials of "
                    + "kato forget (SASL_PLAINTEXT/SCRAM-SHA-512 as 'operator')"), e.getMessage());
            assertFalse(e.getMessage().contains("stale-operator-pw"), e.getMessage());
        }
    }
}
