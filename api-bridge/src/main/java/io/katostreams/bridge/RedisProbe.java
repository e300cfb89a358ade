package io.katostreams.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * Is the configured Redis answering? One {@code PING} over a fresh connection with a short timeout
 * (plus {@code AUTH} when the URL carries credentials). The bridge stores nothing in Redis, so a raw
 * RESP exchange is all it needs, without a client library.
 *
 * <p>URL forms: {@code redis://[[user]:password@]host[:port][/db]} and {@code rediss://…} (TLS).
 */
final class RedisProbe {

    /** The outcome: reachable, and the error when not. */
    record Result(boolean reachable, String error, long micros) {
    }

    private final URI uri;
    private final Duration timeout;

    RedisProbe(String url, Duration timeout) {
        this.uri = URI.create(url);
        this.timeout = timeout;
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("REDIS_URL must start with redis:// or rediss://: " + url);
        }
    }

    /** The URL without its password, for reports. */
    String displayUrl() {
        return uri.getScheme() + "://" + uri.getHost() + ":" + port() + (uri.getPath() == null ? "" : uri.getPath());
    }

    private int port() {
        return uri.getPort() > 0 ? uri.getPort() : 6379;
    }

    Result ping() {
        long start = System.nanoTime();
        int ms = (int) timeout.toMillis();
        try (Socket socket = "rediss".equals(uri.getScheme()) ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port()), ms);
            socket.setSoTimeout(ms);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
                String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
                out.write(user.isEmpty() ? command("AUTH", password) : command("AUTH", user, password));
                String auth = readLine(in);
                if (!auth.startsWith("+OK")) {
                    return new Result(false, "AUTH refused: " + auth, micros(start));
                }
            }
            out.write(command("PING"));
            out.flush();
            String line = readLine(in);
            return line.startsWith("+PONG") ? new Result(true, null, micros(start))
                    : new Result(false, "unexpected answer to PING: " + line, micros(start));
        } catch (IOException | RuntimeException e) {
            return new Result(false, e.toString(), micros(start));
        }
    }

    /**
     * The start-up check: throws {@link io.katostreams.schemas.security.BackendAccessException}
     * when Redis refuses the credentials of the URL (or requires some and the URL has none). An
     * unreachable Redis is not an error here: /health reports it.
     */
    void verifyCredentials() {
        Result r = ping();
        if (!r.reachable() && r.error() != null && refused(r.error())) {
            throw new io.katostreams.schemas.security.BackendAccessException("Redis at " + displayUrl()
                    + " refused the bridge: " + r.error() + " (check the user and password in REDIS_URL)");
        }
    }

    private static boolean refused(String error) {
        String e = error.toUpperCase(java.util.Locale.ROOT);
        return e.startsWith("AUTH REFUSED") || e.contains("NOAUTH") || e.contains("WRONGPASS") || e.contains("NOPERM");
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** A RESP array of bulk strings. */
    private static byte[] command(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 512) {
                break;
            }
        }
        return b.toString();
    }
}
