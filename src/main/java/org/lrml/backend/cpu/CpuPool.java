package org.lrml.backend.cpu;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Pool;

/**
 * Max and average pooling over NCHW planes, one (n, c) plane per unit of parallel work, so every output
 * and every gradient is computed by one thread in a fixed order. Window of output (oh, ow): rows
 * [oh sH - pH, oh sH - pH + kH) and columns likewise, clipped to the input (padding never wins a max;
 * for averages it counts in the divisor when countIncludePad, the divisor then being kH kW).
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
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padH();
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + g.kh(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padW();
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + g.kw(), w);
                if (y != null) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            best = Math.max(best, x[row + iw]);
                        }
                    }
                    y[o] = best;
                } else {
                    int top = Integer.MIN_VALUE;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            top = Math.max(top, key(x[row + iw]));
                        }
                    }
                    // Scan backwards so that the first cell holding the maximum is the last one selected.
                    int arg = 0;
                    for (int ih = he - 1; ih >= hs; ih--) {
                        int row = xb + ih * w;
                        for (int iw = we - 1; iw >= ws; iw--) {
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

    private static boolean isTwoByTwo(PoolGeometry g) {
        return g.kh() == 2 && g.kw() == 2 && g.strideH() == 2 && g.strideW() == 2 && g.padH() == 0 && g.padW() == 0;
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
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padH();
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + g.kh(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padW();
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + g.kw(), w);
                int arg = xb + hs * w + ws;
                double best = x[arg];
                for (int ih = hs; ih < he; ih++) {
                    int row = xb + ih * w;
                    for (int iw = ws; iw < we; iw++) {
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

    private static int divisor(PoolGeometry g, int hs, int he, int ws, int we) {
        return g.countIncludePad() ? g.kh() * g.kw() : (he - hs) * (we - ws);
    }

    /** Forward: y = window sum / divisor. Backward (x holds dx, y holds dy): dx += dy / divisor over the window. */
    private static void avgPlaneF(PoolGeometry g, float[] x, int xb, float[] y, int yb, boolean backward) {
        int w = g.w();
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padH();
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + g.kh(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padW();
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + g.kw(), w);
                float div = divisor(g, hs, he, ws, we);
                if (backward) {
                    float share = y[o] / div;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            x[row + iw] += share;
                        }
                    }
                } else {
                    float s = 0f;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
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
        int o = yb;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.strideH() - g.padH();
            int hs = Math.max(h0, 0);
            int he = Math.min(h0 + g.kh(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.strideW() - g.padW();
                int ws = Math.max(w0, 0);
                int we = Math.min(w0 + g.kw(), w);
                double div = divisor(g, hs, he, ws, we);
                if (backward) {
                    double share = y[o] / div;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            x[row + iw] += share;
                        }
                    }
                } else {
                    double s = 0;
                    for (int ih = hs; ih < he; ih++) {
                        int row = xb + ih * w;
                        for (int iw = ws; iw < we; iw++) {
                            s += x[row + iw];
                        }
                    }
                    y[o] = s / div;
                }
            }
        }
    }
}
