package io.katostreams.schemas.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientEnvTest {

    @Test
    void nothingSetMeansPlaintextAndOtherKafkaVariablesAreIgnored() {
        assertEquals(Map.of(), KafkaClientEnv.properties(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                "KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_OPTS", "-Dx=y", "PATH", "/bin", "KAFKA_SSL_KEYSTORE_TYPE", "")));
        assertEquals("PLAINTEXT", KafkaClientEnv.describe(Map.of()));
    }

    @Test
    void theRuleMapsEverySecurityVariableToItsProperty() {
        Map<String, String> props = KafkaClientEnv.properties(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"kato\" password=\"s3cret\";",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kato/truststore.p12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw",
                "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https"));
        assertEquals("SASL_SSL", props.get("security.protocol"), "normalised to upper case");
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals("/etc/kato/truststore.p12", props.get("ssl.truststore.location"));
        assertEquals("trust-pw", props.get("ssl.truststore.password"));
        assertEquals("https", props.get("ssl.endpoint.identification.algorithm"));
        assertTrue(props.get("sasl.jaas.config").contains("username=\"kato\""));
        assertEquals("SASL_SSL/SCRAM-SHA-512 as 'kato'", KafkaClientEnv.describe(props));
    }

    @Test
    void usernameAndPasswordBuildAQuotedJaasLine() {
        Map<String, String> props = KafkaClientEnv.properties(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_USERNAME", "kato", "KAFKA_SASL_PASSWORD", "pa\"ss\\word"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"kato\" "
                + "password=\"pa\\\"ss\\\\word\";", props.get("sasl.jaas.config"));
        Map<String, String> scram = KafkaClientEnv.properties(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p"));
        assertTrue(scram.get("sasl.jaas.config").startsWith("org.apache.kafka.common.security.scram.ScramLoginModule"));
        assertFalse(scram.containsKey("sasl.username"), "the shorthand is not a Kafka property");
    }

    @Test
    void mistakesAreRefusedNamingTheVariable() {
        assertMessage("KAFKA_SASL_MECHANISMS: no Kafka client security property is named 'sasl.mechanisms'",
                Map.of("KAFKA_SASL_MECHANISMS", "PLAIN"));
        assertMessage("KAFKA_SECURITY_PROTOCOL must be one of", Map.of("KAFKA_SECURITY_PROTOCOL", "TLS"));
        assertMessage("KAFKA_SASL_MECHANISM is unset", Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        assertMessage("neither KAFKA_SASL_JAAS_CONFIG nor KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD is set",
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN"));
        assertMessage("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together; only KAFKA_SASL_USERNAME is set",
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_USERNAME", "u"));
        assertMessage("KAFKA_SASL_USERNAME is set but KAFKA_SECURITY_PROTOCOL is unset",
                Map.of("KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p"));
        assertMessage("are exclusive", Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p", "KAFKA_SASL_JAAS_CONFIG", "x required;"));
        assertMessage("need KAFKA_SASL_MECHANISM PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "OAUTHBEARER",
                "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "the-secret"));
    }

    private static void assertMessage(String expected, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaClientEnv.properties(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("the-secret"), e.getMessage());
    }

    @Test
    void redactedHidesSecretsAlsoUnderClientPrefixes() {
        Map<String, Object> r = KafkaClientEnv.redacted(Map.of("sasl.jaas.config", "x password=\"p\";",
                "consumer.sasl.jaas.config", "y", "ssl.truststore.password", "t", "security.protocol", "SASL_SSL",
                "bootstrap.servers", "k:9092"));
        assertEquals("[hidden]", r.get("sasl.jaas.config"));
        assertEquals("[hidden]", r.get("consumer.sasl.jaas.config"));
        assertEquals("[hidden]", r.get("ssl.truststore.password"));
        assertEquals("SASL_SSL", r.get("security.protocol"));
        assertEquals("k:9092", r.get("bootstrap.servers"));
    }

    @Test
    void withPrefixesRepeatsTheProperties() {
        assertEquals(Map.of("security.protocol", "SSL", "consumer.security.protocol", "SSL",
                        "producer.security.protocol", "SSL"),
                KafkaClientEnv.withPrefixes(Map.of("security.protocol", "SSL"), "consumer.", "producer."));
    }

    @Test
    void urlsLoseTheirPasswords() {
        assertEquals("redis://kato:***@h:6379/0", Redact.url("redis://kato:s3cret@h:6379/0"));
        assertEquals("rediss://:***@h:6380", Redact.url("rediss://:s3cret@h:6380"));
        assertEquals("redis://***@h", Redact.url("redis://s3cret@h"));
        assertEquals("mongodb://kato:***@m1:27017,m2:27017/?replicaSet=rs0&authSource=admin",
                Redact.url("mongodb://kato:p%40ss@m1:27017,m2:27017/?replicaSet=rs0&authSource=admin"));
        assertEquals("redis://h:6379", Redact.url("redis://h:6379"));
        assertEquals(null, Redact.url(null));
    }
}
