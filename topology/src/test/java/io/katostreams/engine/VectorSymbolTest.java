package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec 03 §4.1 (summation), §4.3 (name) and every row of the §4.4 table. */
class VectorSymbolTest {

    private static List<double[]> vectors(double[]... v) {
        return new ArrayList<>(Arrays.asList(v));
    }

    private static double[] v(double... x) {
        return x;
    }

    private static void assertRow(String expectedText, String expectedSymbol, List<double[]> vectors) {
        double[] summed = VectorSymbol.sum(vectors);
        assertEquals(expectedText, VectorText.format(summed));
        assertEquals(expectedSymbol, VectorSymbol.name(summed));
        assertEquals(expectedSymbol, VectorSymbol.symbolFor(vectors));
    }

    /** All 22 rows of spec 03 §4.4: observation vectors → canonical text → symbol. */
    @Test
    void specWorkedExamples() {
        assertRow("[1. 2. 3.]", "VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", vectors(v(1, 2, 3)));
        assertRow("[0.1 0.2 0.3]", "VCTR|e09ff768f2b2a0f5d5e78932dc977709e8c35f57", vectors(v(0.1, 0.2, 0.3)));
        assertRow("[0.1 0.2 0.3 0.4]", "VCTR|e8ffab17b31d6f646dd30d2e0c971cf178730267",
                vectors(v(0.1, 0.2, 0.3, 0.4)));
        assertRow("[1.5 0.5]", "VCTR|f11daefdddee30b6a7a043c084fad802f0553a99", vectors(v(0.5, 0.5), v(1.0, 0.0)));
        assertRow("[0.3 0.3]", "VCTR|de3c1e3e65b5ec43c6f46c2058189bbb5b1d18db", vectors(v(0.1, 0.2), v(0.2, 0.1)));
        assertRow("[0.1  0.25]", "VCTR|2bdd73f6c5d8e63c1ac3f256ba82aea1512d74cd", vectors(v(0.1, 0.25)));
        assertRow("[ 1. -2.]", "VCTR|b4c49f465d1c899cfe075789289cc322db099276", vectors(v(1.0, -2.0)));
        assertRow("[-0.5   0.25]", "VCTR|3f4a9d2b52a9cd355e13f24f5ebdf89cac4f3ec3", vectors(v(-0.5, 0.25)));
        assertRow("[0. 0.]", "VCTR|7fe044153e8812717283b8448617881cce6353de", vectors(v(0, 0)));
        assertRow("[]", "VCTR|97d170e1550eee4afc0af065b78cda302a97674c", vectors(v()));
        assertRow("[11. 12. 13.]", "VCTR|93bbbedf827cb68bebc2eb1fd770e7a91726a74e", vectors(v(1, 2, 3), v(10)));
        assertRow("[0.33333333 0.66666667]", "VCTR|56fab9df37efc757e416483f519f4d388e350603",
                vectors(v(0.3333333333333333, 0.6666666666666666)));
        assertRow("[0.00195312]", "VCTR|904eea9c2b398e2cc9fb6da6924718c9bdd18c1f", vectors(v(0.001953125)));
        assertRow("[0.00585938]", "VCTR|0600119c9771b556d8941d1c80afd3f75f4a263b", vectors(v(0.005859375)));
        assertRow("[1.e-05 1.e+00]", "VCTR|db4d58e9dcc12fc54db9cdf0d30e335dd650407e", vectors(v(0.00001, 1.0)));
        assertRow("[5.0e-01 1.5e+03]", "VCTR|fec4fa4958277c41cfb4edfce991ba9e95589ea0", vectors(v(0.5, 1500.0)));
        assertRow("[-1.e-05  0.e+00  3.e+00]", "VCTR|fb9153839caceaeb93fc38e6ad05b13836fa7433",
                vectors(v(-0.00001, 0, 3)));
        assertRow("[1.23456789e+08 1.00000000e+00]", "VCTR|9914180387dae8c651d92185beac289c2c165b12",
                vectors(v(123456789.0, 1.0)));
        assertRow("[1.e+100 1.e+000]", "VCTR|45f50c5d47b5b579babfdcdad2d2fa4cbcec0b13", vectors(v(1e100, 1.0)));
        assertRow("[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n 18. 19.]",
                "VCTR|1f63b7ca8d46a4cdf8343e08ef888d8a2bf77484", vectors(VectorTextTest.range(20)));
        double[] tenths = new double[768];
        Arrays.fill(tenths, 0.1);
        assertEquals("VCTR|70ad117b5355f01e9beb3d9b62e6c2be8e8cb520", VectorSymbol.symbolFor(vectors(tenths)));
        assertEquals(43, VectorText.format(tenths).split("\n").length);
        assertRow("[   0.    1.    2. ...  998.  999. 1000.]", "VCTR|14eda167eb6e271deccdc8e7fff2bc70981d73ef",
                vectors(VectorTextTest.range(1001)));
    }

