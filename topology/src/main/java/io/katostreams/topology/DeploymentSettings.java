package io.katostreams.topology;

import io.katostreams.engine.Setting;

import java.util.List;
import java.util.Set;

/** How a topology instance connects, stores state and scales (environment variables with defaults). */
public final class DeploymentSettings {
    private DeploymentSettings() {}

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap_servers",
            "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", null, "Kafka bootstrap servers.");
    public static final Setting<String> APPLICATION_ID = Setting.text("application_id", "KATO_APPLICATION_ID",
            "kato-streams", null, "Kafka Streams application id; instances with the same id share the partitions.");
    public static final Setting<String> STATE_DIR = Setting.text("state_dir", "KATO_STATE_DIR", "./data/streams", null,
            "Directory of the local state stores (RocksDB).");
    public static final Setting<Long> PARTITIONS = Setting.integer("partitions", "KATO_PARTITIONS", 6, 1L, 10000L,
            "Partitions of every KATO topic when it is created; kato.commands and kato.observations must have the same "
                    + "count (one task owns a node across both).");
    public static final Setting<Long> REPLICATION_FACTOR = Setting.integer("replication_factor",
            "KATO_REPLICATION_FACTOR", 1, 1L, 32L, "Replication factor of the topics the topology creates.");
    public static final Setting<String> PROCESSING_GUARANTEE = Setting.text("processing_guarantee",
            "KATO_PROCESSING_GUARANTEE", "exactly_once_v2", Set.of("exactly_once_v2", "at_least_once"),
            "Kafka Streams processing guarantee; exactly_once_v2 applies an acknowledged observation exactly once.");
    public static final Setting<Long> STANDBY_REPLICAS = Setting.integer("standby_replicas", "KATO_STANDBY_REPLICAS",
            0, 0L, 10L, "Standby replicas of the state stores, for fast fail-over.");
    public static final Setting<Long> STREAM_THREADS = Setting.integer("stream_threads", "KATO_STREAM_THREADS", 1,
            1L, 64L, "Stream threads of this instance.");
    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.integer("commit_interval_ms",
            "KATO_COMMIT_INTERVAL_MS", 100, 1L, 60000L, "Commit (transaction) interval of the topology.");
    public static final Setting<Long> PRODUCER_LINGER_MS = Setting.integer("producer_linger_ms",
            "KATO_PRODUCER_LINGER_MS", 0, 0L, 1000L, "linger.ms of the topology's producer: 0 sends replies and "
                    + "predictions at once (lowest REST latency); a few ms batches more records per request, "
                    + "which raises ingest throughput and lowers broker load (docs/benchmarks.md).");

    public static final Setting<String> INPUT_TIMESTAMPS = Setting.text("input_timestamps", "KATO_INPUT_TIMESTAMPS",
            "broker", Set.of("broker", "producer"), "Whose clock times kato.commands and kato.observations records, set "
                    + "when the topology creates them: broker (LogAppendTime) or producer (CreateTime). Every time KATO "
                    + "records and session expiry (stream time) follow these timestamps, so with 'producer' one record "
                    + "stamped an hour ahead expires the sessions of its partition; use it only to replay event-time data.");

    public static final Setting<Long> METRICS_PORT = Setting.integer("metrics_port", "KATO_METRICS_PORT", -1, -1L,
            65535L, "Port of the topology's Prometheus endpoint (/metrics); 0 = any free port, -1 = off "
                    + "(./ops/kato up uses 9464 unless set).");
    public static final Setting<String> METRICS_HOST = Setting.text("metrics_host", "KATO_METRICS_HOST", "0.0.0.0", null,
            "Address the Prometheus endpoint binds to (every interface by default, for a scraper in another "
                    + "container; ./ops/kato up binds it to KATO_BIND, 127.0.0.1 unless set).");

    public static final List<Setting<?>> ALL = List.of(BOOTSTRAP_SERVERS, APPLICATION_ID, STATE_DIR, PARTITIONS,
            REPLICATION_FACTOR, PROCESSING_GUARANTEE, STANDBY_REPLICAS, STREAM_THREADS, COMMIT_INTERVAL_MS, PRODUCER_LINGER_MS, INPUT_TIMESTAMPS, METRICS_PORT, METRICS_HOST);
}
