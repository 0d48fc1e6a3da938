package org.lrml.backend.cpu;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Softmax;

/**
 * Row-wise softmax and log-softmax of a rows x cols matrix. Each row subtracts its maximum before
 * exponentiating (so large logits do not overflow); {@link #reference} sums the exponentials in double,
 * in column order. Rows are split across threads, and a row's result does not depend on which thread
 * computes it. A NaN anywhere in a row makes the whole row NaN; a row of -inf gives NaN (0/0), as PyTorch.
 * Float32 rows go to {@link CpuSoftmaxFast} (vector exponentials) when the Vector API module is present.
 */
final class CpuSoftmax implements Softmax {
    /** Elements per parallel chunk: big enough to amortise a task hand-off, small enough to balance. */
    private static final int GRAIN = 1 << 14;
    /** Whether jdk.incubator.vector is resolved in this JVM (the launcher and the tests add it). */
    static final boolean FAST = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuSoftmax INSTANCE = new CpuSoftmax();

    private CpuSoftmax() {
    }

    @Override
    public void softmax(Storage x, int rows, int cols, boolean log, Storage y) {
        softmax(CpuStorage.of(x), rows, cols, log, CpuStorage.of(y));
    }

    static String describe() {
        return FAST ? CpuSoftmaxFast.describe() : "scalar (jdk.incubator.vector not loaded)";
    }

    static void softmax(CpuStorage x, int rows, int cols, boolean log, CpuStorage y) {
        run(x, rows, cols, log, y, FAST);
    }

    /** The specification: exponentials and sums in double for both dtypes. */
    static void reference(CpuStorage x, int rows, int cols, boolean log, CpuStorage y) {
        run(x, rows, cols, log, y, false);
    }

    private static void run(CpuStorage x, int rows, int cols, boolean log, CpuStorage y, boolean fast) {
        long n = (long) rows * cols;
        if (rows < 0 || cols < 1 || x.length() != n || y.length() != n || x.dtype() != y.dtype()) {
            throw new IllegalArgumentException((log ? "logSoftmax" : "softmax") + ": " + rows + " x " + cols
                    + " does not fit input " + x + " and output " + y + " (cols must be >= 1, dtypes equal)");
        }
        int rowsPerChunk = Math.max(1, GRAIN / cols);
        if (x.isF32() && fast) {
            float[] xs = x.f();
            float[] ys = y.f();
            CpuParallel.forRange(rows, rowsPerChunk, (from, to) -> {
                for (int r = from; r < to; r++) {
                    CpuSoftmaxFast.row(xs, ys, r * cols, cols, log);
                }
            });
        } else if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            CpuParallel.forRange(rows, rowsPerChunk, (from, to) -> {
                // Exponentials kept in double between the two passes: one exp per element, one rounding.
                double[] e = new double[cols];
                for (int r = from; r < to; r++) {
                    rowF32(xs, ys, r * cols, cols, log, e);
                }
            });
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            CpuParallel.forRange(rows, rowsPerChunk, (from, to) -> {
                for (int r = from; r < to; r++) {
                    rowF64(xs, ys, r * cols, cols, log);
                }
            });
        }
    }

    private static void rowF32(float[] x, float[] y, int o, int cols, boolean log, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            e[j] = Math.exp(x[o + j] - max);
            sum += e[j];
        }
        if (log) {
            double logSum = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                y[o + j] = (float) ((x[o + j] - max) - logSum);
            }
        } else {
            for (int j = 0; j < cols; j++) {
                y[o + j] = (float) (e[j] / sum);
            }
        }
    }

    /** Same steps as the float32 row; the exponentials are parked in y (in place is allowed too). */
    private static void rowF64(double[] x, double[] y, int o, int cols, boolean log) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        if (log) {
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[o + j] - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                y[o + j] = (x[o + j] - max) - logSum;
            }
        } else {
            for (int j = 0; j < cols; j++) {
                double e = Math.exp(x[o + j] - max);
                y[o + j] = e;
                sum += e;
            }
            for (int j = 0; j < cols; j++) {
                y[o + j] /= sum;
            }
        }
    }
}
