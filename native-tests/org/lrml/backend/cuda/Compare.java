package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.Storage;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * Helpers of the native tests: seeded inputs (never all zero), the same values on the CPU and the CUDA backend,
 * and comparisons under the one tolerance rule (or bit for bit where the kernels promise it).
 */
public final class Compare {
    private Compare() {
    }

    /** n values uniform in [lo, hi), rounded to float (what both backends hold). */
    public static float[] uniform(long seed, int n, double lo, double hi) {
        Rng r = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return f;
    }

    public static float[] normal(long seed, int n) {
        Rng r = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /** Values whose magnitude is at least 0.1 (for kinks at 0). */
    public static float[] awayFromZero(long seed, int n) {
        Rng r = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            double m = 0.1 + 2 * r.nextDouble();
            f[i] = (float) (r.nextDouble() < 0.5 ? -m : m);
        }
        return f;
    }

    public static Storage on(Backend b, float[] values) {
        return b.upload(values);
    }

    public static double[] values(Backend b, Storage s) {
        double[] d = new double[Math.toIntExact(s.length())];
        b.download(s, d);
        return d;
    }

    public static float[] floats(Backend b, Storage s) {
        float[] f = new float[Math.toIntExact(s.length())];
        b.download(s, f);
        return f;
    }

    public static Backend cpu() {
        return Backends.cpu();
    }

    /** CUDA against the expected values under the tolerance rule. */
    public static void close(String what, int[] shape, double[] expected, double[] actual) {
        Tolerance.F32.check(what, shape, expected, actual);
    }

    /** Bit-for-bit equality of float results (NaNs compared by pattern class: NaN matches NaN). */
    public static void identical(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        boolean anyNonZero = false;
        for (int i = 0; i < expected.length; i++) {
            anyNonZero |= expected[i] != 0;
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
            if (!same) {
                throw new AssertionError(what + ": first difference at " + i + ": expected " + expected[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), got " + actual[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
        if (expected.length > 0 && !anyNonZero) {
            throw new AssertionError(what + ": the expected values are all zero, so the comparison would prove nothing");
        }
    }

    public static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
