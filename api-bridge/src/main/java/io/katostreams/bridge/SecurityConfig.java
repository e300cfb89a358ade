package io.katostreams.bridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

/**
 * The front-door settings of one bridge (see {@link BridgeSettings} and docs/security.md).
 *
 * @param auth        none, api_key or jwt
 * @param rateLimit   resolved: {@code auto} is on exactly when {@code auth} is not none
 */
public record SecurityConfig(String auth, boolean authNoneOnNetwork, String apiKeysFile, String apiKeys,
                             String jwtSecretFile, String jwksFile, String jwtIssuer, String jwtAudience,
                             String jwtRoleClaim, String jwtNodesClaim, String metricsAuth, String tlsKeystore,
                             String tlsKeystorePassword, String tlsKeystoreType, boolean rateLimit, long observeLimit,
                             long predictLimit, long learnLimit, long adminLimit, Duration rateWindow, boolean audit,
                             long auditRetentionMs) {

    /** Reads the settings and checks that they make sense together for a bridge listening on {@code host}. */
    static SecurityConfig fromEnvironment(Map<String, String> env, String host) {
        String auth = BridgeSettings.AUTH.read(env);
        String rate = BridgeSettings.RATE_LIMIT.read(env);
        SecurityConfig c = new SecurityConfig(auth, BridgeSettings.AUTH_NONE_ON_NETWORK.read(env),
                BridgeSettings.API_KEYS_FILE.read(env), BridgeSettings.API_KEYS.read(env),
                BridgeSettings.JWT_SECRET_FILE.read(env), BridgeSettings.JWT_JWKS_FILE.read(env),
                BridgeSettings.JWT_ISSUER.read(env), BridgeSettings.JWT_AUDIENCE.read(env),
                BridgeSettings.JWT_ROLE_CLAIM.read(env), BridgeSettings.JWT_NODES_CLAIM.read(env),
                BridgeSettings.METRICS_AUTH.read(env), BridgeSettings.TLS_KEYSTORE.read(env),
                BridgeSettings.TLS_KEYSTORE_PASSWORD.read(env), BridgeSettings.TLS_KEYSTORE_TYPE.read(env),
                rate.equals("on") || (rate.equals("auto") && !auth.equals("none")),
                BridgeSettings.RATE_LIMIT_OBSERVE.read(env), BridgeSettings.RATE_LIMIT_PREDICT.read(env),
                BridgeSettings.RATE_LIMIT_LEARN.read(env), BridgeSettings.RATE_LIMIT_ADMIN.read(env),
                Duration.ofMillis(BridgeSettings.RATE_LIMIT_WINDOW_MS.read(env)), BridgeSettings.AUDIT.read(env),
                BridgeSettings.AUDIT_RETENTION_MS.read(env));
        if (auth.equals("none") && !c.authNoneOnNetwork() && !isLoopback(host)) {
            throw new IllegalArgumentException("KATO_HOST=" + host + " is not a loopback address and KATO_AUTH=none: "
                    + "anyone who reaches this port could read, change and erase every node's knowledge. Set "
                    + "KATO_AUTH=api_key (or jwt) with keys, bind to 127.0.0.1, or set KATO_AUTH_NONE_ON_NETWORK=true "
                    + "if the network itself is private.");
        }
        if (c.tlsKeystore() != null && c.tlsKeystorePassword() == null) {
            throw new IllegalArgumentException("KATO_TLS_KEYSTORE is set but KATO_TLS_KEYSTORE_PASSWORD is not");
        }
        return c;
    }

    boolean authOn() {
        return !auth.equals("none");
    }

    /** True for 127.0.0.0/8, ::1 and names resolving to them; false for 0.0.0.0 and every other address. */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The rate-limit bucket size of a route class. */
    long limit(RouteTable.RateClass c) {
        return switch (c) {
            case OBSERVE -> observeLimit;
            case PREDICT -> predictLimit;
            case LEARN -> learnLimit;
            case ADMIN -> adminLimit;
            case NONE -> Long.MAX_VALUE;
        };
    }

    @Override
    public String toString() { // never print the keystore password
        return "SecurityConfig[auth=" + auth + ", rateLimit=" + rateLimit + ", audit=" + audit + ", tls="
                + (tlsKeystore != null) + "]";
    }
}
