package io.katostreams.schemas.security;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where every KATO process (topology, Redis mirror, REST bridge, Connect worker,
 * ops CLI) gets the security properties of its Kafka clients: from {@code KAFKA_*} environment
 * variables, by one rule.
 *
 * <p><b>Rule.</b> {@code KAFKA_SECURITY_PROTOCOL} and every {@code KAFKA_SASL_*} and
 * {@code KAFKA_SSL_*} variable become the client property named by the rest of the variable in
 * lower case with {@code _} → {@code .}: {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol},
 * {@code KAFKA_SASL_MECHANISM} → {@code sasl.mechanism}, {@code KAFKA_SASL_JAAS_CONFIG} →
 * {@code sasl.jaas.config}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION} → {@code ssl.truststore.location}.
 * A variable that names no Kafka client security property (a typo such as
 * {@code KAFKA_SASL_MECHANISMS}) is refused, naming it. Other {@code KAFKA_*} variables
 * ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_HEAP_OPTS}, …) are not client properties and are
 * left alone. Empty values count as unset.
 *
 * <p><b>Shorthand.</b> {@code KAFKA_SASL_USERNAME} and {@code KAFKA_SASL_PASSWORD} (not Kafka
 * properties) build {@code sasl.jaas.config} for the PLAIN and SCRAM mechanisms, with the values
 * quoted correctly; they may not be combined with {@code KAFKA_SASL_JAAS_CONFIG}.
 *
 * <p>Nothing set means PLAINTEXT, exactly as before. The resulting properties go into the
 * top level of every client config (Kafka Streams passes them on to its consumers, producers and
 * admin client; Connect needs them also under {@code producer.}, {@code consumer.} and
 * {@code admin.}, see {@link #withPrefixes}).
 */
public final class KafkaClientEnv {
    private KafkaClientEnv() {
    }

    public static final String USERNAME_VAR = "KAFKA_SASL_USERNAME";
    public static final String PASSWORD_VAR = "KAFKA_SASL_PASSWORD";

    /** The client security properties Kafka knows (SSL and SASL client support plus security.protocol). */
    private static final ConfigDef SECURITY = securityDef();

    private static ConfigDef securityDef() {
        ConfigDef def = new ConfigDef();
        def.define(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, ConfigDef.Type.STRING,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL, ConfigDef.Importance.MEDIUM,
                CommonClientConfigs.SECURITY_PROTOCOL_DOC);
        SslConfigs.addClientSslSupport(def);
        SaslConfigs.addClientSaslSupport(def);
        return def;
    }

    /** One documented variable, for docs/configuration.md. */
    public record Variable(String name, String defaultValue, String validValues, String description) {
    }

    /** The variables to document (the rule covers every other {@code KAFKA_SASL_*}/{@code KAFKA_SSL_*}). */
    public static final List<Variable> DOCUMENTED = List.of(
            new Variable("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "one of `PLAINTEXT`, `SASL_PLAINTEXT`, "
                    + "`SASL_SSL`, `SSL`", "`security.protocol` of every Kafka client of the topology, the Redis "
                    + "mirror, the bridge, the Connect worker and the ops CLI."),
            new Variable("KAFKA_SASL_MECHANISM", null, "e.g. `SCRAM-SHA-256`, `SCRAM-SHA-512`, `PLAIN`",
                    "`sasl.mechanism`; required with a SASL protocol."),
            new Variable("KAFKA_SASL_JAAS_CONFIG", null, "a JAAS line", "`sasl.jaas.config` (a secret; never "
                    + "logged). Or use `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`."),
            new Variable(USERNAME_VAR, null, "text", "With `KAFKA_SASL_PASSWORD`: builds `sasl.jaas.config` "
                    + "for PLAIN or SCRAM (the principal KATO runs as)."),
            new Variable(PASSWORD_VAR, null, "text", "The password of `KAFKA_SASL_USERNAME` (never logged)."),
            new Variable("KAFKA_SSL_*", null, "Kafka's", "Every other `KAFKA_SASL_*` / `KAFKA_SSL_*` variable "
                    + "becomes the client property of the same name in lower case with `_` → `.`, e.g. "
                    + "`KAFKA_SSL_TRUSTSTORE_LOCATION` → `ssl.truststore.location`, `KAFKA_SSL_TRUSTSTORE_PASSWORD`, "
                    + "`KAFKA_SSL_TRUSTSTORE_TYPE`, `KAFKA_SSL_KEYSTORE_LOCATION` (mutual TLS), "
                    + "`KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM`. An unknown name is refused at start-up."));

    /**
     * The Kafka client security properties of {@code env} by the rule above (sorted, so logs and
     * tests are stable); empty when nothing is set.
     *
     * @throws IllegalArgumentException naming the variable and the rule when one is unknown, a
     *     value is invalid, or the SASL settings are incomplete
     */
    public static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> props = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!isSecurityVariable(var) || var.equals(USERNAME_VAR) || var.equals(PASSWORD_VAR)) continue;
            if (e.getValue() == null || e.getValue().isBlank()) continue;
            String name = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (!SECURITY.names().contains(name)) {
                throw new IllegalArgumentException(var + ": no Kafka client security property is named '" + name
                        + "' (rule: KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_* name a client property in "
                        + "upper case with '.' → '_'; see docs/production.md)");
            }
            props.put(name, e.getValue().strip());
        }
        String protocol = props.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        if (protocol != null) {
            String upper = protocol.toUpperCase(Locale.ROOT);
            if (!SecurityProtocol.names().contains(upper)) {
                throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL must be one of " + SecurityProtocol.names()
                        + ", was '" + protocol + "'");
            }
            props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, upper);
        }
        boolean sasl = protocol != null && protocol.toUpperCase(Locale.ROOT).startsWith("SASL_");
        String user = blankToNull(env.get(USERNAME_VAR));
        String password = blankToNull(env.get(PASSWORD_VAR));
        if (user != null || password != null) {
            if (user == null || password == null) {
                throw new IllegalArgumentException(USERNAME_VAR + " and " + PASSWORD_VAR + " go together; only "
                        + (user == null ? PASSWORD_VAR : USERNAME_VAR) + " is set");
            }
            if (props.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
                throw new IllegalArgumentException("KAFKA_SASL_JAAS_CONFIG and " + USERNAME_VAR + "/" + PASSWORD_VAR
                        + " are exclusive: set one or the other");
            }
            if (!sasl) {
                throw new IllegalArgumentException(USERNAME_VAR + " is set but KAFKA_SECURITY_PROTOCOL is "
                        + (protocol == null ? "unset (PLAINTEXT)" : protocol) + "; use SASL_SSL or SASL_PLAINTEXT");
            }
            String mechanism = props.get(SaslConfigs.SASL_MECHANISM);
            String module;
            if ("PLAIN".equals(mechanism)) {
                module = "org.apache.kafka.common.security.plain.PlainLoginModule";
            } else if ("SCRAM-SHA-256".equals(mechanism) || "SCRAM-SHA-512".equals(mechanism)) {
                module = "org.apache.kafka.common.security.scram.ScramLoginModule";
            } else {
                throw new IllegalArgumentException(USERNAME_VAR + "/" + PASSWORD_VAR + " need KAFKA_SASL_MECHANISM "
                        + "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (was " + (mechanism == null ? "unset" : mechanism)
                        + "); for other mechanisms set KAFKA_SASL_JAAS_CONFIG");
            }
            props.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuote(user)
                    + "\" password=\"" + jaasQuote(password) + "\";");
        }
        if (sasl && !props.containsKey(SaslConfigs.SASL_MECHANISM)) {
            throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL is " + protocol + " but KAFKA_SASL_MECHANISM "
                    + "is unset (e.g. SCRAM-SHA-512, PLAIN)");
        }
        if (sasl && !props.containsKey(SaslConfigs.SASL_JAAS_CONFIG)
                && !"GSSAPI".equals(props.get(SaslConfigs.SASL_MECHANISM))) {
            throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL is " + protocol + " but neither "
                    + "KAFKA_SASL_JAAS_CONFIG nor " + USERNAME_VAR + "/" + PASSWORD_VAR + " is set");
        }
        return props;
    }

    private static boolean isSecurityVariable(String var) {
        return var.equals("KAFKA_SECURITY_PROTOCOL") || var.startsWith("KAFKA_SASL_") || var.startsWith("KAFKA_SSL_");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A JAAS option value between double quotes: backslash and quote escaped. */
    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** {@code props} plus each entry again under every prefix (Connect: producer., consumer., admin.). */
    public static Map<String, String> withPrefixes(Map<String, String> props, String... prefixes) {
        Map<String, String> all = new TreeMap<>(props);
        for (String prefix : prefixes) {
            props.forEach((k, v) -> all.put(prefix + k, v));
        }
        return all;
    }

    private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * What the properties say, safe to log: e.g. {@code SASL_SSL/SCRAM-SHA-512 as 'kato'} or
     * {@code PLAINTEXT}. Never contains a password or key.
     */
    public static String describe(Map<String, ?> props) {
        Object protocol = props.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        StringBuilder s = new StringBuilder(protocol == null ? "PLAINTEXT" : protocol.toString());
        Object mechanism = props.get(SaslConfigs.SASL_MECHANISM);
        if (protocol != null && protocol.toString().startsWith("SASL_")) {
            s.append('/').append(mechanism == null ? "GSSAPI" : mechanism);
            Object jaas = props.get(SaslConfigs.SASL_JAAS_CONFIG);
            if (jaas != null) {
                Matcher m = JAAS_USER.matcher(jaas.toString());
                if (m.find()) s.append(" as '").append(m.group(1)).append('\'');
            }
        }
        return s.toString();
    }

    /**
     * {@code props} (any client config) for logging: the value of every property Kafka types as a
     * password (sasl.jaas.config, ssl.*.password, ssl.keystore.key, …) replaced by {@code [hidden]}.
     */
    public static Map<String, Object> redacted(Map<String, ?> props) {
        Map<String, Object> out = new TreeMap<>();
        props.forEach((k, v) -> {
            String base = k.contains(".") && !SECURITY.names().contains(k) ? stripPrefix(k) : k;
            ConfigDef.ConfigKey key = SECURITY.configKeys().get(base);
            boolean secret = (key != null && key.type == ConfigDef.Type.PASSWORD) || base.endsWith("password")
                    || base.endsWith("jaas.config");
            out.put(k, secret ? "[hidden]" : v);
        });
        return out;
    }

    private static String stripPrefix(String key) {
        for (String p : List.of("producer.", "consumer.", "admin.", "main.consumer.", "restore.consumer.",
                "global.consumer.")) {
            if (key.startsWith(p)) return key.substring(p.length());
        }
        return key;
    }

    /** A broker that does not answer: unreachable, or it drops a client without the credentials/TLS it requires. */
    private static BackendAccessException silent(String what, String who, int ms, Throwable cause) {
        return new BackendAccessException(what + " did not answer " + who + " within " + ms + " ms: it is "
                + "unreachable, or it requires credentials or TLS that are not configured (KAFKA_SECURITY_PROTOCOL, "
                + "docs/production.md)", cause);
    }

    /**
     * Connects to Kafka with {@code clientProps} (bootstrap servers plus the security properties)
     * and asks for the cluster id, so that a wrong credential or an unusable TLS set-up stops the
     * process at start-up with one line, instead of a client retrying in the background.
     *
     * @param who the process, for the message ("the topology", "the bridge", …)
     * @throws BackendAccessException when the broker refuses the credentials (or the TLS
     *     handshake fails), or does not answer within {@code timeout}: a broker that requires SASL
     *     or TLS drops a client without them, which looks like silence. The message names the
     *     bootstrap servers and {@link #describe what was tried}, never the secret.
     */
    public static void verify(Map<String, ?> clientProps, String who, Duration timeout) {
        Map<String, Object> config = new TreeMap<>(clientProps);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kato-access-check");
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1000, timeout.toMillis()));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        Object bootstrap = clientProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        String what = "Kafka at " + bootstrap + " (" + describe(clientProps) + ")";
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String line = explain(e.getCause(), who, bootstrap, clientProps);
            if (line == null && e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                // the admin's own timeout (the same length) can fire before get()'s: the same silence
                throw silent(what, who, ms, e.getCause());
            }
            throw new BackendAccessException(line != null ? line
                    : what + " could not be reached by " + who + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw silent(what, who, ms, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendAccessException("interrupted while checking " + what, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            // bad client configuration (e.g. a truststore that cannot be read), raised by Admin.create
            throw new BackendAccessException(what + ": the Kafka client of " + who + " cannot start: "
                    + rootMessage(e), e);
        }
    }

    /**
     * One line for an authentication or authorization failure anywhere in {@code failure}'s cause
     * chain (which backend, whom, what failed — no secret), or null when it is neither.
     */
    public static String explain(Throwable failure, String who, Object bootstrapServers, Map<String, ?> props) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                return "Kafka at " + bootstrapServers + " refused the credentials of " + who + " ("
                        + describe(props) + "): " + t.getMessage();
            }
            if (t instanceof AuthorizationException) {
                return "Kafka at " + bootstrapServers + " denied " + who + " (" + describe(props) + "): "
                        + t.getMessage() + " — grant the ACLs listed in docs/production.md";
            }
            if (t.getCause() == t) break;
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = t; c != null && parts.size() < 4; c = c.getCause()) {
            if (c.getMessage() != null) parts.add(c.getMessage());
        }
        return String.join(": ", parts);
    }

    /** The names of the security properties Kafka knows (for tests and docs). */
    public static Set<String> knownNames() {
        return SECURITY.names();
    }
}
