package org.lrml.backend.cpu;

import org.lrml.backend.PoolGeometry;

/**
 * Max and average pooling over NCHW planes, one (n, c) plane per unit of parallel work, so every output
 * and every gradient is computed by one thread in a fixed order. Window of output (oh, ow): rows
 * [oh sH - pH, oh sH - pH + kH) and columns likewise, clipped to the input (padding never wins a max;
 * for averages it counts in the divisor when countIncludePad, the divisor then being kH kW).
 *
 * <p>Max: the first maximum in row-major window order wins (a NaN wins over numbers, the first NaN over
 * later ones); the backward recomputes that arg-max from x and adds dy to it, windows in row-major order.
 */
final class CpuPool {
    /** Elements per parallel chunk, at least one plane. */
    private static final int GRAIN = 1 << 14;

    private CpuPool() {
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
                java.util.Arrays.fill(dxs, xb, xb + g.h() * g.w(), 0f);
                maxPlaneF(g, xs, xb, null, yb, dys, dxs);
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

    /** Forward (y != null) writes each window's maximum; backward (dx != null) adds dy at its arg-max. */
    private static void maxPlaneF(PoolGeometry g, float[] x, int xb, float[] y, int yb, float[] dy, float[] dx) {
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
                float best = x[arg];
                for (int ih = hs; ih < he; ih++) {
                    int row = xb + ih * w;
                    for (int iw = ws; iw < we; iw++) {
                        float v = x[row + iw];
                        if (v > best || (v != v && best == best)) {
                            best = v;
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

    /** {@link #maxPlaneF} in double. */
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
                        double v = x[row + iw];
                        if (v > best || (v != v && best == best)) {
                            best = v;
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
