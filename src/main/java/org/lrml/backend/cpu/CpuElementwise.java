package org.lrml.backend.cpu;

import org.lrml.backend.BinaryOp;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Elementwise;

/**
 * Elementwise primitives on the CPU. The scalar functions of {@link UnaryOp} and {@link BinaryOp}, in
 * double, are the specification of every op; float32 has tight loops for the ops training spends time
 * in, and those loops give the same results (float +, -, *, / and sqrt computed in double and rounded
 * once are exactly the float operations).
 */
final class CpuElementwise implements Elementwise {
    private static final int GRAIN = 1 << 15;

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuElementwise INSTANCE = new CpuElementwise();

    private CpuElementwise() {
    }

    @Override
    public void unary(UnaryOp op, Storage x, Storage y, double p0, double p1) {
        unary(op, CpuStorage.of(x), CpuStorage.of(y), p0, p1);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        binary(op, CpuStorage.of(a), aShape, CpuStorage.of(b), bShape, CpuStorage.of(out), outShape);
    }

    @Override
    public void axpy(double alpha, Storage x, Storage y) {
        axpy(alpha, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void maskedProduct(UnaryOp mask, Storage x, double p0, double p1, Storage dy, Storage dx, int[] shape) {
        maskedProduct(mask, CpuStorage.of(x), p0, p1, CpuStorage.of(dy), CpuStorage.of(dx));
    }

    /**
     * dx = dy * mask(x) in one pass: the mask's double comparison as {@link UnaryOp} specifies it, 1 or 0, times dy
     * (dy * 0 keeps dy's sign, and NaN or infinite dy gives NaN, as the two-pass product does).
     */
    static void maskedProduct(UnaryOp mask, CpuStorage x, double p0, double p1, CpuStorage dy, CpuStorage dx) {
        if (mask != UnaryOp.GREATER && mask != UnaryOp.IN_RANGE) {
            throw new IllegalArgumentException("maskedProduct: " + mask + " is not a mask op (GREATER or IN_RANGE)");
        }
        if (x.length() != dy.length() || x.length() != dx.length() || x.dtype() != dy.dtype() || x.dtype() != dx.dtype()) {
            throw new IllegalArgumentException("maskedProduct: x " + x + ", dy " + dy + " and dx " + dx + " differ");
        }
        int n = (int) x.length();
        boolean greater = mask == UnaryOp.GREATER;
        if (x.isF32()) {
            float[] xs = x.f();
            float[] g = dy.f();
            float[] out = dx.f();
            float t = (float) p0;
            boolean branchFree = greater && t == p0;
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                if (branchFree) {
                    // ReLU's mask as unaryF32's GREATER computes it (x > t exactly when x - t has bits in
                    // [1, 0x7f800000]): a compare-and-select on random signs is a mispredicted branch per element.
                    for (int i = from; i < to; i++) {
                        out[i] = g[i] * greater(xs[i], t);
                    }
                } else if (greater) {
                    for (int i = from; i < to; i++) {
                        out[i] = g[i] * (xs[i] > p0 ? 1f : 0f);
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        double v = xs[i];
                        out[i] = g[i] * ((p0 <= v && v <= p1) ? 1f : 0f);
                    }
                }
            });
        } else {
            double[] xs = x.d();
            double[] g = dy.d();
            double[] out = dx.d();
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double v = xs[i];
                    out[i] = g[i] * ((greater ? v > p0 : (p0 <= v && v <= p1)) ? 1.0 : 0.0);
                }
            });
        }
    }

    /**
     * 1 where x &gt; t, else 0 (NaN and ties give 0), as the float32 GREATER op and ReLU's backward mask compute it:
     * x &gt; t exactly when the bits of x - t lie in [1, 0x7f800000] (IEEE subtraction keeps the sign of x - t), so
     * integer arithmetic replaces a compare-and-branch that random signs would mispredict.
     */
    static int greater(float x, float t) {
        int b = Float.floatToRawIntBits(x - t);
        return 1 - (((0x7f800000 - b) | (b - 1)) >>> 31);
    }

    /** The specification of each unary op ({@link UnaryOp#apply}). */
    static double unaryOf(UnaryOp op, double x, double p0, double p1) {
        return op.apply(x, p0, p1);
    }

    /** The specification of each binary op ({@link BinaryOp#apply}). */
    static double binaryOf(BinaryOp op, double a, double b) {
        return op.apply(a, b);
    }

    static void unary(UnaryOp op, CpuStorage x, CpuStorage y, double p0, double p1) {
        if (x.length() != y.length() || x.dtype() != y.dtype()) {
            throw new IllegalArgumentException("unary " + op + ": input " + x + " and output " + y + " differ");
        }
        int n = (int) x.length();
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            CpuParallel.forRange(n, GRAIN, (from, to) -> unaryF32(op, xs, ys, from, to, p0, p1));
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ys[i] = unaryOf(op, xs[i], p0, p1);
                }
            });
        }
    }

    private static void unaryF32(UnaryOp op, float[] x, float[] y, int from, int to, double p0, double p1) {
        switch (op) {
            case NEG -> {
                for (int i = from; i < to; i++) {
                    y[i] = -x[i];
                }
            }
            case RELU -> {
                // Math.max(v, 0) is the specification's value (NaN stays NaN, -0 becomes +0) without a branch
                // that random signs would mispredict; the JIT vectorises it.
                for (int i = from; i < to; i++) {
                    y[i] = Math.max(x[i], 0f);
                }
            }
            case GREATER -> {
                // x > t exactly when d = x - t has bits in [1, 0x7f800000] (positive, not NaN; IEEE subtraction
                // keeps the sign of x - t): integer arithmetic instead of a mispredicted branch.
                float t = (float) p0;
                for (int i = from; i < to; i++) {
                    y[i] = greater(x[i], t);
                }
            }
            case AFFINE -> {
                if (p1 == 0.0) {
                    float a = (float) p0;
                    if (a == p0) {
                        for (int i = from; i < to; i++) {
                            y[i] = a * x[i];
                        }
                        return;
                    }
                }
                for (int i = from; i < to; i++) {
                    y[i] = (float) (p0 * x[i] + p1);
                }
            }
            case POW -> CpuFastPow.pow(x, from, p0, y, from, to - from);
            // The ops below are the specification's double formulas written out, so each loop computes exactly
            // the default loop's values; the default loop calls the formula through a lambda that every op shares,
            // a call the JIT cannot inline, and GeM's clamp, its mask and pow's log ran at several ns per element.
            case CLAMP -> {
                for (int i = from; i < to; i++) {
                    y[i] = (float) Math.min(Math.max(x[i], p0), p1);
                }
            }
            case IN_RANGE -> {
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    y[i] = (p0 <= v && v <= p1) ? 1f : 0f;
                }
            }
            case LOG -> CpuFastLog.log(x, y, from, to);
            case EXP -> {
                for (int i = from; i < to; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    y[i] = (float) unaryOf(op, x[i], p0, p1);
                }
            }
        }
    }

    static void binary(BinaryOp op, CpuStorage a, int[] aShape, CpuStorage b, int[] bShape,
                       CpuStorage out, int[] outShape) {
        int rank = outShape.length;
        if (aShape.length != rank || bShape.length != rank) {
            throw new IllegalArgumentException("binary " + op + ": ranks differ " + Shape.str(aShape) + ", "
                    + Shape.str(bShape) + " -> " + Shape.str(outShape));
        }
        if (a.dtype() != out.dtype() || b.dtype() != out.dtype()) {
            throw new IllegalArgumentException("binary " + op + ": dtypes differ: " + a + ", " + b + " -> " + out);
        }
        // Strides of a and b over the output index space (0 along broadcast axes), then merge axes that
        // are contiguous for all three so the innermost loop is as long as possible.
        int[] sa = broadcastStrides(aShape, outShape, "a", op);
        int[] sb = broadcastStrides(bShape, outShape, "b", op);
        int slots = Math.max(rank, 1);
        int[] dims = new int[slots];
        int[] ca = new int[slots];
        int[] cb = new int[slots];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (outShape[i] == 1) {
                continue;
            }
            // The output is contiguous, so only a and b decide whether axis i continues the previous one.
            if (r > 0 && ca[r - 1] == sa[i] * outShape[i] && cb[r - 1] == sb[i] * outShape[i]) {
                dims[r - 1] *= outShape[i];
                ca[r - 1] = sa[i];
                cb[r - 1] = sb[i];
            } else {
                dims[r] = outShape[i];
                ca[r] = sa[i];
                cb[r] = sb[i];
                r++;
            }
        }
        if (r == 0) {
            dims[0] = 1;
            ca[0] = 0;
            cb[0] = 0;
            r = 1;
        }
        final int crank = r;
        final int inner = dims[crank - 1];
        final int ia = ca[crank - 1];
        final int ib = cb[crank - 1];
        long total = Shape.numel(outShape);
        if (crank == 1) {
            CpuParallel.forRange(inner, GRAIN, (from, to) ->
                    row(op, a, from * ia, ia, b, from * ib, ib, out, from, to - from));
            return;
        }
        int rows = (int) (total / inner);
        int rowsPerChunk = Math.max(1, GRAIN / Math.max(inner, 1));
        CpuParallel.forRange(rows, rowsPerChunk, (from, to) -> {
            int[] idx = new int[crank - 1];
            // decompose the first row index
            int rem = from;
            for (int d = crank - 2; d >= 0; d--) {
                idx[d] = rem % dims[d];
                rem /= dims[d];
            }
            for (int row = from; row < to; row++) {
                int offA = 0;
                int offB = 0;
                for (int d = 0; d < crank - 1; d++) {
                    offA += idx[d] * ca[d];
                    offB += idx[d] * cb[d];
                }
                row(op, a, offA, ia, b, offB, ib, out, row * inner, inner);
                for (int d = crank - 2; d >= 0; d--) {
                    if (++idx[d] < dims[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        });
    }

    private static int[] broadcastStrides(int[] shape, int[] outShape, String which, BinaryOp op) {
        int[] s = Shape.strides(shape);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != outShape[i]) {
                if (shape[i] != 1) {
                    throw new IllegalArgumentException("binary " + op + ": operand " + which + " " + Shape.str(shape)
                            + " does not broadcast to " + Shape.str(outShape));
                }
                s[i] = 0;
            } else if (shape[i] == 1) {
                s[i] = 0;
            }
        }
        return s;
    }

    /** out[o + i] = op(a[ao + i sa], b[bo + i sb]) for i < len, with sa, sb in {0, 1}. */
    private static void row(BinaryOp op, CpuStorage a, int ao, int sa, CpuStorage b, int bo, int sb,
                            CpuStorage out, int o, int len) {
        if (!out.isF32()) {
            double[] x = a.d();
            double[] y = b.d();
            double[] z = out.d();
            for (int i = 0; i < len; i++) {
                z[o + i] = binaryOf(op, x[ao + i * sa], y[bo + i * sb]);
            }
            return;
        }
        float[] x = a.f();
        float[] y = b.f();
        float[] z = out.f();
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] + y[bo + i];
                    }
                }
                case SUB -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] - y[bo + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] * y[bo + i];
                    }
                }
                case DIV -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] / y[bo + i];
                    }
                }
                default -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = (float) binaryOf(op, x[ao + i], y[bo + i]);
                    }
                }
            }
        } else if (sa == 1 && sb == 0) {
            float s = y[bo];
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] + s;
                    }
                }
                case MUL -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = x[ao + i] * s;
                    }
                }
                // GeM's activations to the learned exponent, forward and backward: Math.pow's float results,
                // several times faster (CpuFastPow says why they are the same).
                case POW -> CpuFastPow.pow(x, ao, s, z, o, len);
                default -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = (float) binaryOf(op, x[ao + i], s);
                    }
                }
            }
        } else if (sa == 0 && sb == 1) {
            float s = x[ao];
            switch (op) {
                case ADD -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = s + y[bo + i];
                    }
                }
                case MUL -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = s * y[bo + i];
                    }
                }
                default -> {
                    for (int i = 0; i < len; i++) {
                        z[o + i] = (float) binaryOf(op, s, y[bo + i]);
                    }
                }
            }
        } else {
            for (int i = 0; i < len; i++) {
                z[o + i] = (float) binaryOf(op, x[ao + i * sa], y[bo + i * sb]);
            }
        }
    }

    static void axpy(double alpha, CpuStorage x, CpuStorage y) {
        if (x.length() != y.length() || x.dtype() != y.dtype()) {
            throw new IllegalArgumentException("axpy: " + x + " into " + y);
        }
        int n = (int) x.length();
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            float a = (float) alpha;
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                if (a == 1f) {
                    for (int i = from; i < to; i++) {
                        ys[i] += xs[i];
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        ys[i] += a * xs[i];
                    }
                }
            });
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ys[i] += alpha * xs[i];
                }
            });
        }
    }
}
