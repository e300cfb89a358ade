package io.katostreams.ops;

import io.katostreams.engine.Setting;

import java.util.List;

/** Settings of the standalone runtime ({@code ./ops/kato up}); each service it starts can be replaced by a URL. */
public final class StandaloneSettings {
    private StandaloneSettings() {}

    public static final Setting<String> DATA_DIR = Setting.text("data_dir", "KATO_DATA_DIR", "./data", null,
            "Where the embedded broker, the state stores and the MongoDB stand-in keep their data.");
    public static final Setting<Long> KAFKA_PORT = Setting.integer("kafka_port", "KATO_KAFKA_PORT", 9092, 1L, 65535L,
            "Port of the embedded Kafka broker (when KAFKA_BOOTSTRAP_SERVERS is not set).");
    public static final Setting<Long> REDIS_PORT = Setting.integer("redis_port", "KATO_REDIS_PORT", 6379, 0L, 65535L,
            "Port of the Redis server started when REDIS_URL is not set (0 = any free port).");
    public static final Setting<Long> MONGO_PORT = Setting.integer("mongo_port", "KATO_MONGO_PORT", 27017, 0L, 65535L,
            "Port of the MongoDB stand-in started when MONGO_URL is not set.");
    public static final Setting<String> MONGO_URL = Setting.text("mongo_url", "MONGO_URL", "", null,
            "MongoDB connection string of an existing server, with credentials if it requires them "
                    + "(mongodb://user:password@host/?authSource=admin; checked at start-up, never printed); "
                    + "empty = start the embedded stand-in.");
    public static final Setting<String> QDRANT_URL = Setting.text("qdrant_url", "QDRANT_URL", "", null,
            "Qdrant gRPC endpoint host:port (https://host:port = TLS); empty = no Qdrant sink (vectors stay in "
                    + "kato.knowledge).");
    public static final Setting<String> QDRANT_API_KEY = Setting.text("qdrant_api_key", "QDRANT_API_KEY", "", null,
            "API key of the Qdrant server (sent as the api-key header; use it with TLS); empty = none. Never printed.");
    public static final Setting<String> BIND = Setting.text("bind", "KATO_BIND", "127.0.0.1", null,
            "Address the REST bridge (unless KATO_HOST is set) and the topology's metrics endpoint (unless "
                    + "KATO_METRICS_HOST is set) listen on. The embedded broker, Redis, the MongoDB stand-in and the "
                    + "Connect REST API always listen on 127.0.0.1 only: give existing services by URL to use them "
                    + "from elsewhere. A non-loopback address needs KATO_AUTH (or KATO_AUTH_NONE_ON_NETWORK=true).");
    public static final Setting<Boolean> FORCE_SERVICE_NAME = Setting.bool("force_service_name",
            "KATO_FORCE_SERVICE_NAME", false, "Start even though SERVICE_NAME differs from the one this data "
                    + "directory was first started with (all knowledge trained under the old name becomes unreachable).");

    public static final List<Setting<?>> ALL = List.of(DATA_DIR, KAFKA_PORT, REDIS_PORT, MONGO_PORT, MONGO_URL,
            QDRANT_URL, QDRANT_API_KEY, BIND, FORCE_SERVICE_NAME);

    static <T> T read(Setting<T> s, java.util.Map<String, String> env) {
        String v = env.get(s.envVar());
        return v == null || v.isBlank() ? s.defaultValue() : s.parseText(v);
    }
}
