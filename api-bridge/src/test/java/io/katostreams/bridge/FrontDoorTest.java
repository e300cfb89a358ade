package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of the front door on their own: keys, scopes, JWTs, safe defaults, TLS. */
class FrontDoorTest {

    @TempDir
    Path dir;

    @Test
    void scopesAreExactIdsOrGlobsOfCanonicalNodeIds() {
        Principal.Scopes s = Principal.Scopes.parse(List.of("alice", "team-a-*", "x?"));
        assertTrue(s.allows("alice"));
        assertFalse(s.allows("alice2"));
        assertFalse(s.allows("malice"));
        assertTrue(s.allows("team-a-1"));
        assertTrue(s.allows("team_a_1")); // the same canonical node: the same knowledge, the same scope
        assertFalse(s.allows("team-b-1"));
        assertTrue(s.allows("x1"));
        assertFalse(s.allows("x12"));
        assertFalse(s.allows(null));
        assertTrue(Principal.Scopes.parse(List.of("*")).allows("anything at all"));
        assertThrows(IllegalArgumentException.class, () -> Principal.Scopes.parse(List.of(" ")));
    }

    @Test
    void apiKeysAreHashedValidatedAndReloadedWhenTheFileChanges() throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\":[{\"id\":\"a\",\"role\":\"reader\",\"nodes\":[\"n1\"],\"sha256\":\""
                + ApiKeys.sha256Hex("secret-a") + "\"}]}");
        ApiKeys keys = new ApiKeys(file.toString(), "b:admin:*:" + ApiKeys.sha256Hex("secret-b"));
        assertEquals("a", keys.lookup("secret-a").id());
        assertEquals(Principal.Role.READER, keys.lookup("secret-a").role());
        assertEquals(Principal.Role.ADMIN, keys.lookup("secret-b").role());
        assertNull(keys.lookup("secret-c"));
        assertNull(keys.lookup(""));

        // a new version of the file: the next lookup after the re-check interval sees it
        Files.writeString(file, "{\"keys\":[{\"id\":\"c\",\"role\":\"writer\",\"nodes\":[\"n*\"],\"sha256\":\""
                + ApiKeys.sha256Hex("secret-c") + "\"}]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Await.until(java.time.Duration.ofSeconds(10), "the new key file read", () -> keys.lookup("secret-c") != null);
        assertNull(keys.lookup("secret-a"));
        assertEquals("b", keys.lookup("secret-b").id());
        // a broken new version keeps the keys read before
        Files.writeString(file, "{\"keys\":[{\"id\":\"d\"}]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Await.until(java.time.Duration.ofSeconds(10), "the broken key file refused",
                () -> keys.lookup("secret-c") != null && keys.refusedReloads.get() == 1);
        assertEquals("c", keys.lookup("secret-c").id());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ApiKeys(null, "x:boss:*:" + ApiKeys.sha256Hex("k")));
        assertTrue(bad.getMessage().contains("KATO_API_KEYS entry 1 role"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new ApiKeys(null, "x:reader:*:plain-key"));
        assertTrue(bad.getMessage().contains("64 hex digits") && !bad.getMessage().contains("plain-key"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ApiKeys(null, null));
        Files.writeString(file, "{\"keys\":[{\"id\":\"a\",\"role\":\"reader\",\"nodes\":[],\"sha256\":\"00\"}]}");
        bad = assertThrows(IllegalArgumentException.class, () -> new ApiKeys(file.toString(), null));
        assertTrue(bad.getMessage().contains("keys[0].nodes"), bad.getMessage());
    }

    @Test
    void aNetworkAddressWithoutAuthenticationRefusesToStart() {
        Map<String, String> env = new HashMap<>(Map.of("KATO_HOST", "0.0.0.0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("KATO_AUTH_NONE_ON_NETWORK"), e.getMessage());
        env.put("KATO_AUTH_NONE_ON_NETWORK", "true");
        assertEquals("0.0.0.0", BridgeConfig.fromEnvironment(env).host());
        env.remove("KATO_AUTH_NONE_ON_NETWORK");
        env.put("KATO_AUTH", "api_key");
        assertEquals("api_key", BridgeConfig.fromEnvironment(env).security().auth());
        // the defaults: loopback, no authentication, no rate limits, audit on
        BridgeConfig d = BridgeConfig.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", d.host());
        assertFalse(d.security().rateLimit());
        assertTrue(d.security().audit());
        assertTrue(BridgeConfig.fromEnvironment(Map.of("KATO_AUTH", "jwt")).security().rateLimit());
        assertThrows(IllegalArgumentException.class, () -> BridgeConfig.fromEnvironment(Map.of("KATO_AUTH", "oauth2")));
        assertTrue(SecurityConfig.isLoopback("localhost"));
        assertTrue(SecurityConfig.isLoopback("127.0.0.2"));
        assertFalse(SecurityConfig.isLoopback("0.0.0.0"));
    }

    private static SecurityConfig jwtConfig(String secretFile, String jwksFile) {
        Map<String, String> env = new HashMap<>(Map.of("KATO_AUTH", "jwt", "KATO_JWT_ISSUER", "https://issuer.example",
                "KATO_JWT_AUDIENCE", "kato"));
        if (secretFile != null) env.put("KATO_JWT_SECRET_FILE", secretFile);
        if (jwksFile != null) env.put("KATO_JWT_JWKS_FILE", jwksFile);
        return BridgeConfig.fromEnvironment(env).security();
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("svc-1").issuer("https://issuer.example").audience("kato")
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).claim("kato_role", "writer")
                .claim("kato_nodes", List.of("team-a-*"));
    }

    @Test
    void jwtsAreVerifiedWithHs256() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef-hs256".getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("secret");
        Files.write(file, secret);
        JwtAuth jwt = new JwtAuth(jwtConfig(file.toString(), null));
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        t.sign(new MACSigner(secret));
        Principal p = jwt.verify(t.serialize());
        assertEquals("jwt:svc-1", p.id());
        assertEquals(Principal.Role.WRITER, p.role());
        assertTrue(p.nodes().allows("team-a-7"));
        assertFalse(p.nodes().allows("team-b-7"));

        SignedJWT expired = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                claims().expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
        expired.sign(new MACSigner(secret));
        assertNull(jwt.verify(expired.serialize()));
        SignedJWT otherIssuer = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().issuer("evil").build());
        otherIssuer.sign(new MACSigner(secret));
        assertNull(jwt.verify(otherIssuer.serialize()));
        SignedJWT wrongKey = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        wrongKey.sign(new MACSigner("another-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)));
        assertNull(jwt.verify(wrongKey.serialize()));
        SignedJWT noRole = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("x")
                .issuer("https://issuer.example").audience("kato").expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .claim("kato_nodes", List.of("*")).build());
        noRole.sign(new MACSigner(secret));
        assertNull(jwt.verify(noRole.serialize()));
        assertNull(jwt.verify("not.a.jwt"));

        Files.writeString(file, "short");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JwtAuth(jwtConfig(file.toString(), null)));
        assertTrue(e.getMessage().contains("at least 32 bytes"), e.getMessage());
    }

    @Test
    void jwtsAreVerifiedWithRs256AndAJwkSet() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        JwtAuth jwt = new JwtAuth(jwtConfig(null, jwks.toString()));
        SignedJWT t = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                claims().claim("kato_role", "admin").claim("kato_nodes", "a,b").build());
        t.sign(new RSASSASigner(key));
        Principal p = jwt.verify(t.serialize());
        assertEquals(Principal.Role.ADMIN, p.role());
        assertTrue(p.nodes().allows("b"));
        assertFalse(p.nodes().allows("c"));
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build());
        forged.sign(new RSASSASigner(stranger));
        assertNull(jwt.verify(forged.serialize()));
    }

    @Test
    void restIsServedOverTlsFromAKeystore() throws Exception {
        Path ks = dir.resolve("bridge.p12");
        String password = "changeit-" + System.nanoTime();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "kato", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", password, "-keypass", password).inheritIO().start();
        assertEquals(0, keytool.waitFor());
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", KatoStack.broker().bootstrapServers(),
                "KATO_TOPIC_PREFIX", "tls.", "KATO_PORT", "0", "KATO_TLS_KEYSTORE", ks.toString(),
                "KATO_TLS_KEYSTORE_PASSWORD", password, "KATO_AUDIT", "false");
        try (KatoBridge bridge = new KatoBridge(BridgeConfig.fromEnvironment(env)).start()) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (FileInputStream in = new FileInputStream(ks.toFile())) {
                trust.load(in, password.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + bridge.port()
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"service_name\""), r.body());
            // plain HTTP on the same port is not served
            HttpClient plain = HttpClient.newHttpClient();
            HttpResponse<String> p = null;
            try {
                p = plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bridge.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException expected) {
                // the TLS connector closes the connection
            }
            assertTrue(p == null || p.statusCode() == 400, p == null ? "" : p.statusCode() + " " + p.body());
        }
        Map<String, String> wrong = Map.of("KAFKA_BOOTSTRAP_SERVERS", KatoStack.broker().bootstrapServers(),
                "KATO_TLS_KEYSTORE", ks.toString(), "KATO_TLS_KEYSTORE_PASSWORD", "wrong");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KatoBridge(BridgeConfig.fromEnvironment(wrong)));
        assertTrue(e.getMessage().contains("KATO_TLS_KEYSTORE") && !e.getMessage().contains("wrong"), e.getMessage());
    }
}
