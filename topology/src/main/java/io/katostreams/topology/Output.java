package io.katostreams.topology;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record the topology logic wants written. {@code value} null is a tombstone.
 *
 * @param kind which output topic
 */
public record Output(Kind kind, String key, SpecificRecord value) {

    /** The output topics of the topology. */
    public enum Kind {
        REPLY, PREDICTIONS,
        /** A session state published at once (a new session); other changes come from the store's flushes. */
        SESSIONS
    }
}
