package io.katostreams.schemas.security;

/**
 * A backend (Kafka, Redis, MongoDB, Qdrant) refused this process's credentials or permissions, or
 * its security settings are unusable. Thrown at start-up so that the process stops with one line
 * that names the backend and what failed, instead of retrying forever. The message never carries
 * a secret.
 */
public final class BackendAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendAccessException(String message) {
        super(message);
    }

    public BackendAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
