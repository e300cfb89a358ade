package io.katostreams.bridge;

import java.util.List;

/** Every setting of the REST bridge (environment variables). */
public final class BridgeSettings {
    private BridgeSettings() {
    }

    public static final BridgeSetting<Long> PORT = BridgeSetting.integer("KATO_PORT", 8000, 0, 65535,
            "HTTP port (spec 01 §0.2); 0 picks a free port.");
    public static final BridgeSetting<String> HOST = BridgeSetting.text("KATO_HOST", "0.0.0.0",
            "Address the HTTP server binds to.");
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
            "When set, /health and /status also report whether this Redis answers PING.");
    public static final BridgeSetting<Long> PROBE_TIMEOUT_MS = BridgeSetting.integer("KATO_PROBE_TIMEOUT_MS",
            2_000, 50, 30_000, "Timeout of the Kafka and Redis reachability probes of /health and /status.");
    public static final BridgeSetting<Long> STARTUP_TIMEOUT_MS = BridgeSetting.integer("KATO_STARTUP_TIMEOUT_MS",
            120_000, 0, 3_600_000, "How long main() waits for the KATO topics (created by the topology) before "
                    + "giving up; requests meanwhile are answered 503.");
    public static final BridgeSetting<Boolean> CONSOLE_ENABLED = BridgeSetting.bool("KATO_CONSOLE_ENABLED", true,
            "Serve the KATO console at /console and its read-only node listing under /console/api (docs/console.md). "
                    + "The listing keeps a summary of every node's patterns (read from kato.knowledge) in the bridge's "
                    + "memory; false turns both off.");

    public static final List<BridgeSetting<?>> ALL = List.of(PORT, HOST, BOOTSTRAP_SERVERS, TOPIC_PREFIX,
            SERVICE_NAME, BRIDGE_ID, REPLY_TIMEOUT_MS, MAX_BODY_BYTES, DIRECTORY_CATCH_UP_MS, TICK_INTERVAL_MS,
            V1_ROUTES, REDIS_URL, PROBE_TIMEOUT_MS, STARTUP_TIMEOUT_MS, CONSOLE_ENABLED);
}
