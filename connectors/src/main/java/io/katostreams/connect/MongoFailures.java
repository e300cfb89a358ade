package io.katostreams.connect;

import com.mongodb.MongoClientException;
import com.mongodb.MongoConfigurationException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import java.util.Set;
import org.bson.BSONException;

/**
 * Sorts what the MongoDB driver throws into what the sink does about it.
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: the server cannot be reached or cannot take writes right now
 *       (network, timeouts, elections, shutdown): retry the batch later, nothing is lost;</li>
 *   <li>{@link Kind#FATAL}: the configuration is wrong (authentication, authorisation, a write
 *       concern the deployment can never satisfy): fail the task, an operator must act;</li>
 *   <li>{@link Kind#DATA}: the server or driver refuses this write (bad name, document too large,
 *       duplicate key, databases differing only in case): dead-letter the record;</li>
 *   <li>{@link Kind#UNKNOWN}: not a driver error at all, i.e. a bug: let it fail the task.</li>
 * </ul>
 */
final class MongoFailures {

    enum Kind { TRANSIENT, FATAL, DATA, UNKNOWN }

    /**
     * Server error codes that mean "not now" (network, failover, shutdown, time limits, write
     * concern timeout, write conflict), after the driver's own retryable-error list.
     */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            6, 7, 50, 63, 64, 89, 91, 112, 133, 150, 189, 234, 262, 9001, 10107, 11600, 11602, 13388, 13435, 13436);

    /** Unauthorized, AuthenticationFailed, UnsatisfiableWriteConcern. */
    private static final Set<Integer> FATAL_CODES = Set.of(13, 18, 100);

    private MongoFailures() {
    }

    static Kind classify(Throwable t) {
        if (t instanceof MongoSecurityException || t instanceof MongoConfigurationException) {
            return Kind.FATAL;
        }
        if (t instanceof MongoSocketException
                || t instanceof MongoTimeoutException
                || t instanceof MongoServerUnavailableException
                || t instanceof MongoConnectionPoolClearedException
                || t instanceof MongoNotPrimaryException
                || t instanceof MongoNodeIsRecoveringException
                || t instanceof MongoInterruptedException) {
            return Kind.TRANSIENT;
        }
        if (t instanceof MongoWriteConcernException wce) {
            return ofCode(wce.getWriteConcernError().getCode(), Kind.TRANSIENT);
        }
        if (t instanceof MongoException e) {
            if (e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("TransientTransactionError")) {
                return Kind.TRANSIENT;
            }
            if (e instanceof MongoClientException) {
                return Kind.DATA; // refused by the driver before sending (e.g. invalid field name)
            }
            return ofCode(e.getCode(), Kind.DATA);
        }
        if (t instanceof BSONException || t instanceof IllegalArgumentException) {
            return Kind.DATA; // the driver could not encode the document (e.g. too large)
        }
        return Kind.UNKNOWN;
    }

    /** The kind of a server error code; {@code otherwise} for codes of neither list. */
    static Kind ofCode(int code, Kind otherwise) {
        if (TRANSIENT_CODES.contains(code)) {
            return Kind.TRANSIENT;
        }
        if (FATAL_CODES.contains(code)) {
            return Kind.FATAL;
        }
        return otherwise;
    }
}
