package org.lrml.backend.cpu;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Pool;

/**
 * Max and average pooling over NCHW planes, one (n, c) plane per unit of parallel work, so every output
 * and every gradient is computed by one thread in a fixed order. Window of output (oh, ow): rows
 * oh sH - padTop + ki dH (ki &lt; kH) and columns likewise, clipped to the input (padding never wins a max;
 * for averages it counts in the divisor when countIncludePad: see {@link PoolGeometry}). {@link Window} holds
 * one axis of a window: with dilation 1 its loops are the plain [start, end) ranges of the original code.
 *
 * <p>Max: the first maximum in row-major window order wins, values ordered as {@link Float#compare} orders
 * them (-0 below +0; NaN above every number, all NaNs equal), which is also the order of Math.max; the
 * backward recomputes that arg-max from x and adds dy to it, windows in row-major order.
 */
final class CpuPool implements Pool {
    /** Elements per parallel chunk, at least one plane. */
    private static final int GRAIN = 1 << 14;

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuPool INSTANCE = new CpuPool();

    private CpuPool() {
    }

    @Override
    public void maxForward(PoolGeometry g, Storage x, Storage y) {
        maxForward(g, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void maxForwardWithIndices(PoolGeometry g, Storage x, Storage y, long[] indices) {
        maxForwardWithIndices(g, CpuStorage.of(x), CpuStorage.of(y), indices);
    }

    @Override
    public void maxBackward(PoolGeometry g, Storage x, Storage dy, Storage dx) {
        maxBackward(g, CpuStorage.of(x), CpuStorage.of(dy), CpuStorage.of(dx));
    }

    @Override
    public void avgForward(PoolGeometry g, Storage x, Storage y) {
        avgForward(g, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void avgBackward(PoolGeometry g, Storage dy, Storage dx) {
        avgBackward(g, CpuStorage.of(dy), CpuStorage.of(dx));
    }

    @Override
    public void gemSum(Storage x, int planes, int hw, Storage p, double eps, Storage t, Storage sums) {
        CpuGem.sum(CpuStorage.of(x), planes, hw, CpuStorage.of(p), eps, CpuStorage.of(t), CpuStorage.of(sums));
    }

    @Override
    public void gemSumBackward(Storage x, Storage t, Storage ds, int planes, int hw, Storage p, double eps,
                               Storage dx, Storage q) {
        CpuGem.backward(CpuStorage.of(x), CpuStorage.of(t), CpuStorage.of(ds), planes, hw, CpuStorage.of(p), eps,
                CpuStorage.of(dx), CpuStorage.of(q));
    }

    private static void check(String op, PoolGeometry g, CpuStorage x, CpuStorage y) {
        long xl = (long) g.n() * g.c() * g.h() * g.w();
        long yl = (long) g.n() * g.c() * g.outH() * g.outW();
        if (x.length() != xl || y.length() != yl || x.dtype() != y.dtype()) {
            throw new IllegalArgumentException(op + ": buffers " + x + " and " + y + " do not fit " + g + " (need "
                    + xl + " and " + yl + " elements of one dtype)");
        }
    }

    private static void forPlanes(PoolGeometry g, PlaneBody body) {
        int planes = g.n() * g.c();
        int perChunk = Math.max(1, GRAIN / (g.h() * g.w()));
        CpuParallel.forRange(planes, perChunk, (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                body.run(pl, pl * g.h() * g.w(), pl * g.outH() * g.outW());
            }
        });
    }

    @FunctionalInterface
    private interface PlaneBody {
        void run(int plane, int xBase, int yBase);
    }

    static void maxForward(PoolGeometry g, CpuStorage x, CpuStorage y) {
        check("maxPool2d forward", g, x, y);
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            forPlanes(g, (pl, xb, yb) -> maxPlaneF(g, xs, xb, ys, yb, null, null));
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            forPlanes(g, (pl, xb, yb) -> maxPlaneD(g, xs, xb, ys, yb, null, null));
        }
    }

    /**
     * The arg-max pass written plainly (either dtype, values compared as {@link Double#compare} orders them,
     * which for widened floats is {@link Float#compare}'s order): y[o] = x[arg], indices[o] = arg, the flat index
     * into x, or -1 and -infinity for a window with no cell inside the input.
     */
    static void maxForwardWithIndices(PoolGeometry g, CpuStorage x, CpuStorage y, long[] indices) {
        check("maxPool2d forward with indices", g, x, y);
        if (indices.length != y.length()) {
            throw new IllegalArgumentException("maxPool2d forward with indices: " + indices.length
                    + " indices for " + y.length() + " outputs of " + g);
        }
        float[] xf = x.isF32() ? x.f() : null;
        double[] xd = x.isF32() ? null : x.d();
        forPlanes(g, (pl, xb, yb) -> {
            int w = g.w();
            int o = yb;
            for (int oh = 0; oh < g.outH(); oh++) {
                int h0 = oh * g.strideH() - g.padTop();
                int he = Window.end(h0, g.kh(), g.dilH(), g.h());
                for (int ow = 0; ow < g.outW(); ow++, o++) {
                    int w0 = ow * g.strideW() - g.padLeft();
                    int we = Window.end(w0, g.kw(), g.dilW(), w);
                    int arg = -1;
                    double best = Double.NEGATIVE_INFINITY;
                    for (int ih = Window.first(h0, g.dilH()); ih < he; ih += g.dilH()) {
                        for (int iw = Window.first(w0, g.dilW()); iw < we; iw += g.dilW()) {
                            int i = xb + ih * w + iw;
                            double v = xf != null ? xf[i] : xd[i];
                            if (arg < 0 || Double.compare(v, best) > 0) {
                                best = v;
                                arg = i;
                            }
                        }
                    }
                    indices[o] = arg;
                    y.set(o, arg < 0 ? Double.NEGATIVE_INFINITY : xf != null ? xf[arg] : xd[arg]);
                }
            }
        });
    }

    static void maxBackward(PoolGeometry g, CpuStorage x, CpuStorage dy, CpuStorage dx) {
        check("maxPool2d backward", g, x, dy);
        check("maxPool2d backward", g, dx, dy);
        if (x.isF32()) {
            float[] xs = x.f();
            float[] dys = dy.f();
            float[] dxs = dx.f();
            forPlanes(g, (pl, xb, yb) -> {
                if (isTwoByTwo(g)) {
                    maxPlane2x2F(g, xs, xb, null, yb, dys, dxs);
                } else {
                    java.util.Arrays.fill(dxs, xb, xb + g.h() * g.w(), 0f);
                    maxPlaneF(g, xs, xb, null, yb, dys, dxs);
                }
            });
        } else {
            double[] xs = x.d();
            double[] dys = dy.d();
            double[] dxs = dx.d();
            forPlanes(g, (pl, xb, yb) -> {
                java.util.Arrays.fill(dxs, xb, xb + g.h() * g.w(), 0.0);
                maxPlaneD(g, xs, xb, null, yb, dys, dxs);
            });
        }
    }

    /**
     * Forward: y = the window maximum, Math.max's order (-0 below +0, NaN above everything), branch-free.
     * Backward: dx[arg] += dy with arg the first cell (row-major) holding that maximum, found on integer keys
     * that sort like {@link Float#compare} without a data-dependent branch (random data would mispredict
     * about one compare in two, which costs more than the arithmetic).
     */
    private static void maxPlaneF(PoolGeometry g, float[] x, int xb, float[] y, int yb, float[] dy, float[] dx) {
        if (isTwoByTwo(g)) {
            maxPlane2x2F(g, x, xb, y, yb, dy, dx);
            return;
        }
        int w = g.w();
        int dh = g.dilH();
        int dw = g.dilW();
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padTop();
            int hs = Window.first(h0, g.dilH());
            int he = Window.end(h0, g.kh(), g.dilH(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padLeft();
                int ws = Window.first(w0, g.dilW());
                int we = Window.end(w0, g.kw(), g.dilW(), w);
                if (y != null) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            best = Math.max(best, x[row + iw]);
                        }
                    }
                    y[o] = best;
                } else {
                    if (hs >= he || ws >= we) {
                        continue; // no cell inside the input (dilation only): nothing to route
                    }
                    int top = Integer.MIN_VALUE;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            top = Math.max(top, key(x[row + iw]));
                        }
                    }
                    // Scan backwards so that the first cell holding the maximum is the last one selected.
                    int arg = 0;
                    for (int ih = Window.last(hs, he, dh); ih >= hs; ih -= dh) {
                        int row = xb + ih * w;
                        for (int iw = Window.last(ws, we, dw); iw >= ws; iw -= dw) {
                            int diff = key(x[row + iw]) ^ top;
                            int keep = (diff | -diff) >> 31; // 0 where this cell holds the maximum, else -1
                            arg = (arg & keep) | ((row + iw) & ~keep);
                        }
                    }
                    dx[arg] += dy[o];
                }
            }
        }
    }

    /** 2x2 windows, stride 2, no padding or dilation, every window inside the input (ceil mode adds none). */
    private static boolean isTwoByTwo(PoolGeometry g) {
        return g.kh() == 2 && g.kw() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padTop() == 0
                && g.padLeft() == 0 && g.padBottom() == 0 && g.padRight() == 0 && g.dilH() == 1 && g.dilW() == 1
                && 2 * g.outH() <= g.h() && 2 * g.outW() <= g.w();
    }

    /**
     * {@link #maxPlaneF} for the common 2x2 stride-2 unpadded window, unrolled (variable-length window loops
     * cost several times the arithmetic for windows this small). The windows do not overlap, so the
     * backward writes every cell of dx once: dy at the window's arg-max, +0 elsewhere (no separate zeroing
     * pass and no read-modify-write), selected with integer masks rather than branches.
     */
    private static void maxPlane2x2F(PoolGeometry g, float[] x, int xb, float[] y, int yb, float[] dy, float[] dx) {
        if (y != null) {
            maxForward2x2F(g, x, xb, y, yb);
        } else {
            maxBackward2x2F(g, x, xb, dy, yb, dx);
        }
    }

    private static void maxForward2x2F(PoolGeometry g, float[] x, int xb, float[] y, int yb) {
        int w = g.w();
        int o = yb;
        int ow2 = 2 * g.outW();
        for (int oh = 0; oh < g.outH(); oh++) {
            int r0 = xb + 2 * oh * w;
            int r1 = r0 + w;
            for (int c = 0; c < ow2; c += 2, o++) {
                y[o] = Math.max(Math.max(x[r0 + c], x[r0 + c + 1]), Math.max(x[r1 + c], x[r1 + c + 1]));
            }
        }
    }

    private static void maxBackward2x2F(PoolGeometry g, float[] x, int xb, float[] dy, int yb, float[] dx) {
        int w = g.w();
        int o = yb;
        int ow2 = 2 * g.outW();
        for (int oh = 0; oh < g.outH(); oh++) {
            int r0 = xb + 2 * oh * w;
            int r1 = r0 + w;
            for (int c = 0; c < ow2; c += 2, o++) {
                float v0 = x[r0 + c];
                float v1 = x[r0 + c + 1];
                float v2 = x[r1 + c];
                float v3 = x[r1 + c + 1];
                // Math.max returns one of its arguments (NaN aside), so the maximum's bits identify its cells;
                // floatToIntBits folds every NaN to one pattern.
                int top = Float.floatToIntBits(Math.max(Math.max(v0, v1), Math.max(v2, v3)));
                // e_i = -1 where cell i holds the maximum and no earlier cell does, else 0.
                int e0 = equalMask(Float.floatToIntBits(v0), top);
                int taken = e0;
                int e1 = equalMask(Float.floatToIntBits(v1), top) & ~taken;
                taken |= e1;
                int e2 = equalMask(Float.floatToIntBits(v2), top) & ~taken;
                taken |= e2;
                int e3 = ~taken;
                int gb = Float.floatToRawIntBits(dy[o]);
                dx[r0 + c] = Float.intBitsToFloat(gb & e0);
                dx[r0 + c + 1] = Float.intBitsToFloat(gb & e1);
                dx[r1 + c] = Float.intBitsToFloat(gb & e2);
                dx[r1 + c + 1] = Float.intBitsToFloat(gb & e3);
            }
            if (ow2 < w) {
                dx[r0 + w - 1] = 0f;
                dx[r1 + w - 1] = 0f;
            }
        }
        if (2 * g.outH() < g.h()) {
            int last = xb + (g.h() - 1) * w;
            java.util.Arrays.fill(dx, last, last + w, 0f);
        }
    }

    /** -1 when a == b, else 0, without a branch. */
    private static int equalMask(int a, int b) {
        int d = a ^ b;
        return ~((d | -d) >> 31);
    }

    /** An int that orders like {@link Float#compare}: -0 below +0, every NaN equal and above +infinity. */
    static int key(float v) {
        int b = Float.floatToRawIntBits(v);
        int k = b ^ ((b >> 31) & 0x7fffffff);
        int nan = (0x7f800000 - (b & 0x7fffffff)) >> 31; // -1 for NaN, else 0
        return (k & ~nan) | (Integer.MAX_VALUE & nan);
    }

    /** The specification of {@link #maxPlaneF}: first maximum in {@link Double#compare} order, plain loops. */
    private static void maxPlaneD(PoolGeometry g, double[] x, int xb, double[] y, int yb, double[] dy, double[] dx) {
        int w = g.w();
        int dh = g.dilH();
        int dw = g.dilW();
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padTop();
            int hs = Window.first(h0, g.dilH());
            int he = Window.end(h0, g.kh(), g.dilH(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padLeft();
                int ws = Window.first(w0, g.dilW());
                int we = Window.end(w0, g.kw(), g.dilW(), w);
                if (hs >= he || ws >= we) {
                    if (y != null) {
                        y[o] = Double.NEGATIVE_INFINITY; // no cell inside the input (dilation only)
                    }
                    continue;
                }
                int arg = xb + hs * w + ws;
                double best = x[arg];
                for (int ih = hs; ih < he; ih += dh) {
                    int row = xb + ih * w;
                    for (int iw = ws; iw < we; iw += dw) {
                        if (Double.compare(x[row + iw], best) > 0) {
                            best = x[row + iw];
                            arg = row + iw;
                        }
                    }
                }
                if (y != null) {
                    y[o] = best;
                } else {
                    dx[arg] += dy[o];
                }
            }
        }
    }

    static void avgForward(PoolGeometry g, CpuStorage x, CpuStorage y) {
        check("avgPool2d forward", g, x, y);
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            forPlanes(g, (pl, xb, yb) -> avgPlaneF(g, xs, xb, ys, yb, false));
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            forPlanes(g, (pl, xb, yb) -> avgPlaneD(g, xs, xb, ys, yb, false));
        }
    }

    static void avgBackward(PoolGeometry g, CpuStorage dy, CpuStorage dx) {
        check("avgPool2d backward", g, dx, dy);
        if (dx.isF32()) {
            float[] dys = dy.f();
            float[] dxs = dx.f();
            forPlanes(g, (pl, xb, yb) -> {
                java.util.Arrays.fill(dxs, xb, xb + g.h() * g.w(), 0f);
                avgPlaneF(g, dxs, xb, dys, yb, true);
            });
        } else {
            double[] dys = dy.d();
            double[] dxs = dx.d();
            forPlanes(g, (pl, xb, yb) -> {
                java.util.Arrays.fill(dxs, xb, xb + g.h() * g.w(), 0.0);
                avgPlaneD(g, dxs, xb, dys, yb, true);
            });
        }
    }

    /**
     * The average's divisor for the window starting at (h0, w0) whose cells inside the input are the rows
     * [hs, he) and columns [ws, we) (step the dilation): with countIncludePad the cells inside the padded extent
     * (kh kw unless a ceil-mode window overhangs the bottom or right padding), else those inside the input.
     */
    private static int divisor(PoolGeometry g, int h0, int hs, int he, int w0, int ws, int we) {
        if (g.countIncludePad()) {
            return Window.count(h0, Window.end(h0, g.kh(), g.dilH(), g.h() + g.padBottom()), g.dilH())
                    * Window.count(w0, Window.end(w0, g.kw(), g.dilW(), g.w() + g.padRight()), g.dilW());
        }
        return Window.count(hs, he, g.dilH()) * Window.count(ws, we, g.dilW());
    }

    /** Forward: y = window sum / divisor. Backward (x holds dx, y holds dy): dx += dy / divisor over the window. */
    private static void avgPlaneF(PoolGeometry g, float[] x, int xb, float[] y, int yb, boolean backward) {
        int w = g.w();
        int dh = g.dilH();
        int dw = g.dilW();
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padTop();
            int hs = Window.first(h0, g.dilH());
            int he = Window.end(h0, g.kh(), g.dilH(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padLeft();
                int ws = Window.first(w0, g.dilW());
                int we = Window.end(w0, g.kw(), g.dilW(), w);
                float div = divisor(g, h0, hs, he, w0, ws, we);
                if (backward) {
                    float share = y[o] / div;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            x[row + iw] += share;
                        }
                    }
                } else {
                    float s = 0f;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            s += x[row + iw];
                        }
                    }
                    y[o] = s / div;
                }
            }
        }
    }

    /** {@link #avgPlaneF} in double. */
    private static void avgPlaneD(PoolGeometry g, double[] x, int xb, double[] y, int yb, boolean backward) {
        int w = g.w();
        int dh = g.dilH();
        int dw = g.dilW();
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padTop();
            int hs = Window.first(h0, g.dilH());
            int he = Window.end(h0, g.kh(), g.dilH(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padLeft();
                int ws = Window.first(w0, g.dilW());
                int we = Window.end(w0, g.kw(), g.dilW(), w);
                double div = divisor(g, h0, hs, he, w0, ws, we);
                if (backward) {
                    double share = y[o] / div;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            x[row + iw] += share;
                        }
                    }
                } else {
                    double s = 0;
                    for (int ih = hs; ih < he; ih += dh) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw += dw) {
                            s += x[row + iw];
                        }
                    }
                    y[o] = s / div;
                }
            }
        }
    }
}
