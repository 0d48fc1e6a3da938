package org.lrml.backend.cpu;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Batchnorm;

/**
 * Batch-normalisation primitives over x viewed as (n, c, s): channel c owns the n segments
 * x[i, c, 0..s). Reductions run one channel per unit of parallel work and add the segment sums into a
 * double in segment order; inside a float32 segment, float lanes (element j goes to lane j mod 2L, L the
 * vector width, with {@link CpuBatchNormVector}; j mod 8 without the Vector API) are added in lane order
 * at the end. Both orders depend on the sizes only, so results are repeatable for any thread count, and
 * the lanes keep float32 rounding error at the level of a segment of s / 8 terms or fewer.
 */
final class CpuBatchNorm implements Batchnorm {
    /** Elements per parallel chunk of the elementwise passes. */
    private static final int GRAIN = 1 << 15;
    static final boolean VECTOR = probeVector();

    private static boolean probeVector() {
        if (!CpuGemmFast.vectorActive()) {
            return false;
        }
        try {
            return CpuBatchNormVector.L > 0;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuBatchNorm INSTANCE = new CpuBatchNorm();

    private CpuBatchNorm() {
    }

    @Override
    public void stats(Storage x, int n, int c, int s, Storage mean, Storage var) {
        stats(CpuStorage.of(x), n, c, s, CpuStorage.of(mean), CpuStorage.of(var));
    }

    @Override
    public void channelAffine(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y) {
        channelAffine(CpuStorage.of(x), n, c, s, CpuStorage.of(scale), CpuStorage.of(shift), CpuStorage.of(y));
    }

    @Override
    public void backwardReduce(Storage dy, Storage x, Storage mean, Storage invStd, int n, int c, int s, Storage sumDy, Storage sumDyXhat) {
        backwardReduce(CpuStorage.of(dy), CpuStorage.of(x), CpuStorage.of(mean), CpuStorage.of(invStd), n, c, s, CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat));
    }

    @Override
    public void backwardInput(Storage dy, Storage x, Storage mean, Storage invStd, Storage gamma, Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx) {
        backwardInput(CpuStorage.of(dy), CpuStorage.of(x), CpuStorage.of(mean), CpuStorage.of(invStd), CpuStorage.of(gamma), CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat), n, c, s, CpuStorage.of(dx));
    }

    @Override
    public boolean fusesRelu(org.lrml.backend.DType dtype) {
        return dtype == org.lrml.backend.DType.F32;
    }

    @Override
    public void channelAffineRelu(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y) {
        CpuBatchNormRelu.channelAffineRelu(CpuStorage.of(x), n, c, s, CpuStorage.of(scale), CpuStorage.of(shift),
                CpuStorage.of(y));
    }

