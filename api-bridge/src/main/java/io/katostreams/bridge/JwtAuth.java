package io.katostreams.bridge;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KATO_AUTH=jwt}: bearer tokens verified with nimbus-jose-jwt, HS256 against a shared secret
 * file and/or RS256 against a JWK set file. The signature, {@code exp} (required), {@code nbf} and,
 * when configured, {@code iss} and {@code aud} are checked; {@code sub} is the principal's id, the
 * role and node-scope claims (names configurable) give its role and nodes. Any failure is a 401,
 * whose reason is logged at debug level, never echoed.
 */
final class JwtAuth {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuth.class);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String roleClaim;
    private final String nodesClaim;

    JwtAuth(SecurityConfig c) {
        this.roleClaim = c.jwtRoleClaim();
        this.nodesClaim = c.jwtNodesClaim();
        if (c.jwtSecretFile() == null && c.jwksFile() == null) {
            throw new IllegalArgumentException("KATO_AUTH=jwt needs KATO_JWT_SECRET_FILE (HS256) or KATO_JWT_JWKS_FILE (RS256)");
        }
        if (c.jwtSecretFile() != null && c.jwksFile() != null) {
            throw new IllegalArgumentException("KATO_AUTH=jwt: set KATO_JWT_SECRET_FILE or KATO_JWT_JWKS_FILE, not both");
        }
        try {
            if (c.jwtSecretFile() != null) {
                byte[] secret = Files.readAllBytes(Path.of(c.jwtSecretFile()));
                secret = new String(secret, java.nio.charset.StandardCharsets.UTF_8).strip()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (secret.length < 32) {
                    throw new IllegalArgumentException("KATO_JWT_SECRET_FILE " + c.jwtSecretFile()
                            + ": the HS256 secret must be at least 32 bytes, it has " + secret.length);
                }
                processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(secret)));
            } else {
                JWKSet set = JWKSet.load(new File(c.jwksFile()));
                processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                        new ImmutableJWKSet<>(set)));
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("KATO_AUTH=jwt: cannot read the verification key: " + e.getMessage(), e);
        }
        JWTClaimsSet exact = c.jwtIssuer() == null ? null : new JWTClaimsSet.Builder().issuer(c.jwtIssuer()).build();
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                c.jwtAudience() == null ? null : Set.of(c.jwtAudience()), exact,
                new HashSet<>(List.of("sub", "exp", roleClaim, nodesClaim)), null));
    }

    /** The token's principal, or null when it is not valid. */
    Principal verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            Principal.Role role = Principal.Role.parse(claims.getStringClaim(roleClaim), "claim " + roleClaim);
            Object n = claims.getClaim(nodesClaim);
            List<String> nodes = new ArrayList<>();
            if (n instanceof List<?> list) {
                list.forEach(x -> nodes.add(String.valueOf(x)));
            } else if (n instanceof String s) {
                nodes.addAll(List.of(s.split(",")));
            }
            if (nodes.isEmpty()) {
                return null;
            }
            return new Principal("jwt:" + claims.getSubject(), role, Principal.Scopes.parse(nodes));
        } catch (Exception e) {
            LOG.debug("JWT refused: {}", e.toString());
            return null;
        }
    }
}
