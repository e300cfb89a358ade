package io.katostreams.connect;

import io.katostreams.schemas.KnowledgeKeys;
import io.katostreams.schemas.KnowledgeKeys.Kind;
import java.util.Objects;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One record of {@code kato.knowledge}, decoded and checked, with the Connect record it came
 * from (needed to dead-letter it later if the store refuses it).
 *
 * <p>{@code item} is the union branch of the value ({@code PatternDoc}, {@code SymbolDoc},
 * {@code TotalsDoc}, {@code VectorDoc} or {@code NodeCleared}) and always matches
 * {@code key.kind()}; it is {@code null} for a tombstone, which deletes the item named by the key.
 */
public record KnowledgeChange(SinkRecord source, KnowledgeKeys.Key key, Object item) {

    public KnowledgeChange {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
    }

    public boolean isTombstone() {
        return item == null;
    }

    public String processorId() {
        return key.processorId();
    }

    public Kind kind() {
        return key.kind();
    }
}