    @Override
    public void backwardReduceRelu(Storage dy, Storage y, Storage x, Storage mean, Storage invStd, int n, int c, int s,
                                   Storage sumDy, Storage sumDyXhat) {
        CpuBatchNormRelu.backwardReduce(CpuStorage.of(dy), CpuStorage.of(y), CpuStorage.of(x), CpuStorage.of(mean),
                CpuStorage.of(invStd), n, c, s, CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat));
    }

    @Override
    public void backwardInputRelu(Storage dy, Storage y, Storage x, Storage mean, Storage invStd, Storage gamma,
                                  Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx) {
        CpuBatchNormRelu.backwardInput(CpuStorage.of(dy), CpuStorage.of(y), CpuStorage.of(x), CpuStorage.of(mean),
                CpuStorage.of(invStd), CpuStorage.of(gamma), CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat), n, c, s,
                CpuStorage.of(dx));
    }

    static void check(String op, CpuStorage x, int n, int c, int s, CpuStorage... perChannel) {
        if (x.length() != (long) n * c * s) {
            throw new IllegalArgumentException(op + ": " + x + " is not (n=" + n + ", c=" + c + ", s=" + s + ")");
        }
        for (CpuStorage p : perChannel) {
            if (p.length() != c || p.dtype() != x.dtype()) {
                throw new IllegalArgumentException(op + ": per-channel buffer " + p + " must hold " + c + " values of "
                        + x.dtype().numpyName());
            }
        }
    }

    static void stats(CpuStorage x, int n, int c, int s, CpuStorage mean, CpuStorage var) {
        check("batchNormStats", x, n, c, s, mean, var);
        long m = (long) n * s;
        CpuParallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double sum = 0;
                double sq = 0;
                if (x.isF32()) {
                    float[] xs = x.f();
                    float[] scratch = new float[64];
                    for (int i = 0; i < n; i++) {
                        sum += Lanes.sum(xs, (i * c + ch) * s, s, scratch);
                    }
                    float mu = (float) (sum / m);
                    for (int i = 0; i < n; i++) {
                        sq += Lanes.sumSquaredDeviation(xs, (i * c + ch) * s, s, mu, scratch);
                    }
                    // The squares were taken around the float-rounded mean; correct for the rounding.
                    double delta = sum / m - mu;
                    sq -= m * delta * delta;
                } else {
                    double[] xs = x.d();
                    for (int i = 0; i < n; i++) {
                        int base = (i * c + ch) * s;
                        for (int j = 0; j < s; j++) {
                            sum += xs[base + j];
                        }
                    }
                    double mu = sum / m;
                    for (int i = 0; i < n; i++) {
                        int base = (i * c + ch) * s;
                        for (int j = 0; j < s; j++) {
                            double d = xs[base + j] - mu;
                            sq += d * d;
                        }
                    }
                }
                mean.set(ch, sum / m);
                var.set(ch, Math.max(sq / m, 0.0));
            }
        });
    }

    static void channelAffine(CpuStorage x, int n, int c, int s, CpuStorage scale, CpuStorage shift, CpuStorage y) {
        check("channelAffine", x, n, c, s, scale, shift);
        check("channelAffine", y, n, c, s);
        int perChunk = Math.max(1, GRAIN / s);
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ys = y.f();
            float[] sc = scale.f();
            float[] sh = shift.f();
            CpuParallel.forRange(n * c, perChunk, (from, to) -> {
                for (int seg = from; seg < to; seg++) {
                    float a = sc[seg % c];
                    float b = sh[seg % c];
                    int base = seg * s;
                    for (int j = base; j < base + s; j++) {
                        ys[j] = xs[j] * a + b;
                    }
                }
            });
        } else {
            double[] xs = x.d();
            double[] ys = y.d();
            double[] sc = scale.d();
            double[] sh = shift.d();
            CpuParallel.forRange(n * c, perChunk, (from, to) -> {
                for (int seg = from; seg < to; seg++) {
                    double a = sc[seg % c];
                    double b = sh[seg % c];
                    int base = seg * s;
                    for (int j = base; j < base + s; j++) {
                        ys[j] = xs[j] * a + b;
                    }
                }
            });
        }
    }

    static void backwardReduce(CpuStorage dy, CpuStorage x, CpuStorage mean, CpuStorage invStd, int n, int c, int s,
                               CpuStorage sumDy, CpuStorage sumDyXhat) {
        check("batchNormBackwardReduce", x, n, c, s, mean, invStd, sumDy, sumDyXhat);
        check("batchNormBackwardReduce", dy, n, c, s);
        CpuParallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double sd = 0;
                double sdx = 0;
                if (x.isF32()) {
                    float[] xs = x.f();
                    float[] dys = dy.f();
                    float mu = mean.f()[ch];
                    float[] scratch = new float[64];
                    for (int i = 0; i < n; i++) {
                        int base = (i * c + ch) * s;
                        sd += Lanes.sum(dys, base, s, scratch);
                        sdx += Lanes.dotDeviation(dys, xs, base, s, mu, scratch);
                    }
                } else {
                    double[] xs = x.d();
                    double[] dys = dy.d();
                    double mu = mean.d()[ch];
                    for (int i = 0; i < n; i++) {
                        int base = (i * c + ch) * s;
                        for (int j = base; j < base + s; j++) {
                            sd += dys[j];
                            sdx += dys[j] * (xs[j] - mu);
                        }
                    }
                }
                sumDy.set(ch, sd);
                sumDyXhat.set(ch, sdx * invStd.get(ch));
            }
        });
    }

    /**
     * The training-mode input gradient's per-channel coefficients: dx = k (dy - a - (x - mean) b) with
     * k = gamma invStd, a = sumDy / M, b = invStd sumDyXhat / M (M = n s), as {k, a, b}.
     */
    static double[][] inputCoefficients(CpuStorage invStd, CpuStorage gamma, CpuStorage sumDy, CpuStorage sumDyXhat,
                                        int n, int c, int s) {
        double m = (double) n * s;
        double[] k = new double[c];
        double[] a = new double[c];
        double[] b = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double is = invStd.get(ch);
            k[ch] = gamma.get(ch) * is;
            a[ch] = sumDy.get(ch) / m;
            b[ch] = is * sumDyXhat.get(ch) / m;
        }
        return new double[][]{k, a, b};
    }

    static void backwardInput(CpuStorage dy, CpuStorage x, CpuStorage mean, CpuStorage invStd, CpuStorage gamma,
                              CpuStorage sumDy, CpuStorage sumDyXhat, int n, int c, int s, CpuStorage dx) {
        check("batchNormBackwardInput", x, n, c, s, mean, invStd, gamma, sumDy, sumDyXhat);
        check("batchNormBackwardInput", dy, n, c, s);
        check("batchNormBackwardInput", dx, n, c, s);
        double[][] kab = inputCoefficients(invStd, gamma, sumDy, sumDyXhat, n, c, s);
        double[] k = kab[0];
        double[] a = kab[1];
        double[] b = kab[2];
        int perChunk = Math.max(1, GRAIN / s);
        if (x.isF32()) {
            float[] xs = x.f();
            float[] dys = dy.f();
            float[] dxs = dx.f();
            float[] mu = mean.f();
            CpuParallel.forRange(n * c, perChunk, (from, to) -> {
                for (int seg = from; seg < to; seg++) {
                    int ch = seg % c;
                    float kf = (float) k[ch];
                    float af = (float) a[ch];
                    float bf = (float) b[ch];
                    float mf = mu[ch];
                    int base = seg * s;
                    for (int j = base; j < base + s; j++) {
                        dxs[j] = kf * (dys[j] - af - (xs[j] - mf) * bf);
                    }
                }
            });
        } else {
            double[] xs = x.d();
            double[] dys = dy.d();
            double[] dxs = dx.d();
            double[] mu = mean.d();
            CpuParallel.forRange(n * c, perChunk, (from, to) -> {
                for (int seg = from; seg < to; seg++) {
                    int ch = seg % c;
                    int base = seg * s;
                    for (int j = base; j < base + s; j++) {
                        dxs[j] = k[ch] * (dys[j] - a[ch] - (xs[j] - mu[ch]) * b[ch]);
                    }
                }
            });
        }
    }

    /**
     * Float32 segment sums, returned in double: vector lanes when the Vector API is there, else eight float
     * lanes (independent chains the CPU overlaps). {@code scratch} holds at least 64 floats.
     */
    static final class Lanes {
        private Lanes() {
        }

        static double sum(float[] v, int from, int len, float[] scratch) {
            return VECTOR ? CpuBatchNormVector.sum(v, from, len, scratch) : sum(v, from, len);
        }

        static double sumSquaredDeviation(float[] v, int from, int len, float mu, float[] scratch) {
            return VECTOR ? CpuBatchNormVector.sumSquaredDeviation(v, from, len, mu, scratch)
                    : sumSquaredDeviation(v, from, len, mu);
        }

        static double dotDeviation(float[] d, float[] v, int from, int len, float mu, float[] scratch) {
            return VECTOR ? CpuBatchNormVector.dotDeviation(d, v, from, len, mu, scratch) : dotDeviation(d, v, from, len, mu);
        }

        static double sum(float[] v, int from, int len) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            int j = from;
            int end8 = from + (len & ~7);
            for (; j < end8; j += 8) {
                s0 += v[j];
                s1 += v[j + 1];
                s2 += v[j + 2];
                s3 += v[j + 3];
                s4 += v[j + 4];
                s5 += v[j + 5];
                s6 += v[j + 6];
                s7 += v[j + 7];
            }
            double tail = 0;
            for (; j < from + len; j++) {
                tail += v[j];
            }
            return (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7)) + tail;
        }

        /** sum (v - mu)^2. */
        static double sumSquaredDeviation(float[] v, int from, int len, float mu) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            int j = from;
            int end8 = from + (len & ~7);
            for (; j < end8; j += 8) {
                float d0 = v[j] - mu;
                float d1 = v[j + 1] - mu;
                float d2 = v[j + 2] - mu;
                float d3 = v[j + 3] - mu;
                float d4 = v[j + 4] - mu;
                float d5 = v[j + 5] - mu;
                float d6 = v[j + 6] - mu;
                float d7 = v[j + 7] - mu;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
                s4 += d4 * d4;
                s5 += d5 * d5;
                s6 += d6 * d6;
                s7 += d7 * d7;
            }
            double tail = 0;
            for (; j < from + len; j++) {
                double d = v[j] - mu;
                tail += d * d;
            }
            return (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7)) + tail;
        }

        /** sum d (v - mu). */
        static double dotDeviation(float[] d, float[] v, int from, int len, float mu) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            int j = from;
            int end8 = from + (len & ~7);
            for (; j < end8; j += 8) {
                s0 += d[j] * (v[j] - mu);
                s1 += d[j + 1] * (v[j + 1] - mu);
                s2 += d[j + 2] * (v[j + 2] - mu);
                s3 += d[j + 3] * (v[j + 3] - mu);
                s4 += d[j + 4] * (v[j + 4] - mu);
                s5 += d[j + 5] * (v[j + 5] - mu);
                s6 += d[j + 6] * (v[j + 6] - mu);
                s7 += d[j + 7] * (v[j + 7] - mu);
            }
            double tail = 0;
            for (; j < from + len; j++) {
                tail += (double) d[j] * (v[j] - mu);
            }
            return (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7)) + tail;
        }
    }
}
