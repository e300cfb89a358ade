package io.katostreams.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    static ConnectWorker start(String bootstrap, Path dataDir, String knowledgeTopic, String mongoUrl, String qdrant)
            throws IOException, InterruptedException {
        Map<String, String> p = new HashMap<>();
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
            String[] hp = qdrant.replaceFirst("^[a-z]+://", "").split(":");
            w.create("kato-qdrant-sink.json", Map.of("topics", knowledgeTopic, "qdrant.host", hp[0],
                    "qdrant.grpc.port", hp.length > 1 ? hp[1] : "6334"));
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
            throw new IOException("Connect refused " + resource + ": " + r.statusCode() + " " + r.body());
        }
    }

    @Override
    public void close() {
        connect.stop();
    }
}
