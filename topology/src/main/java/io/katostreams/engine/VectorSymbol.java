package io.katostreams.engine;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one symbol an observation's {@code vectors} contribute (spec 03 §4): the vectors are summed
 * (§4.1), the sum is rendered as {@link VectorText canonical text} (§4.2), and the symbol is
 * {@value #PREFIX} + lowercase hex SHA-1 of that ASCII text (§4.3), e.g. {@code [[1,2,3]]} →
 * {@code VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43}. Stored vectors never influence it (§4.5).
 */
public final class VectorSymbol {

    /** Prefix of every vector symbol. */
    public static final String PREFIX = "VCTR|";

    private VectorSymbol() {
    }

    /**
     * Element-wise IEEE-754 sum, left to right ({@code ((v1 + v2) + v3) …}), into a new array.
     * [QUIRK] a running sum or vector of length 1 is broadcast against the other operand (against
     * an empty operand the result is empty): {@code [[1,2,3],[10]]} → {@code [11,12,13]},
     * {@code [[1],[2],[3,4]]} → {@code [6,7]}, {@code [[],[5]]} → {@code []}.
     *
     * @param vectors the observation's vectors, at least one
     * @throws VectorDimensionException on any other length mismatch
     * @throws IllegalArgumentException if {@code vectors} is empty
     */
    public static double[] sum(List<double[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("no vectors to sum");
        }
        double[] acc = vectors.get(0).clone();
        for (int k = 1; k < vectors.size(); k++) {
            double[] v = vectors.get(k);
            if (acc.length == v.length) {
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += v[i];
                }
            } else if (acc.length == 1) {
                double s = acc[0];
                acc = new double[v.length];
                for (int i = 0; i < acc.length; i++) {
                    acc[i] = s + v[i];
                }
            } else if (v.length == 1) {
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += v[0];
                }
            } else {
                throw new VectorDimensionException(acc.length, v.length);
            }
        }
        return acc;
    }

    /** {@value #PREFIX} + lowercase hex SHA-1 of {@link VectorText#format(double[])} of the summed vector. */
    public static String name(double[] summed) {
        return PREFIX + PatternName.sha1Hex(VectorText.format(summed).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code name(sum(vectors))}: the observation's vector symbol. */
    public static String symbolFor(List<double[]> vectors) {
        return name(sum(vectors));
    }
}
