package org.lrml.backend;

/**
 * The checks of a tuple table (M rows q, p, n_1..n_K of row indices into X, N x D) that every backend's tuple
 * loss makes before touching memory, with one wording: sizes first, then each index.
 */
public final class TupleTable {
    private TupleTable() {
    }

    /** K, M, X's element count ({@code x} names X in the message) and the table's length. */
    public static void checkSizes(int n, int d, long xLength, Object x, int[] tuples, int m, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("tupleLoss: K must be at least 1 (tuples are q, p, n_1..n_K), got " + k);
        }
        if (m < 1) {
            throw new IllegalArgumentException("tupleLoss: no tuples (the batch mean needs M >= 1)");
        }
        if (n < 0 || d < 0 || xLength != (long) n * d) {
            throw new IllegalArgumentException("tupleLoss: X must hold N x D = " + n + " x " + d + " elements, got " + x);
        }
        if ((long) m * (2 + k) > Integer.MAX_VALUE - 16 || tuples.length != m * (2 + k)) {
            throw new IllegalArgumentException("tupleLoss: the tuple table must hold M x (2+K) = " + m + " x " + (2 + k)
                    + " entries, got " + tuples.length);
        }
    }

    /** Every entry is a row of X: the first one outside [0, N) is named by tuple row, column and role. */
    public static void checkIndices(int n, int[] tuples, int k) {
        int w = 2 + k;
        for (int e = 0; e < tuples.length; e++) {
            int v = tuples[e];
            if (v < 0 || v >= n) {
                int col = e % w;
                throw new IllegalArgumentException("tupleLoss: tuple row " + e / w + ", column " + col + " ("
                        + (col == 0 ? "q" : col == 1 ? "p" : "n_" + (col - 1)) + ") holds " + v
                        + ", outside the " + n + " rows of X [0, " + n + ")");
            }
        }
    }
}
