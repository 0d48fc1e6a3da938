package org.lrml.backend.cuda;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.PoolGeometry;
import org.lrml.util.Rng;

/**
 * Expected values for the native tests. The CPU backend is the specification and is used whenever it has the
 * family; families whose CPU classes land on other branches (conv, pool, batch norm, softmax, dropout,
 * optimisers) are placeholders that throw "not implemented yet" until merged, and then these straight loops in
 * double, written from the Backend contract, stand in (the test output says so). Once merged, the CPU backend
 * is used and these loops are no longer consulted.
 */
final class Reference {
    private static final Set<String> announced = new HashSet<>();

    private Reference() {
    }

    /** The CPU backend's result, or the naive one while the CPU family is still a placeholder. */
    static double[] cpuOr(String family, Supplier<double[]> cpu, Supplier<double[]> naive) {
        try {
            return cpu.get();
        } catch (UnsupportedOperationException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("not implemented yet")) {
                throw e;
            }
            synchronized (announced) {
                if (announced.add(family)) {
                    System.out.println("[native tests] the CPU " + family + " is not on this branch yet ("
                            + e.getMessage() + "): comparing with the tests' straight-loop reference");
                }
            }
            return naive.get();
        }
    }

    // ---------------------------------------------------------------- convolution

    static double[] convForward(ConvGeometry g, float[] x, float[] w) {
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int copg = g.cOutPerGroup();
        double[] y = new double[g.n() * g.cOut() * oh * ow];
        for (int b = 0; b < g.n(); b++) {
            for (int co = 0; co < g.cOut(); co++) {
                int grp = co / copg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int ci = 0; ci < cpg; ci++) {
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
                                    acc += x[((b * g.cIn() + grp * cpg + ci) * g.h() + ih) * g.w() + iw]
                                            * (double) w[((co * cpg + ci) * g.kh() + ki) * g.kw() + kj];
                                }
                            }
                        }
                        y[((b * g.cOut() + co) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    static double[] convBackwardData(ConvGeometry g, float[] dy, float[] w) {
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int copg = g.cOutPerGroup();
        double[] dx = new double[g.n() * g.cIn() * g.h() * g.w()];
        for (int b = 0; b < g.n(); b++) {
            for (int co = 0; co < g.cOut(); co++) {
                int grp = co / copg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double d = dy[((b * g.cOut() + co) * oh + i) * ow + j];
                        for (int ci = 0; ci < cpg; ci++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int iw = j * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw >= 0 && iw < g.w()) {
                                        dx[((b * g.cIn() + grp * cpg + ci) * g.h() + ih) * g.w() + iw] +=
                                                d * w[((co * cpg + ci) * g.kh() + ki) * g.kw() + kj];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    static double[] convBackwardFilter(ConvGeometry g, float[] x, float[] dy) {
        int oh = g.outH();
        int ow = g.outW();
        int cpg = g.cInPerGroup();
        int copg = g.cOutPerGroup();
        double[] dw = new double[g.cOut() * cpg * g.kh() * g.kw()];
        for (int b = 0; b < g.n(); b++) {
            for (int co = 0; co < g.cOut(); co++) {
                int grp = co / copg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double d = dy[((b * g.cOut() + co) * oh + i) * ow + j];
                        for (int ci = 0; ci < cpg; ci++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int iw = j * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw >= 0 && iw < g.w()) {
                                        dw[((co * cpg + ci) * g.kh() + ki) * g.kw() + kj] +=
                                                d * x[((b * g.cIn() + grp * cpg + ci) * g.h() + ih) * g.w() + iw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dw;
    }

    // ---------------------------------------------------------------- pooling

    /** Arg-max (ih * w + iw) of window (i, j) of one plane: first maximum in row-major order, padding never wins. */
    private static int argmax(PoolGeometry g, float[] x, int base, int i, int j) {
        int best = -1;
        float bv = 0;
        for (int ki = 0; ki < g.kh(); ki++) {
            int ih = i * g.strideH() - g.padH() + ki;
            for (int kj = 0; kj < g.kw(); kj++) {
                int iw = j * g.strideW() - g.padW() + kj;
                if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                    continue;
                }
                float v = x[base + ih * g.w() + iw];
                if (best < 0 || v > bv) {
                    best = ih * g.w() + iw;
                    bv = v;
                }
            }
        }
        return best;
    }

    private static int divisor(PoolGeometry g, int i, int j) {
        if (g.countIncludePad()) {
            return g.kh() * g.kw();
        }
        int hs = i * g.strideH() - g.padH();
        int ws = j * g.strideW() - g.padW();
        return (Math.min(hs + g.kh(), g.h()) - Math.max(hs, 0)) * (Math.min(ws + g.kw(), g.w()) - Math.max(ws, 0));
    }

    static double[] maxPoolForward(PoolGeometry g, float[] x) {
        int planes = g.n() * g.c();
        double[] y = new double[planes * g.outH() * g.outW()];
        for (int p = 0; p < planes; p++) {
            int base = p * g.h() * g.w();
            for (int i = 0; i < g.outH(); i++) {
                for (int j = 0; j < g.outW(); j++) {
                    y[(p * g.outH() + i) * g.outW() + j] = x[base + argmax(g, x, base, i, j)];
                }
            }
        }
        return y;
    }

    static double[] maxPoolBackward(PoolGeometry g, float[] x, float[] dy) {
        int planes = g.n() * g.c();
        double[] dx = new double[x.length];
        for (int p = 0; p < planes; p++) {
            int base = p * g.h() * g.w();
            for (int i = 0; i < g.outH(); i++) {
                for (int j = 0; j < g.outW(); j++) {
                    dx[base + argmax(g, x, base, i, j)] += dy[(p * g.outH() + i) * g.outW() + j];
                }
            }
        }
        return dx;
    }

    static double[] avgPoolForward(PoolGeometry g, float[] x) {
        int planes = g.n() * g.c();
        double[] y = new double[planes * g.outH() * g.outW()];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < g.outH(); i++) {
                for (int j = 0; j < g.outW(); j++) {
                    double s = 0;
                    for (int ki = 0; ki < g.kh(); ki++) {
                        for (int kj = 0; kj < g.kw(); kj++) {
                            int ih = i * g.strideH() - g.padH() + ki;
                            int iw = j * g.strideW() - g.padW() + kj;
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                s += x[(p * g.h() + ih) * g.w() + iw];
                            }
                        }
                    }
                    y[(p * g.outH() + i) * g.outW() + j] = s / divisor(g, i, j);
                }
            }
        }
        return y;
    }

    static double[] avgPoolBackward(PoolGeometry g, float[] dy) {
        int planes = g.n() * g.c();
        double[] dx = new double[planes * g.h() * g.w()];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < g.outH(); i++) {
                for (int j = 0; j < g.outW(); j++) {
                    double d = dy[(p * g.outH() + i) * g.outW() + j] / (double) divisor(g, i, j);
                    for (int ki = 0; ki < g.kh(); ki++) {
                        for (int kj = 0; kj < g.kw(); kj++) {
                            int ih = i * g.strideH() - g.padH() + ki;
                            int iw = j * g.strideW() - g.padW() + kj;
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                dx[(p * g.h() + ih) * g.w() + iw] += d;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    // ---------------------------------------------------------------- batch normalisation, x as (n, c, s)

    /** {mean..., var...} per channel (biased variance). */
    static double[] bnStats(float[] x, int n, int c, int s) {
        double[] out = new double[2 * c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < s; j++) {
                    sum += x[(b * c + ch) * s + j];
                }
            }
            double mean = sum / ((double) n * s);
            double sq = 0;
            for (int b = 0; b < n; b++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(b * c + ch) * s + j] - mean;
                    sq += d * d;
                }
            }
            out[ch] = mean;
            out[c + ch] = sq / ((double) n * s);
        }
        return out;
    }

    static double[] channelAffine(float[] x, int n, int c, int s, float[] scale, float[] shift) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            y[i] = (double) x[i] * scale[ch] + shift[ch];
        }
        return y;
    }

    /** {sumDy..., sumDyXhat...}. */
    static double[] bnBackwardReduce(float[] dy, float[] x, float[] mean, float[] invStd, int n, int c, int s) {
        double[] out = new double[2 * c];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            out[ch] += dy[i];
            out[c + ch] += dy[i] * ((x[i] - (double) mean[ch]) * invStd[ch]);
        }
        return out;
    }

    static double[] bnBackwardInput(float[] dy, float[] x, float[] mean, float[] invStd, float[] gamma, float[] sumDy,
                                    float[] sumDyXhat, int n, int c, int s) {
        double m = (double) n * s;
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            double xhat = (x[i] - (double) mean[ch]) * invStd[ch];
            dx[i] = (double) gamma[ch] * invStd[ch] * (dy[i] - sumDy[ch] / m - xhat * sumDyXhat[ch] / m);
        }
        return dx;
    }

    // ---------------------------------------------------------------- softmax, dropout

    static double[] softmax(float[] x, int rows, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                mx = Math.max(mx, x[r * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - mx);
            }
            for (int j = 0; j < cols; j++) {
                double v = x[r * cols + j] - mx;
                y[r * cols + j] = log ? v - Math.log(sum) : Math.exp(v) / sum;
            }
        }
        return y;
    }

    static float[] dropoutMask(long seed, double p, int n) {
        float scale = (float) (1.0 / (1.0 - p));
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = Rng.uniformAt(seed, i) >= p ? scale : 0f;
        }
        return m;
    }

    // ---------------------------------------------------------------- optimisers (PyTorch semantics, in double)

    /** One SGD step in place on float arrays. */
    static void sgd(float[] p, float[] g, float[] v, double lr, double wd, double momentum, double dampening,
                    boolean nesterov, boolean first) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + wd * p[i];
            double step = gi;
            if (momentum != 0) {
                float vi = (float) (first ? gi : momentum * v[i] + (1 - dampening) * gi);
                v[i] = vi;
                step = nesterov ? gi + momentum * vi : vi;
            }
            p[i] = (float) (p[i] - lr * step);
        }
    }

    /** One Adam / AdamW step in place. */
    static void adam(float[] p, float[] g, float[] m, float[] v, double lr, double wd, double b1, double b2, double eps,
                     boolean decoupled, long t) {
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < p.length; i++) {
            double pi = p[i];
            double gi = g[i];
            if (decoupled) {
                pi *= 1 - lr * wd;
            } else {
                gi += wd * pi;
            }
            m[i] = (float) (b1 * m[i] + (1 - b1) * gi);
            v[i] = (float) (b2 * v[i] + (1 - b2) * gi * gi);
            double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + eps;
            p[i] = (float) (pi - lr / bc1 * m[i] / denom);
        }
    }
}
