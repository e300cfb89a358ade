package io.katostreams.bridge;

import java.util.List;

/** Every setting of the REST bridge (environment variables). */
public final class BridgeSettings {
    private BridgeSettings() {
    }

    public static final BridgeSetting<Long> PORT = BridgeSetting.integer("KATO_PORT", 8000, 0, 65535,
            "HTTP port (spec 01 §0.2); 0 picks a free port.");
    public static final BridgeSetting<String> HOST = BridgeSetting.text("KATO_HOST", "127.0.0.1",
            "Address the HTTP server binds to. Loopback by default; a non-loopback address (0.0.0.0, a LAN "
                    + "address) with KATO_AUTH=none refuses to start unless KATO_AUTH_NONE_ON_NETWORK=true.");
    public static final BridgeSetting<String> BOOTSTRAP_SERVERS = BridgeSetting.text("KAFKA_BOOTSTRAP_SERVERS",
            "localhost:9092", "Kafka bootstrap servers.");
    public static final BridgeSetting<String> TOPIC_PREFIX = BridgeSetting.text("KATO_TOPIC_PREFIX", "kato.",
            "Prefix of the topic names; must equal the topology's.");
    public static final BridgeSetting<String> SERVICE_NAME = BridgeSetting.text("SERVICE_NAME", "kato",
            "The service name: part of every processor_id; reported by /health and /status. Must equal the "
                    + "topology's.");
    public static final BridgeSetting<String> BRIDGE_ID = BridgeSetting.text("KATO_BRIDGE_ID", null,
            "Id of this bridge instance: the reply_to of its commands. Default: bridge-<random UUID>. Two "
                    + "running bridges must never share one.");
    public static final BridgeSetting<Long> REPLY_TIMEOUT_MS = BridgeSetting.integer("KATO_REPLY_TIMEOUT_MS",
            10_000, 100, 600_000, "How long a request waits for the topology's reply before it is answered 503.");
    public static final BridgeSetting<Long> MAX_BODY_BYTES = BridgeSetting.integer("KATO_MAX_BODY_BYTES",
            10L * 1024 * 1024, 1024, 1L << 30, "Largest accepted request body; larger bodies are answered 413.");
    public static final BridgeSetting<Long> DIRECTORY_CATCH_UP_MS = BridgeSetting.integer(
            "KATO_DIRECTORY_CATCH_UP_MS", 2_000, 0, 60_000,
            "On a session-directory miss, how long to wait for the directory to read kato.sessions up to its "
                    + "end before answering 404.");
    public static final BridgeSetting<Long> TICK_INTERVAL_MS = BridgeSetting.integer("KATO_TICK_INTERVAL_MS",
            5_000, 0, 3_600_000, "Interval of the stream-time ticks sent to every partition of kato.commands, "
                    + "which let the topology expire idle sessions; 0 turns them off.");
    public static final BridgeSetting<Boolean> V1_ROUTES = BridgeSetting.bool("KATO_V1_ROUTES", false,
            "Serve the v1 routes of spec 01 §7 (POST /observe, GET /stm, …) against the node's default session "
                    + "(decision D7).");
    public static final BridgeSetting<String> REDIS_URL = BridgeSetting.text("REDIS_URL", null,
            "When set, /health and /status also report whether this Redis answers PING. Forms: "
                    + "redis://host:6379, redis://:password@host (requirepass), redis://user:password@host (ACL "
                    + "user), rediss://… (TLS); refused credentials stop the bridge at start-up.");
    public static final BridgeSetting<Long> PROBE_TIMEOUT_MS = BridgeSetting.integer("KATO_PROBE_TIMEOUT_MS",
            2_000, 50, 30_000, "Timeout of the Kafka and Redis reachability probes of /health and /status.");
    public static final BridgeSetting<Long> STARTUP_TIMEOUT_MS = BridgeSetting.integer("KATO_STARTUP_TIMEOUT_MS",
            120_000, 0, 3_600_000, "How long main() waits for the KATO topics (created by the topology) before "
                    + "giving up; requests meanwhile are answered 503.");
    public static final BridgeSetting<Boolean> CONSOLE_ENABLED = BridgeSetting.bool("KATO_CONSOLE_ENABLED", true,
            "Serve the KATO console at /console and its read-only node listing under /console/api (docs/console.md). "
                    + "The listing keeps a summary of every node's patterns (read from kato.knowledge) in the bridge's "
                    + "memory; false turns both off.");


