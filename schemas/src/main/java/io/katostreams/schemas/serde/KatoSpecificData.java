package io.katostreams.schemas.serde;

import java.util.LinkedHashMap;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/**
 * The Avro data model used by every serde of this project: Avro's specific model, except that
 * decoded maps keep the order in which they were written.
 *
 * <p>Why: Avro's default model decodes maps into {@code HashMap}, which loses the order of
 * emotive keys and metadata keys. That order is visible (emotive objects, pattern metadata) and
 * the topology must produce byte-identical outputs when it replays a record after restoring its
 * state from a changelog (design principle 2), so a decode must give back the same order that was
 * encoded. Avro's "fast reader" builds nested maps (e.g. the items of
 * {@code array<map<double>>}) with a hard-coded {@code HashMap}, so it is switched off here.
 */
final class KatoSpecificData extends SpecificData {

    static final KatoSpecificData INSTANCE = new KatoSpecificData();

    private KatoSpecificData() {
        super(KatoSpecificData.class.getClassLoader());
        setFastReaderEnabled(false);
        // The generated classes carry their own conversions per field; this covers datums the
        // model converts itself (e.g. inside unions).
        addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    @Override
    public Object newMap(Object old, int size) {
        if (old instanceof LinkedHashMap<?, ?> map) {
            map.clear();
            return map;
        }
        return new LinkedHashMap<>(Math.max(4, (int) (size / 0.75f) + 1));
    }
}