    /** [QUIRK] vectors longer than 1000 that agree on the first and last three values collide. */
    @Test
    void longVectorWithChangedMiddleGetsTheSameSymbol() {
        double[] x = VectorTextTest.range(1001);
        x[500] = -7;
        assertEquals("VCTR|14eda167eb6e271deccdc8e7fff2bc70981d73ef", VectorSymbol.symbolFor(vectors(x)));
    }

    @Test
    void integerAndDoubleInputsGiveTheSameSymbol() {
        assertEquals(VectorSymbol.symbolFor(vectors(v(1, 2, 3))), VectorSymbol.symbolFor(vectors(v(1.0, 2.0, 3.0))));
    }

    @Test
    void sumsLeftToRightInDoubleArithmetic() {
        assertArrayEquals(v(0.30000000000000004, 0.30000000000000004), VectorSymbol.sum(vectors(v(0.1, 0.2), v(0.2, 0.1))));
        // ((1e16 + 1) + 1) loses both ones; left-to-right order is part of the contract
        assertArrayEquals(v(1e16), VectorSymbol.sum(vectors(v(1e16), v(1), v(1))));
        assertArrayEquals(v(6, 9), VectorSymbol.sum(vectors(v(1, 2), v(2, 3), v(3, 4))));
    }

    /** [QUIRK] length-1 broadcast, spec 03 §4.1 examples. */
    @Test
    void broadcastsLengthOne() {
        assertArrayEquals(v(11, 12, 13), VectorSymbol.sum(vectors(v(1, 2, 3), v(10))));
        assertArrayEquals(v(11, 12, 13), VectorSymbol.sum(vectors(v(10), v(1, 2, 3))));
        assertArrayEquals(v(6, 7), VectorSymbol.sum(vectors(v(1), v(2), v(3, 4))));
        assertArrayEquals(v(), VectorSymbol.sum(vectors(v(), v(5))));
        assertArrayEquals(v(), VectorSymbol.sum(vectors(v(5), v())));
        assertArrayEquals(v(3), VectorSymbol.sum(vectors(v(1), v(2))));
        assertArrayEquals(v(), VectorSymbol.sum(vectors(v(), v())));
        assertEquals("VCTR|97d170e1550eee4afc0af065b78cda302a97674c", VectorSymbol.symbolFor(vectors(v(5), v())));
    }

    @Test
    void otherMismatchesThrow() {
        VectorDimensionException e = assertThrows(VectorDimensionException.class,
                () -> VectorSymbol.sum(vectors(v(1, 2, 3), v(1, 2))));
        assertEquals(3, e.expected());
        assertEquals(2, e.actual());
        assertEquals("Vector dimension mismatch: expected 3, got 2", e.getMessage());

        VectorDimensionException later = assertThrows(VectorDimensionException.class,
                () -> VectorSymbol.sum(vectors(v(1), v(1, 2), v(1, 2, 3))));
        assertEquals(2, later.expected(), "expected is the running sum's length");
        assertEquals(3, later.actual());

        VectorDimensionException empty = assertThrows(VectorDimensionException.class,
                () -> VectorSymbol.sum(vectors(v(), v(1, 2))));
        assertEquals("Vector dimension mismatch: expected 0, got 2", empty.getMessage());
    }

    @Test
    void noVectorsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> VectorSymbol.sum(List.of()));
    }

    @Test
    void inputsAreNotModified() {
        double[] a = v(1, 2);
        double[] b = v(3, 4);
        double[] single = v(7);
        double[] sum = VectorSymbol.sum(vectors(a, b));
        assertArrayEquals(v(4, 6), sum);
        assertArrayEquals(v(1, 2), a);
        assertArrayEquals(v(3, 4), b);
        double[] copy = VectorSymbol.sum(vectors(single));
        copy[0] = 0;
        assertArrayEquals(v(7), single);
    }
}
