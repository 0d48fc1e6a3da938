package org.lrml.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * Agreement of a float32 computation with a reference of another implementation (PyTorch): the relative error
 * of the whole array ||a - e|| / ||e||, and the largest element error relative to the reference's largest
 * magnitude (deep feature maps hold values near zero whose own relative error says nothing). Both must stay
 * within the bound; the measured values are printed for the record.
 */
public final class Agreement {
    private Agreement() {
    }

    /** The two errors, {relative norm error, max abs error / max |e|}. */
    public static double[] errors(float[] expected, float[] actual) {
        double diff = 0;
        double norm = 0;
        double maxAbs = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
            maxAbs = Math.max(maxAbs, Math.abs(d));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return new double[]{Math.sqrt(diff / norm), maxAbs / maxRef};
    }

    public static double[] check(String what, int[] expectedShape, float[] expected, int[] actualShape, float[] actual,
                                 double bound) {
        assertEquals(Arrays.toString(expectedShape), Arrays.toString(actualShape), what + ": shape");
        assertTrue(Arrays.stream(toDoubles(expected)).anyMatch(v -> v != 0), what + ": the reference is all zero");
        double[] e = errors(expected, actual);
        System.out.printf("agreement %-40s rel %.2e  max/|max| %.2e%n", what, e[0], e[1]);
        assertTrue(e[0] <= bound && e[1] <= bound, String.format("%s: relative error %.3e, max element error %.3e of"
                + " the largest value; bound %.1e", what, e[0], e[1], bound));
        return e;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
