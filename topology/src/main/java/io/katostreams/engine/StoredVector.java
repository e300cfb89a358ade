package io.katostreams.engine;

import java.util.List;

/**
 * A learned vector (decision D6): its {@code VCTR|} name, the summed vector, and the names of the
 * patterns that hold it, in learn order.
 */
public record StoredVector(String name, double[] vector, List<String> patterns) {
}
