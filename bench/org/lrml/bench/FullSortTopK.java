package org.lrml.bench;

import java.util.Arrays;

import org.lrml.backend.RankResult;
import org.lrml.backend.cpu.CpuParallel;

/**
 * The baseline top-k: sort each whole row and keep the first k, with the same order as the engine's
 * ranking (value descending, ties lower column first; NaN-free input). Each (value, column) pair is packed in
 * one long whose natural order is that order, so the row sorts with {@link Arrays#sort(long[])} (dual-pivot
 * quicksort on primitives, the fastest full sort the JDK offers); rows run in parallel like the engine's.
 */
final class FullSortTopK {
    private FullSortTopK() {
    }

    static RankResult top(float[] s, int rows, int cols, int k) {
        double[] values = new double[rows * k];
        long[] indices = new long[rows * k];
        CpuParallel.forRange(rows, 1, (from, to) -> {
            long[] keys = new long[cols];
            for (int r = from; r < to; r++) {
                for (int j = 0; j < cols; j++) {
                    keys[j] = ((long) descending(s[r * cols + j]) << 32) | j;
                }
                Arrays.sort(keys);
                for (int slot = 0; slot < k; slot++) {
                    int j = slot < cols ? (int) keys[slot] : -1;
                    indices[r * k + slot] = j;
                    values[r * k + slot] = j < 0 ? Double.NaN : s[r * cols + j];
                }
            }
        });
        return new RankResult(rows, k, values, indices);
    }

    /** An int whose ascending order is the float's descending order (-0.0 and 0.0 made equal). */
    private static int descending(float v) {
        int bits = Float.floatToIntBits(v == 0 ? 0f : v);
        // Negative floats order backwards in their magnitude bits; flipping those makes signed int order = float order.
        int ascending = bits >= 0 ? bits : bits ^ Integer.MAX_VALUE;
        return ~ascending;
    }
}
