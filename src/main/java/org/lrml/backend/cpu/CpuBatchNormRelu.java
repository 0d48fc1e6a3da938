package org.lrml.backend.cpu;

/**
 * Batch norm followed by ReLU in one pass forward and one backward (float32): the composite wrote the normalised map,
 * read it back for ReLU, wrote ReLU's output, and backward wrote ReLU's masked gradient for batch norm's two passes
 * to read. Here the forward writes max(x scale + shift, 0) once, and batch norm's backward passes mask dy as they read
 * it. Every value is the composite's: the forward rounds x scale + shift as {@link CpuBatchNorm#channelAffine} and
 * takes Math.max(v, 0) as the RELU loop; the mask is ReLU's backward test, evaluated on the output y (y &gt; 0 exactly
 * where the normalised value is &gt; 0, NaN and both zeros included) by the same branch-free integer formula, and
 * dy' = dy * mask as the masked product; the sums run over dy' with the same lanes in the same order
 * ({@link CpuBatchNorm.Lanes}), the input gradient with the same expression. {@code BatchNormReluTest} compares
 * output and gradients with the composite bit for bit.
 */
final class CpuBatchNormRelu {
    private static final int GRAIN = 1 << 15;
    /** Per thread: one segment of dy', one of x. */
    private static final CpuScratch SCRATCH = new CpuScratch(2);

    private CpuBatchNormRelu() {
    }

    static void channelAffineRelu(CpuStorage x, int n, int c, int s, CpuStorage scale, CpuStorage shift, CpuStorage y) {
        requireF32(x);
        CpuBatchNorm.check("channelAffineRelu", x, n, c, s, scale, shift);
        CpuBatchNorm.check("channelAffineRelu", y, n, c, s);
        float[] xs = x.f();
        float[] ys = y.f();
        float[] sc = scale.f();
        float[] sh = shift.f();
        CpuParallel.forRange(n * c, Math.max(1, GRAIN / Math.max(s, 1)), (from, to) -> {
            for (int seg = from; seg < to; seg++) {
                float a = sc[seg % c];
                float b = sh[seg % c];
                if (CpuBatchNorm.VECTOR) {
                    CpuBatchNormReluVector.affineRelu(xs, ys, seg * s, seg * s + s, a, b);
                    continue;
                }
                for (int j = seg * s, end = j + s; j < end; j++) {
                    ys[j] = Math.max(xs[j] * a + b, 0f);
                }
            }
        });
    }

    static void backwardReduce(CpuStorage dy, CpuStorage y, CpuStorage x, CpuStorage mean, CpuStorage invStd, int n,
                               int c, int s, CpuStorage sumDy, CpuStorage sumDyXhat) {
        requireF32(x);
        CpuBatchNorm.check("batchNormReluBackwardReduce", x, n, c, s, mean, invStd, sumDy, sumDyXhat);
        CpuBatchNorm.check("batchNormReluBackwardReduce", dy, n, c, s);
        CpuBatchNorm.check("batchNormReluBackwardReduce", y, n, c, s);
        float[] xs = x.f();
        float[] dys = dy.f();
        float[] ys = y.f();
        CpuParallel.forRange(c, 1, (from, to) -> {
            float[] d = SCRATCH.get(0, s);
            float[] xv = SCRATCH.get(1, s);
            float[] scratch = new float[64];
            for (int ch = from; ch < to; ch++) {
                double sd = 0;
                double sdx = 0;
                float mu = mean.f()[ch];
                for (int i = 0; i < n; i++) {
                    int base = (i * c + ch) * s;
                    if (CpuBatchNorm.VECTOR) {
                        CpuBatchNormReluVector.maskedSegment(dys, ys, base, s, d);
                    } else {
                        for (int j = 0; j < s; j++) {
                            d[j] = dys[base + j] * CpuElementwise.greater(ys[base + j], 0f);
                        }
                    }
                    System.arraycopy(xs, base, xv, 0, s);
                    sd += CpuBatchNorm.Lanes.sum(d, 0, s, scratch);
                    sdx += CpuBatchNorm.Lanes.dotDeviation(d, xv, 0, s, mu, scratch);
                }
                sumDy.set(ch, sd);
                sumDyXhat.set(ch, sdx * invStd.get(ch));
            }
        });
    }

    static void backwardInput(CpuStorage dy, CpuStorage y, CpuStorage x, CpuStorage mean, CpuStorage invStd,
                              CpuStorage gamma, CpuStorage sumDy, CpuStorage sumDyXhat, int n, int c, int s,
                              CpuStorage dx) {
        requireF32(x);
        CpuBatchNorm.check("batchNormReluBackwardInput", x, n, c, s, mean, invStd, gamma, sumDy, sumDyXhat);
        CpuBatchNorm.check("batchNormReluBackwardInput", dy, n, c, s);
        CpuBatchNorm.check("batchNormReluBackwardInput", y, n, c, s);
        CpuBatchNorm.check("batchNormReluBackwardInput", dx, n, c, s);
        // As CpuBatchNorm.backwardInput, with dy' for dy: dx = k (dy' - a - (x - mean) b).
        double[][] kab = CpuBatchNorm.inputCoefficients(invStd, gamma, sumDy, sumDyXhat, n, c, s);
        double[] k = kab[0];
        double[] a = kab[1];
        double[] b = kab[2];
        float[] xs = x.f();
        float[] dys = dy.f();
        float[] ys = y.f();
        float[] dxs = dx.f();
        float[] mu = mean.f();
        CpuParallel.forRange(n * c, Math.max(1, GRAIN / Math.max(s, 1)), (from, to) -> {
            for (int seg = from; seg < to; seg++) {
                int ch = seg % c;
                float kf = (float) k[ch];
                float af = (float) a[ch];
                float bf = (float) b[ch];
                float mf = mu[ch];
                if (CpuBatchNorm.VECTOR) {
                    CpuBatchNormReluVector.inputGradient(dys, ys, xs, dxs, seg * s, seg * s + s, kf, af, bf, mf);
                    continue;
                }
                for (int j = seg * s, end = j + s; j < end; j++) {
                    float d = dys[j] * CpuElementwise.greater(ys[j], 0f);
                    dxs[j] = kf * (d - af - (xs[j] - mf) * bf);
                }
            }
        });
    }

    private static void requireF32(CpuStorage x) {
        if (!x.isF32()) {
            throw new IllegalArgumentException("batch norm + ReLU fused: float32 only (float64 composes), got " + x);
        }
    }
}
