package io.katostreams.bridge;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Locale;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for the REST bridge from {@code KATO_TLS_KEYSTORE}: the only connector, on KATO_HOST:KATO_PORT
 * (no plain-HTTP port is opened beside it).
 */
final class Tls {
    private Tls() {
    }

    /** Loads the keystore once at start-up, so a wrong path or password fails with a clear message. */
    static void check(SecurityConfig s) {
        if (s.tlsKeystore() == null) {
            return;
        }
        Path p = Path.of(s.tlsKeystore());
        try (InputStream in = Files.newInputStream(p)) {
            KeyStore ks = KeyStore.getInstance(s.tlsKeystoreType().toUpperCase(Locale.ROOT));
            ks.load(in, s.tlsKeystorePassword().toCharArray());
            if (ks.size() == 0) {
                throw new IllegalArgumentException("KATO_TLS_KEYSTORE " + p + " holds no key");
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("KATO_TLS_KEYSTORE " + p + " cannot be read as "
                    + s.tlsKeystoreType() + " with KATO_TLS_KEYSTORE_PASSWORD: " + e.getMessage(), e);
        }
    }

    static Connector connector(Server server, HttpConfiguration http, BridgeConfig config) {
        SecurityConfig s = config.security();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(s.tlsKeystore());
        ssl.setKeyStorePassword(s.tlsKeystorePassword());
        ssl.setKeyStoreType(s.tlsKeystoreType().toUpperCase(Locale.ROOT));
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false)); // clients may connect by IP address
        ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(https));
        c.setHost(config.host());
        c.setPort(config.port());
        return c;
    }
}
