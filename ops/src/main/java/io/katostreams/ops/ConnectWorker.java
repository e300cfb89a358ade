package io.katostreams.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.katostreams.schemas.security.KafkaClientEnv;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An embedded Kafka Connect worker (standalone mode) running the knowledge sinks with the connector
 * configs documented in connectors/config, pointed at this runtime's MongoDB and (optionally) Qdrant.
 */
final class ConnectWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connect<?> connect;
    private final URI rest;

    private ConnectWorker(Connect<?> connect) {
        this.connect = connect;
        this.rest = connect.rest().serverUrl();
    }

    /**
     * @param kafkaSecurity the Kafka client security properties ({@link KafkaClientEnv}); the worker
     *     uses them itself and passes them to the sinks' consumers, the dead-letter producers and
     *     admin clients ({@code consumer.}, {@code producer.}, {@code admin.})
     * @param qdrant {@code host:port}, {@code http://host:port} or {@code https://host:port}
     *     (TLS); empty = no Qdrant sink
     * @param qdrantApiKey the Qdrant API key, or null/empty for none
     */
    static ConnectWorker start(String bootstrap, Map<String, String> kafkaSecurity, Path dataDir, String knowledgeTopic,
                               String mongoUrl, String qdrant, String qdrantApiKey)
            throws IOException, InterruptedException {
        Map<String, String> p = new HashMap<>(KafkaClientEnv.withPrefixes(kafkaSecurity, "consumer.", "producer.", "admin."));
        p.put("bootstrap.servers", bootstrap);
        p.put("listeners", "http://127.0.0.1:0");
        p.put("offset.storage.file.filename", dataDir.resolve("connect.offsets").toString());
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "5000");
        ConnectWorker w = new ConnectWorker(new ConnectStandalone().startConnect(p));
        w.create("kato-mongo-sink.json", Map.of("topics", knowledgeTopic, "mongo.connection.uri", mongoUrl));
        if (qdrant != null && !qdrant.isBlank()) {
            boolean tls = qdrant.startsWith("https://");
            String[] hp = qdrant.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "").split(":");
            Map<String, String> q = new HashMap<>(Map.of("topics", knowledgeTopic, "qdrant.host", hp[0],
                    "qdrant.grpc.port", hp.length > 1 ? hp[1] : "6334", "qdrant.use.tls", Boolean.toString(tls)));
            if (qdrantApiKey != null && !qdrantApiKey.isBlank()) {
                q.put("qdrant.api.key", qdrantApiKey); // a PASSWORD config: Connect shows it as [hidden]
            }
            w.create("kato-qdrant-sink.json", q);
        }
        return w;
    }

    URI rest() {
        return rest;
    }

    private void create(String resource, Map<String, String> overrides) throws IOException, InterruptedException {
        ObjectNode doc;
        try (InputStream in = ConnectWorker.class.getResourceAsStream("/connect/" + resource)) {
            if (in == null) throw new IOException("missing connector config resource " + resource);
            doc = (ObjectNode) JSON.readTree(in);
        }
        ObjectNode config = (ObjectNode) doc.get("config");
        overrides.forEach(config::put);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(rest.resolve("/connectors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(doc))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && r.statusCode() != 409) {
            // the body names the config problem; Connect masks PASSWORD values (URIs, API keys) in it
            throw new IOException("Connect refused " + resource + ": " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() {
        connect.stop();
    }
}
