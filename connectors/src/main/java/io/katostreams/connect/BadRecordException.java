package io.katostreams.connect;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record that no retry can make acceptable: undecodable bytes, a key that does not match its
 * value, a document the store rejects. It goes to the dead-letter topic with {@link #getMessage()}
 * as the reason; it never stops the sink.
 */
public class BadRecordException extends DataException {

    public BadRecordException(String reason) {
        super(reason);
    }

    public BadRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
