package org.lrml.backend;

/**
 * Result of a {@link RankSpec}: row-major rows x k values and global column indices (-1 and NaN in
 * empty slots). Values are doubles so that float32 and float64 scores both come back exactly.
 */
public record RankResult(int rows, int k, double[] values, long[] indices) {

    public RankResult {
        if (values.length != (long) rows * k || indices.length != (long) rows * k) {
            throw new IllegalArgumentException("rank result: arrays must hold rows*k = " + (long) rows * k + " entries");
        }
    }

    public double value(int row, int slot) {
        return values[row * k + slot];
    }

    public long index(int row, int slot) {
        return indices[row * k + slot];
    }
}
