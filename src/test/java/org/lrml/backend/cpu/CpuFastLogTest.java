package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The fast float32 logarithm is {@code (float) Math.log(x)} bit for bit: over random float bit patterns, GeM's
 * clamped activations, every float near 1 (where ln x is tiny and the table terms cancel) and special values.
 */
class CpuFastLogTest {

    private static void check(float x) {
        assertEquals(Float.floatToIntBits((float) Math.log(x)), Float.floatToIntBits(CpuFastLog.log(x)), () -> "ln " + x);
    }

    @Test
    void randomBitPatternsAndActivationsMatchMathLog() {
        Random rng = new Random(9);
        for (int i = 0; i < 3_000_000; i++) {
            check(Float.intBitsToFloat(rng.nextInt()));
            check(Math.max(1e-6f, (float) (rng.nextGaussian() * 3)));
        }
    }

    @Test
    void floatsAroundOneAndSpecialValuesMatchMathLog() {
        int one = Float.floatToIntBits(1f);
        for (int bits = one - 300_000; bits < one + 300_000; bits++) {
            check(Float.intBitsToFloat(bits));
        }
        float[] xs = {0f, -0f, 1f, -1f, 2f, 0.5f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-6f};
        for (float x : xs) {
            check(x);
        }
        float[] y = new float[3];
        CpuFastLog.log(new float[]{1f, 2f, 3f}, y, 1, 3);
        assertEquals((float) Math.log(3f), y[2]);
        assertEquals(0f, y[0]);
    }
}
