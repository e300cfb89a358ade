package io.katostreams.engine;

/**
 * The vectors of one observation cannot be summed: a vector's length differs from the running
 * sum's and neither is 1 (spec 03 §4.1). The service answers 400 (01 §4.1), never 500.
 */
public final class VectorDimensionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int expected;
    private final int actual;

    /**
     * @param expected length of the running sum (the vectors before the offending one)
     * @param actual   length of the offending vector
     */
    public VectorDimensionException(int expected, int actual) {
        super("Vector dimension mismatch: expected " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /** Length of the running sum. */
    public int expected() {
        return expected;
    }

    /** Length of the vector that did not fit. */
    public int actual() {
        return actual;
    }
}
