package io.katostreams.topology;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record the topology logic wants written. {@code value} null is a tombstone.
 *
 * @param kind which output topic
 */
public record Output(Kind kind, String key, SpecificRecord value) {

    /** The output topics of the topology. */
    public enum Kind { REPLY, PREDICTIONS, SESSIONS, KNOWLEDGE, DEAD_LETTER, REROUTE_COMMAND, REROUTE_OBSERVATION }
}
