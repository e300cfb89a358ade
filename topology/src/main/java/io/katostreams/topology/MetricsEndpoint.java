package io.katostreams.topology;

import com.sun.net.httpserver.HttpServer;
import io.katostreams.topology.redis.MirrorStatus;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Prometheus text exposition of a topology instance on {@code /metrics}: every numeric Kafka
 * Streams metric (threads, tasks, stores, and KATO's own counters of commands, observations,
 * prediction sets and dead letters, group {@code stream-kato-metrics}; the totals of records moved to
 * their node's partition and of refused session claims also as {@code kato_misplaced_records_total}
 * and {@code kato_session_claims_refused_total}) plus the Redis mirror's
 * status and lag, and the lag of every Kafka Connect sink group ({@code connect-*}) on kato.knowledge
 * ({@code kato_sink_lag}: records the MongoDB / Qdrant copies have not applied yet).
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    public MetricsEndpoint(String host, int port, Supplier<KafkaStreams> streams, Supplier<MirrorStatus> mirror,
                           Supplier<Map<String, Long>> sinkLag) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> {
            StringBuilder text = new StringBuilder(render(streams.get(), mirror.get()));
            sinkLag.get().forEach((group, lag) -> text.append("kato_sink_lag{group=\"").append(group).append("\"} ")
                    .append(lag).append('\n'));
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static String render(KafkaStreams streams, MirrorStatus mirror) {
        Map<String, String> lines = new TreeMap<>();
        if (streams != null) {
            // KATO's own counters summed over threads and tasks, under stable names
            for (String counter : new String[]{"misplaced-records-total", "session-claims-refused-total"}) {
                double sum = 0;
                for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
                    if (e.getKey().name().equals(counter) && e.getKey().group().equals("stream-kato-metrics")
                            && e.getValue().metricValue() instanceof Number n) {
                        sum += n.doubleValue();
                    }
                }
                String name = "kato_" + name(counter);
                lines.put(name, name + " " + sum);
            }
            lines.put("kato_streams_state", "kato_streams_state{state=\"" + streams.state() + "\"} 1");
            for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
                Object v = e.getValue().metricValue();
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) continue;
                MetricName m = e.getKey();
                StringBuilder b = new StringBuilder(name("kafka_" + m.group() + "_" + m.name()));
                if (!m.tags().isEmpty()) {
                    b.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> t : new TreeMap<>(m.tags()).entrySet()) {
                        if (!first) b.append(',');
                        first = false;
                        b.append(name(t.getKey())).append("=\"").append(t.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                    }
                    b.append('}');
                }
                lines.put(b.toString(), b + " " + n.doubleValue());
            }
        }
        if (mirror != null) {
            lines.put("kato_redis_mirror_reachable", "kato_redis_mirror_reachable " + (mirror.redisReachable() ? 1 : 0));
            lines.put("kato_redis_mirror_lag", "kato_redis_mirror_lag " + mirror.lag());
            lines.put("kato_redis_mirror_records_applied_total", "kato_redis_mirror_records_applied_total " + mirror.recordsApplied());
            lines.put("kato_redis_mirror_errors_total", "kato_redis_mirror_errors_total " + mirror.errors());
        }
        return String.join("\n", lines.values()) + "\n";
    }

    private static String name(String s) {
        return s.replaceAll("[^A-Za-z0-9_]", "_");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
