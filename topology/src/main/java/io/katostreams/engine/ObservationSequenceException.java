package io.katostreams.engine;

import java.util.List;

/**
 * An observe-sequence item failed. The session must be kept as it was before the request, but the
 * learns of earlier items stay applied (spec 03 §11); they are listed so they can be published.
 */
public final class ObservationSequenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int observationIndex;
    private final transient List<LearnApplied> learned;

    public ObservationSequenceException(int observationIndex, RuntimeException cause, List<LearnApplied> learned) {
        super("observation_index " + observationIndex + ": " + cause.getMessage(), cause);
        this.observationIndex = observationIndex;
        this.learned = List.copyOf(learned);
    }

    public int observationIndex() {
        return observationIndex;
    }

    public List<LearnApplied> learned() {
        return learned;
    }
}
