package io.katostreams.schemas;

/**
 * Names of the topics whose records this module defines, and the record type of each.
 * Keys are UTF-8 strings unless stated otherwise.
 */
public final class KatoTopics {

    /** {@code Command}, key = node_id. */
    public static final String COMMANDS = "kato.commands";
    /** {@code ObservationRecord} (Avro single-object or JSON), key = node_id, written by external producers. */
    public static final String OBSERVATIONS = "kato.observations";
    /** {@code Reply}, addressed by {@code reply_to}. */
    public static final String REPLIES = "kato.replies";
    /** {@code PredictionSet}, key = node_id. */
    public static final String PREDICTIONS = "kato.predictions";
    /** {@code SessionState}, compacted, key = session_id, tombstone = session gone. */
    public static final String SESSIONS = "kato.sessions";
    /** {@code KnowledgeRecord}, compacted, key per {@link KnowledgeKeys}, tombstone = item deleted. */
    public static final String KNOWLEDGE = "kato.knowledge";
    /** {@code DeadLetter}: inputs that could not be processed. */
    public static final String DEAD_LETTERS = "kato.dead-letters";

    private KatoTopics() {
    }
}
