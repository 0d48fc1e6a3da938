package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The fast float32 power is {@code (float) Math.pow(x, p)} bit for bit: over random float bit patterns (every sign,
 * exponent and special value), over the activations GeM sees (clamped at 1e-6, mostly below 10), and for the
 * exponents training produces (p near 3 and p - 1, 1/p) and the edges of the fast range.
 */
class CpuFastPowTest {
    private static final double[] EXPONENTS = {3.0, (float) 3.0012, (float) 2.0012, (float) 2.97, 1.0 / 3, (float) (1 / 3.0),
            -1.0, 0.5, 2.0, 1.0, 0.0, -0.0, 1e-3, -2.5, 31.9, -31.9, 32.0, 32.5, -40, 100, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE};

    private static void check(float x, double p) {
        float expected = (float) Math.pow(x, p);
        float actual = CpuFastPow.pow(x, p);
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual), () -> x + "^" + p);
    }

    @Test
    void randomBitPatternsMatchMathPow() {
        Random rng = new Random(5);
        for (double p : EXPONENTS) {
            for (int i = 0; i < 200_000; i++) {
                check(Float.intBitsToFloat(rng.nextInt()), p);
            }
        }
    }

    @Test
    void gemActivationsMatchMathPow() {
        Random rng = new Random(6);
        for (double p : EXPONENTS) {
            for (int i = 0; i < 300_000; i++) {
                float x = Math.max(1e-6f, (float) (rng.nextGaussian() * 3));
                check(x, p);
            }
        }
        // Every float of [1, 2) and its neighbourhood of 1 for the usual exponent: the table edges and x near 1.
        for (int bits = Float.floatToIntBits(1f) - 70_000; bits < Float.floatToIntBits(2f) + 1000; bits += 7) {
            check(Float.intBitsToFloat(bits), 3.0);
            check(Float.intBitsToFloat(bits), (float) 3.0012);
        }
    }

    @Test
    void specialValuesMatchMathPow() {
        float[] xs = {0f, -0f, 1f, -1f, 2f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-6f, 1 + 0x1p-12f, 4f, 0.25f};
        for (float x : xs) {
            for (double p : EXPONENTS) {
                check(x, p);
            }
        }
    }

    @Test
    void arrayFormMatchesElementwise() {
        float[] x = {1e-6f, 0.5f, 2f, 3.75f, 100f};
        float[] z = new float[7];
        CpuFastPow.pow(x, 1, 2.5, z, 2, 4);
        for (int i = 1; i < 5; i++) {
            assertEquals((float) Math.pow(x[i], 2.5), z[i + 1]);
        }
    }
}
