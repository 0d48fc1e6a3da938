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

    @Override
    public void softmaxAxis(Storage x, int outer, int axis, int inner, boolean log, Storage y) {
        softmaxAxis(CpuStorage.of(x), outer, axis, inner, log, CpuStorage.of(y));
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

    /** Columns of one (outer) slice that one unit of parallel work takes. */
    static final int AXIS_COLUMNS = 256;

    /** Softmax over the middle axis of (outer, axis, inner): float32 takes {@link CpuSoftmaxAxisFast} when present. */
    static void softmaxAxis(CpuStorage x, int outer, int axis, int inner, boolean log, CpuStorage y) {
        runAxis(x, outer, axis, inner, log, y, FAST);
    }

    /**
     * The specification of the axis form: for each line (o, :, i) the same steps as a row of {@link #reference}
     * (maximum, exponentials and their sum in double in axis order, each output rounded once), walked slice by
     * slice so that every read is contiguous along inner; bit for bit the row reference of the transposed tensor.
     */
    static void axisReference(CpuStorage x, int outer, int axis, int inner, boolean log, CpuStorage y) {
        runAxis(x, outer, axis, inner, log, y, false);
    }

    /**
     * Units of work are (o, a block of {@value #AXIS_COLUMNS} columns of inner); a line's result does not depend
     * on the split or the thread count.
     */
    private static void runAxis(CpuStorage x, int outer, int axis, int inner, boolean log, CpuStorage y,
                                boolean fast) {
        long n = (long) outer * axis * inner;
        if (outer < 0 || axis < 1 || inner < 1 || x.length() != n || y.length() != n || x.dtype() != y.dtype()) {
            throw new IllegalArgumentException((log ? "logSoftmax" : "softmax") + ": (" + outer + ", " + axis + ", "
                    + inner + ") does not fit input " + x + " and output " + y + " (axis and inner must be >= 1,"
                    + " dtypes equal)");
        }
        int blocks = (inner + AXIS_COLUMNS - 1) / AXIS_COLUMNS;
        long units = (long) outer * blocks;
        int unitsPerChunk = (int) Math.max(1, GRAIN / ((long) axis * Math.min(inner, AXIS_COLUMNS)));
        boolean vector = fast && x.isF32();
        CpuParallel.forRange(Math.toIntExact(units), unitsPerChunk, (from, to) -> {
            double[] max = new double[Math.min(inner, AXIS_COLUMNS)];
            double[] sum = new double[max.length];
            for (int u = from; u < to; u++) {
                int o = u / blocks;
                int i0 = (u - o * blocks) * AXIS_COLUMNS;
                int cols = Math.min(AXIS_COLUMNS, inner - i0);
                int base = Math.toIntExact((long) o * axis * inner + i0);
                int done = vector ? CpuSoftmaxAxisFast.block(x.f(), y.f(), base, axis, inner, cols, log) : 0;
                if (done < cols) {
                    axisBlock(x, y, base + done, axis, inner, cols - done, log, max, sum);
                }
            }
        });
    }

    /** The reference for the lines base + i, i &lt; cols, of one slice (max and sum are scratch of >= cols). */
    private static void axisBlock(CpuStorage x, CpuStorage y, int base, int axis, int inner, int cols, boolean log,
                                  double[] max, double[] sum) {
        float[] xf = x.isF32() ? x.f() : null;
        double[] xd = x.isF32() ? null : x.d();
        java.util.Arrays.fill(max, 0, cols, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0, cols, 0.0);
        for (int a = 0; a < axis; a++) {
            int at = base + a * inner;
            for (int i = 0; i < cols; i++) {
                max[i] = Math.max(max[i], xf != null ? xf[at + i] : xd[at + i]);
            }
        }
        for (int a = 0; a < axis; a++) {
            int at = base + a * inner;
            for (int i = 0; i < cols; i++) {
                sum[i] += Math.exp((xf != null ? xf[at + i] : xd[at + i]) - max[i]);
            }
        }
        if (log) {
            for (int i = 0; i < cols; i++) {
                sum[i] = Math.log(sum[i]);
            }
        }
        for (int a = 0; a < axis; a++) {
            int at = base + a * inner;
            for (int i = 0; i < cols; i++) {
                double shifted = (xf != null ? xf[at + i] : xd[at + i]) - max[i];
                y.set(at + i, log ? shifted - sum[i] : Math.exp(shifted) / sum[i]);
            }
        }
    }
}