    // ---- the front door (docs/security.md) ------------------------------------------------------

    public static final BridgeSetting<String> AUTH = BridgeSetting.choice("KATO_AUTH", "none",
            List.of("none", "api_key", "jwt"), "How REST and WebSocket clients authenticate: none (every request "
                    + "is an anonymous admin, for a loopback-only development setup), api_key (X-API-Key or "
                    + "Authorization: Bearer, keys from KATO_API_KEYS_FILE / KATO_API_KEYS) or jwt (Authorization: "
                    + "Bearer <JWT>, HS256 or RS256). See docs/security.md.");
    public static final BridgeSetting<Boolean> AUTH_NONE_ON_NETWORK = BridgeSetting.bool("KATO_AUTH_NONE_ON_NETWORK",
            false, "Allow KATO_AUTH=none on a non-loopback KATO_HOST. Without it such a bridge refuses to start: "
                    + "anyone who reaches the port could read, change and erase every node's knowledge.");
    public static final BridgeSetting<String> API_KEYS_FILE = BridgeSetting.text("KATO_API_KEYS_FILE", null,
            "JSON file of API keys (KATO_AUTH=api_key): {\"keys\": [{\"id\", \"role\": admin|writer|reader, "
                    + "\"nodes\": [scopes], \"sha256\": hex SHA-256 of the key}]}. Only hashes are stored. Re-read "
                    + "when it changes (checked at most once a second); an unreadable new version keeps the old keys.");
    public static final BridgeSetting<String> API_KEYS = BridgeSetting.text("KATO_API_KEYS", null,
            "API keys from the environment (KATO_AUTH=api_key), besides the file: entries separated by ';', each "
                    + "id:role:scope,scope,…:sha256-hex-of-the-key.");
    public static final BridgeSetting<String> JWT_SECRET_FILE = BridgeSetting.text("KATO_JWT_SECRET_FILE", null,
            "KATO_AUTH=jwt with HS256: file holding the shared secret (at least 32 bytes).");
    public static final BridgeSetting<String> JWT_JWKS_FILE = BridgeSetting.text("KATO_JWT_JWKS_FILE", null,
            "KATO_AUTH=jwt with RS256: JWK set file (JSON) of the issuer's public keys, selected by the token's kid.");
    public static final BridgeSetting<String> JWT_ISSUER = BridgeSetting.text("KATO_JWT_ISSUER", null,
            "When set, a JWT's iss claim must equal it.");
    public static final BridgeSetting<String> JWT_AUDIENCE = BridgeSetting.text("KATO_JWT_AUDIENCE", null,
            "When set, a JWT's aud claim must contain it.");
    public static final BridgeSetting<String> JWT_ROLE_CLAIM = BridgeSetting.text("KATO_JWT_ROLE_CLAIM", "kato_role",
            "The JWT claim holding the role (admin, writer or reader).");
    public static final BridgeSetting<String> JWT_NODES_CLAIM = BridgeSetting.text("KATO_JWT_NODES_CLAIM", "kato_nodes",
            "The JWT claim holding the node scopes (a list of strings, or one string of comma-separated scopes).");
    public static final BridgeSetting<String> METRICS_AUTH = BridgeSetting.choice("KATO_METRICS_AUTH", "admin",
            List.of("admin", "authenticated", "public"), "Who may read /metrics, /metrics/{name} and /prometheus "
                    + "when authentication is on: admin keys only, any valid credential, or anyone.");
    public static final BridgeSetting<String> TLS_KEYSTORE = BridgeSetting.text("KATO_TLS_KEYSTORE", null,
            "When set, REST (and /ws/events) is served over HTTPS only, with the key and certificate of this "
                    + "keystore file.");
    public static final BridgeSetting<String> TLS_KEYSTORE_PASSWORD = BridgeSetting.text("KATO_TLS_KEYSTORE_PASSWORD",
            null, "Password of KATO_TLS_KEYSTORE (and of its key).");
    public static final BridgeSetting<String> TLS_KEYSTORE_TYPE = BridgeSetting.choice("KATO_TLS_KEYSTORE_TYPE",
            "pkcs12", List.of("pkcs12", "jks"), "Format of KATO_TLS_KEYSTORE.");
    public static final BridgeSetting<String> RATE_LIMIT = BridgeSetting.choice("KATO_RATE_LIMIT", "auto",
            List.of("auto", "on", "off"), "Token-bucket rate limits per credential and route class: auto = on "
                    + "when KATO_AUTH is not none; with on and KATO_AUTH=none the client address is the bucket key.");
    public static final BridgeSetting<Long> RATE_LIMIT_OBSERVE = BridgeSetting.integer("KATO_RATE_LIMIT_OBSERVE",
            1000, 1, 100_000_000, "Observe requests (observe, observe-sequence) per credential per window.");
    public static final BridgeSetting<Long> RATE_LIMIT_PREDICT = BridgeSetting.integer("KATO_RATE_LIMIT_PREDICT",
            500, 1, 100_000_000, "Reads (predictions, STM, sessions, patterns, percept/cognition data) per "
                    + "credential per window.");
    public static final BridgeSetting<Long> RATE_LIMIT_LEARN = BridgeSetting.integer("KATO_RATE_LIMIT_LEARN",
            500, 1, 100_000_000, "Changes (create/delete/extend/configure sessions, learn, clear-stm, clear-all) "
                    + "per credential per window.");
    public static final BridgeSetting<Long> RATE_LIMIT_ADMIN = BridgeSetting.integer("KATO_RATE_LIMIT_ADMIN",
            300, 1, 100_000_000, "Operational routes (/status, /metrics, /prometheus, /stats, /cache/…, …) per "
                    + "credential per window.");
    public static final BridgeSetting<Long> RATE_LIMIT_WINDOW_MS = BridgeSetting.integer("KATO_RATE_LIMIT_WINDOW_MS",
            60_000, 100, 86_400_000, "The rate-limit window: each bucket holds its limit and refills it evenly "
                    + "over this time. With REDIS_URL the buckets are shared by every bridge instance.");
    public static final BridgeSetting<Boolean> AUDIT = BridgeSetting.bool("KATO_AUDIT", true,
            "Publish an audit record (JSON) to <prefix>audit for every mutating request, every authentication or "
                    + "authorization failure and every throttled request.");
    public static final BridgeSetting<Long> AUDIT_RETENTION_MS = BridgeSetting.integer("KATO_AUDIT_RETENTION_MS",
            30L * 24 * 3600 * 1000, 60_000, Long.MAX_VALUE, "retention.ms of the audit topic when this bridge creates it "
                    + "(cleanup.policy=delete, never compacted). The same variable as the topology's, which also "
                    + "applies it (with KATO_AUDIT_RETENTION_BYTES) to an existing audit topic.");

    public static final List<BridgeSetting<?>> ALL = List.of(PORT, HOST, BOOTSTRAP_SERVERS, TOPIC_PREFIX,
            SERVICE_NAME, BRIDGE_ID, REPLY_TIMEOUT_MS, MAX_BODY_BYTES, DIRECTORY_CATCH_UP_MS, TICK_INTERVAL_MS,
            V1_ROUTES, REDIS_URL, PROBE_TIMEOUT_MS, STARTUP_TIMEOUT_MS, AUTH, AUTH_NONE_ON_NETWORK, API_KEYS_FILE,
            API_KEYS, JWT_SECRET_FILE, JWT_JWKS_FILE, JWT_ISSUER, JWT_AUDIENCE, JWT_ROLE_CLAIM, JWT_NODES_CLAIM,
            METRICS_AUTH, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_TYPE, RATE_LIMIT, RATE_LIMIT_OBSERVE,
            RATE_LIMIT_PREDICT, RATE_LIMIT_LEARN, RATE_LIMIT_ADMIN, RATE_LIMIT_WINDOW_MS, AUDIT, AUDIT_RETENTION_MS,
            CONSOLE_ENABLED);
}
