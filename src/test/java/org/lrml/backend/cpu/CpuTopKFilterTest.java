package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The full-heap filter of the ranking: the Vector API search and the scalar search find the same first
 * survivor for every start, end and threshold, NaNs, signed zeros and infinities included, on ranges shorter
 * and longer than a vector and at every offset.
 */
class CpuTopKFilterTest {

    @Test
    void vectorAndScalarSearchesAgree() {
        Random rng = new Random(17);
        float[] pool = {Float.NaN, -0.0f, 0.0f, 1f, -1f, 2.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] f = new float[300];
        for (int i = 0; i < f.length; i++) {
            f[i] = rng.nextInt(4) == 0 ? pool[rng.nextInt(pool.length)] : (float) rng.nextGaussian() * 2;
        }
        float[] thresholds = {-0.0f, 0.0f, 1f, -1f, 2.5f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int off = 0; off < 20; off++) {
            for (int from = 0; from < 40; from += 3) {
                for (int to = from; to <= f.length - off; to += 7) {
                    for (float t : thresholds) {
                        assertEquals(CpuTopKFilter.nextAtLeastScalar(f, off, from, to, t),
                                CpuTopKFilter.nextAtLeast(f, off, from, to, t), "at least " + t);
                        assertEquals(CpuTopKFilter.nextAtMostScalar(f, off, from, to, t),
                                CpuTopKFilter.nextAtMost(f, off, from, to, t), "at most " + t);
                    }
                }
            }
        }
    }
}
