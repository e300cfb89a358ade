package io.katostreams.ops;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.katostreams.schemas.security.BackendAccessException;
import io.katostreams.schemas.security.Redact;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The start-up check of an external MONGO_URL ({@code mongodb://user:password@host/?authSource=admin},
 * {@code mongodb+srv://…}, {@code tls=true}): MongoDB must accept the credentials. A refusal
 * stops the runtime with one line that names the server, never the password; an unreachable
 * MongoDB does not (the sink retries until it answers).
 */
final class MongoAccess {
    private MongoAccess() {
    }

    static void verify(String url, Duration timeout) {
        String where = "MongoDB at " + Redact.url(url);
        ConnectionString cs;
        try {
            cs = new ConnectionString(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MONGO_URL is not a MongoDB connection string (" + where + ")");
        }
        long ms = timeout.toMillis();
        MongoClientSettings settings = MongoClientSettings.builder().applyConnectionString(cs)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) ms, TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)));
        } catch (MongoSecurityException e) {
            throw new BackendAccessException(where + " refused the credentials in MONGO_URL: "
                    + (e.getCause() != null ? e.getCause().getMessage() : "authentication failed"), e);
        } catch (MongoTimeoutException e) {
            // Authentication failures during server selection surface as a timeout whose message
            // carries the MongoSecurityException; anything else is "unreachable".
            String m = String.valueOf(e.getMessage());
            if (m.contains("MongoSecurityException") || m.contains("AuthenticationFailed")) {
                throw new BackendAccessException(where + " refused the credentials in MONGO_URL (authentication failed)", e);
            }
            // unreachable now: the MongoDB sink retries on its own (a down MongoDB only delays the copy)
        } catch (MongoException e) {
            if (e.getCode() == 13 || e.getCode() == 18) {
                throw new BackendAccessException(where + " refused the credentials in MONGO_URL: " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
