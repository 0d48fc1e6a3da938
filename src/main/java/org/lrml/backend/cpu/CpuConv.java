package org.lrml.backend.cpu;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Conv;

/**
 * 2-D convolution on the CPU (NCHW). Float32 goes to {@link CpuConvFast} (im2col + the packed GEMM);
 * float64 and the tests' expectations use the reference here: straight loops over the definition with
 * double accumulation, the specification the fast path is tested against.
 *
 * <p>With x (N, C, H, W), w (O, C/G, KH, KW), y (N, O, OH, OW), group of o: g = o / (O/G), and input
 * position ih = oh sH - pH + ki dH, iw = ow sW - pW + kj dW (terms outside the input are zero):
 * <pre>
 *   y[n,o,oh,ow]   = sum_{c in g, ki, kj} x[n,c,ih,iw] w[o,c-g C/G,ki,kj]
 *   dx[n,c,ih,iw]  = sum over (o in g, ki, kj, oh, ow) that read (ih, iw) of dy[n,o,oh,ow] w[o,c-g C/G,ki,kj]
 *   dw[o,c',ki,kj] = sum_{n, oh, ow} dy[n,o,oh,ow] x[n,g C/G + c',ih,iw]
 * </pre>
 */
public final class CpuConv implements Conv {
    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuConv INSTANCE = new CpuConv();

    private CpuConv() {
    }

    @Override
    public void forward(ConvGeometry g, Storage x, Storage w, Storage y) {
        forward(g, CpuStorage.of(x), CpuStorage.of(w), CpuStorage.of(y));
    }

    @Override
    public void backwardData(ConvGeometry g, Storage dy, Storage w, Storage dx) {
        backwardData(g, CpuStorage.of(dy), CpuStorage.of(w), CpuStorage.of(dx));
    }

    @Override
    public void backwardFilter(ConvGeometry g, Storage x, Storage dy, Storage dw) {
        backwardFilter(g, CpuStorage.of(x), CpuStorage.of(dy), CpuStorage.of(dw));
    }

    static void forward(ConvGeometry g, CpuStorage x, CpuStorage w, CpuStorage y) {
        check("conv2d forward", g, x, w, y, "y");
        if (y.isF32()) {
            CpuConvFast.forward(g, x.f(), w.f(), y.f());
        } else {
            referenceForward(g, x, w, y);
        }
    }

    static void backwardData(ConvGeometry g, CpuStorage dy, CpuStorage w, CpuStorage dx) {
        check("conv2d backward data", g, dx, w, dy, "dy");
        if (dx.isF32()) {
            CpuConvFast.backwardData(g, dy.f(), w.f(), dx.f());
        } else {
            referenceBackwardData(g, dy, w, dx);
        }
    }

    static void backwardFilter(ConvGeometry g, CpuStorage x, CpuStorage dy, CpuStorage dw) {
        check("conv2d backward filter", g, x, dw, dy, "dy");
        if (dw.isF32()) {
            CpuConvFast.backwardFilter(g, x.f(), dy.f(), dw.f());
        } else {
            referenceBackwardFilter(g, x, dy, dw);
        }
    }

    /** Lengths and dtypes of x-like, w-like and y-like buffers against the geometry. */
    private static void check(String op, ConvGeometry g, CpuStorage x, CpuStorage w, CpuStorage y, String yName) {
        long xl = (long) g.n() * g.cIn() * g.h() * g.w();
        long wl = (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
        long yl = (long) g.n() * g.cOut() * g.outH() * g.outW();
        if (x.length() != xl || w.length() != wl || y.length() != yl) {
            throw new IllegalArgumentException(op + ": buffers do not fit " + g + ": x-side " + x.length() + " (need "
                    + xl + "), weight " + w.length() + " (need " + wl + "), " + yName + " " + y.length() + " (need "
                    + yl + ")");
        }
        if (x.dtype() != w.dtype() || y.dtype() != w.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + x + ", " + w + ", " + y);
        }
    }

    // ---------------------------------------------------------------- the specification

    /** y = conv(x, w) by the definition, accumulated in double (either dtype). */
    public static void referenceForward(ConvGeometry g, CpuStorage x, CpuStorage w, CpuStorage y) {
        double[] xd = doubles(x);
        double[] wd = doubles(w);
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.cOut(); o++) {
                int c0 = (o / opg) * cpg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int c = 0; c < cpg; c++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int iw = j * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    acc += xd[((n * g.cIn() + c0 + c) * g.h() + ih) * g.w() + iw]
                                            * wd[((o * cpg + c) * g.kh() + ki) * g.kw() + kj];
                                }
                            }
                        }
                        y.set(((long) (n * g.cOut() + o) * oh + i) * ow + j, acc);
                    }
                }
            }
        }
    }

    /** dx by the definition: for each input element, the sum over the outputs that read it. */
    public static void referenceBackwardData(ConvGeometry g, CpuStorage dy, CpuStorage w, CpuStorage dx) {
        double[] dyd = doubles(dy);
        double[] wd = doubles(w);
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.cIn(); c++) {
                int grp = c / cpg;
                int cg = c - grp * cpg;
                for (int ih = 0; ih < g.h(); ih++) {
                    for (int iw = 0; iw < g.w(); iw++) {
                        double acc = 0;
                        for (int o = grp * opg; o < (grp + 1) * opg; o++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int th = ih + g.padH() - ki * g.dilH();
                                if (th < 0 || th % g.strideH() != 0 || th / g.strideH() >= oh) {
                                    continue;
                                }
                                int i = th / g.strideH();
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int tw = iw + g.padW() - kj * g.dilW();
                                    if (tw < 0 || tw % g.strideW() != 0 || tw / g.strideW() >= ow) {
                                        continue;
                                    }
                                    int j = tw / g.strideW();
                                    acc += dyd[((n * g.cOut() + o) * oh + i) * ow + j]
                                            * wd[((o * cpg + cg) * g.kh() + ki) * g.kw() + kj];
                                }
                            }
                        }
                        dx.set(((long) (n * g.cIn() + c) * g.h() + ih) * g.w() + iw, acc);
                    }
                }
            }
        }
    }

    /** dw by the definition: for each weight, the sum over batch and output positions. */
    public static void referenceBackwardFilter(ConvGeometry g, CpuStorage x, CpuStorage dy, CpuStorage dw) {
        double[] xd = doubles(x);
        double[] dyd = doubles(dy);
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        for (int o = 0; o < g.cOut(); o++) {
            int c0 = (o / opg) * cpg;
            for (int c = 0; c < cpg; c++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        double acc = 0;
                        for (int n = 0; n < g.n(); n++) {
                            for (int i = 0; i < oh; i++) {
                                int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int j = 0; j < ow; j++) {
                                    int iw = j * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    acc += dyd[((n * g.cOut() + o) * oh + i) * ow + j]
                                            * xd[((n * g.cIn() + c0 + c) * g.h() + ih) * g.w() + iw];
                                }
                            }
                        }
                        dw.set(((long) (o * cpg + c) * g.kh() + ki) * g.kw() + kj, acc);
                    }
                }
            }
        }
    }

    private static double[] doubles(CpuStorage s) {
        double[] d = new double[(int) s.length()];
        if (s.isF32()) {
            float[] f = s.f();
            for (int i = 0; i < d.length; i++) {
                d[i] = f[i];
            }
        } else {
            System.arraycopy(s.d(), 0, d, 0, d.length);
        }
        return d;
    }
}
