package org.lrml.backend.cpu;

import org.lrml.backend.ReduceOp;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Reduce;

/**
 * Reductions over any set of axes. Axes are merged into alternating kept/reduced runs, the input is
 * walked once in memory order as rows of its innermost run, and each output accumulates in double in
 * input order (so results are repeatable and float32 sums are as accurate as float64 ones).
 */
final class CpuReduce implements Reduce {
    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuReduce INSTANCE = new CpuReduce();

    private CpuReduce() {
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] shape, boolean[] axes, Storage out) {
        reduce(op, CpuStorage.of(x), shape, axes, CpuStorage.of(out));
    }

    static void reduce(ReduceOp op, CpuStorage x, int[] shape, boolean[] axes, CpuStorage out) {
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("reduce: " + axes.length + " axis flags for shape " + Shape.str(shape));
        }
        long n = Shape.numel(shape);
        if (n != x.length()) {
            throw new IllegalArgumentException("reduce: shape " + Shape.str(shape) + " does not match " + x);
        }
        // Merge runs of axes with the same flag (row-major contiguity makes this exact).
        int[] dims = new int[Math.max(shape.length, 1)];
        boolean[] red = new boolean[Math.max(shape.length, 1)];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (r > 0 && red[r - 1] == axes[i]) {
                dims[r - 1] *= shape[i];
            } else {
                dims[r] = shape[i];
                red[r] = axes[i];
                r++;
            }
        }
        long outLen = 1;
        for (int i = 0; i < r; i++) {
            if (!red[i]) {
                outLen *= dims[i];
            }
        }
        if (outLen != out.length() || out.dtype() != x.dtype()) {
            throw new IllegalArgumentException("reduce: output " + out + " does not fit " + outLen + " results");
        }
        double init = switch (op) {
            case SUM -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
        double[] acc = new double[(int) outLen];
        java.util.Arrays.fill(acc, init);
        if (n > 0) {
            if (r == 0) {
                dims[0] = 1;
                red[0] = false;
                r = 1;
            }
            if (r == 3 && red[0] && !red[1] && red[2]) {
                channels(op, x, dims[0], dims[1], dims[2], acc);
            } else {
                walk(op, x, dims, red, r, acc);
            }
        }
        if (out.isF32()) {
            float[] o = out.f();
            for (int i = 0; i < acc.length; i++) {
                o[i] = (float) acc[i];
            }
        } else {
            System.arraycopy(acc, 0, out.d(), 0, acc.length);
        }
    }

    /**
     * x as (n, c, s) reduced over n and s (the bias gradient of a convolution, per-channel sums): each
     * output on one thread, combined in the order {@link #walk} uses (n, then s), in parallel over c.
     */
    private static void channels(ReduceOp op, CpuStorage x, int n, int c, int s, double[] acc) {
        boolean f32 = x.isF32();
        float[] xf = f32 ? x.f() : null;
        double[] xd = f32 ? null : x.d();
        // Float sums take four channels at a time: four independent chains of double additions, each in its own
        // channel's order, so the adder's latency is hidden and every sum is the one-channel loop's.
        CpuParallel.forRange(c, 4, (from, to) -> {
            int start = from;
            if (f32 && op == ReduceOp.SUM) {
                for (; start + 4 <= to; start += 4) {
                    sum4(xf, n, c, s, start, acc);
                }
            }
            for (int ch = start; ch < to; ch++) {
                double v = acc[ch];
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * s;
                    if (f32 && op == ReduceOp.SUM) {
                        for (int j = 0; j < s; j++) {
                            v += xf[base + j];
                        }
                    } else {
                        for (int j = 0; j < s; j++) {
                            v = combine(op, v, f32 ? xf[base + j] : xd[base + j]);
                        }
                    }
                }
                acc[ch] = v;
            }
        });
    }

    /** acc[ch0 .. ch0 + 3] += the sums of their channels over n then s, in double, one chain per channel. */
    private static void sum4(float[] x, int n, int c, int s, int ch0, double[] acc) {
        double v0 = acc[ch0];
        double v1 = acc[ch0 + 1];
        double v2 = acc[ch0 + 2];
        double v3 = acc[ch0 + 3];
        for (int i = 0; i < n; i++) {
            int b0 = (i * c + ch0) * s;
            int b1 = b0 + s;
            int b2 = b1 + s;
            int b3 = b2 + s;
            for (int j = 0; j < s; j++) {
                v0 += x[b0 + j];
                v1 += x[b1 + j];
                v2 += x[b2 + j];
                v3 += x[b3 + j];
            }
        }
        acc[ch0] = v0;
        acc[ch0 + 1] = v1;
        acc[ch0 + 2] = v2;
        acc[ch0 + 3] = v3;
    }

    private static void walk(ReduceOp op, CpuStorage x, int[] dims, boolean[] red, int r, double[] acc) {
        // Output stride of each merged axis (0 for reduced ones).
        int[] outStride = new int[r];
        int s = 1;
        for (int i = r - 1; i >= 0; i--) {
            if (!red[i]) {
                outStride[i] = s;
                s *= dims[i];
            }
        }
        int inner = dims[r - 1];
        boolean innerReduced = red[r - 1];
        long rows = x.length() / inner;
        int[] idx = new int[r];
        boolean f32 = x.isF32();
        float[] xf = f32 ? x.f() : null;
        double[] xd = f32 ? null : x.d();
        for (long row = 0; row < rows; row++) {
            int base = 0;
            for (int d = 0; d < r - 1; d++) {
                base += idx[d] * outStride[d];
            }
            int off = (int) (row * inner);
            if (innerReduced) {
                double v = acc[base];
                for (int j = 0; j < inner; j++) {
                    v = combine(op, v, f32 ? xf[off + j] : xd[off + j]);
                }
                acc[base] = v;
            } else {
                for (int j = 0; j < inner; j++) {
                    acc[base + j] = combine(op, acc[base + j], f32 ? xf[off + j] : xd[off + j]);
                }
            }
            for (int d = r - 2; d >= 0; d--) {
                if (++idx[d] < dims[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    private static double combine(ReduceOp op, double acc, double v) {
        return switch (op) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}
