package org.lrml.loss;

import java.util.Arrays;

import org.lrml.io.NpyArray;

/**
 * A tuple table: M rows of (q, p, n_1..n_K) indices into the rows of a descriptor matrix, row-major
 * in one int array of M x (2+K) entries. Immutable; {@link #validate} checks the indices against a row count.
 */
public final class Tuples {
    private final int[] table;
    private final int m;
    private final int k;

    private Tuples(int[] table, int m, int k) {
        this.table = table;
        this.m = m;
        this.k = k;
    }

    /** A table of m tuples with k negatives each (copies the array). */
    public static Tuples of(int[] table, int m, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("tuples: K must be at least 1 (rows are q, p, n_1..n_K), got K = " + k);
        }
        if (m < 0 || (long) m * (2 + k) != table.length) {
            throw new IllegalArgumentException("tuples: " + table.length + " entries cannot form " + m + " rows of 2+K = "
                    + (2 + k) + " columns");
        }
        return new Tuples(table.clone(), m, k);
    }

    /**
     * The table of an M x (2+K) integer array (int64 as written by NumPy, or int32); the message names the
     * source when the dtype, rank or width is wrong.
     */
    public static Tuples fromNpy(NpyArray a, String source) {
        if (a.type() != NpyArray.Type.I8 && a.type() != NpyArray.Type.I4) {
            throw new IllegalArgumentException(source + ": tuples must be int64 (or int32), got " + a.type().numpyName());
        }
        int[] shape = a.shape();
        if (shape.length != 2) {
            throw new IllegalArgumentException(source + ": tuples must be a 2-D array M x (2+K) of rows q, p, n_1..n_K,"
                    + " got shape " + Arrays.toString(shape));
        }
        if (shape[1] < 3) {
            throw new IllegalArgumentException(source + ": tuples have " + shape[1] + " columns, so K = " + (shape[1] - 2)
                    + "; rows are q, p, n_1..n_K with K >= 1 (at least 3 columns)");
        }
        if (shape[0] < 1) {
            throw new IllegalArgumentException(source + ": no tuples (shape " + Arrays.toString(shape) + ")");
        }
        return new Tuples(a.toInts(source), shape[0], shape[1] - 2);
    }

    /** The table as an int64 M x (2+K) array (what {@code np.save} of an int64 table holds). */
    public NpyArray toNpy() {
        long[] v = new long[table.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = table[i];
        }
        return NpyArray.of(v, m, 2 + k);
    }

    /** Throws when an index is outside [0, rows); the message names the tuple row, column and value. */
    public Tuples validate(int rows, String what) {
        int w = width();
        for (int e = 0; e < table.length; e++) {
            int v = table[e];
            if (v < 0 || v >= rows) {
                int col = e % w;
                throw new IllegalArgumentException(what + ": tuple row " + e / w + ", column " + col + " ("
                        + columnName(col) + ") holds " + v + ", outside the " + rows + " rows of X [0, " + rows + ")");
            }
        }
        return this;
    }

    /** "q", "p" or "n_i" for a column of the table. */
    public static String columnName(int col) {
        return col == 0 ? "q" : col == 1 ? "p" : "n_" + (col - 1);
    }

    /** Number of tuples M. */
    public int m() {
        return m;
    }

    /** Negatives per tuple K. */
    public int k() {
        return k;
    }

    /** Columns per row, 2 + K. */
    public int width() {
        return 2 + k;
    }

    public int query(int t) {
        return table[t * width()];
    }

    public int positive(int t) {
        return table[t * width() + 1];
    }

    /** The i-th negative (0-based) of tuple t. */
    public int negative(int t, int i) {
        return table[t * width() + 2 + i];
    }

    /** A copy of the row-major table. */
    public int[] table() {
        return table.clone();
    }

    /** The table without copying, for the backend call (callers must not modify it). */
    int[] tableView() {
        return table;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuples t && t.m == m && t.k == k && Arrays.equals(t.table, table);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(table) * 31 + k;
    }

    @Override
    public String toString() {
        return "Tuples(" + m + " x (2+" + k + "))";
    }
}
