package org.lrml.backend.cpu;

/**
 * GeM's sums and their backward, fused ({@link CpuPool#gemSum}, {@link CpuPool#gemSumBackward}): the composite
 * clamp, pow, sum and their backward rules made about ten passes over the last feature map and computed its
 * power twice; these make one pass forward and one backward.
 *
 * <p><b>Same values as the composite, bit for bit.</b> Every element goes through the same roundings in the same
 * order as in {@code ops.Gem.composite} on this backend: z = clamp(x, eps) as {@code CpuElementwise}'s CLAMP loop,
 * t = z^p by {@link CpuFastPow} (float32) or Math.pow (float64), each plane's sum accumulated in double in memory
 * order and rounded once, as {@code CpuReduce} does; backward u = ds p, w = z^(p-1) with p - 1 rounded as the
 * AFFINE op rounds it, dx = (u w) [eps &lt;= x] as the masked product, and q = (ds t) ln z with {@link CpuFastLog}.
 * The sum of q over every element (dp) is left to the caller, which reduces it with the same reduction the composite
 * uses. One plane per unit of parallel work; each value is computed by one thread, so the thread count changes
 * nothing.
 */
final class CpuGem {
    /** Elements per parallel chunk (whole planes). */
    private static final int GRAIN = 1 << 14;

    private CpuGem() {
    }

    /** t = max(x, eps)^p, sums[plane] = the sum of t over the plane's hw elements. */
    static void sum(CpuStorage x, int planes, int hw, CpuStorage p, double eps, CpuStorage t, CpuStorage sums) {
        check("gemSum", x, planes, hw, p, t);
        if (sums.length() != planes || sums.dtype() != x.dtype()) {
            throw new IllegalArgumentException("gemSum: sums " + sums + " must hold " + planes + " values of x's dtype");
        }
        int per = Math.max(1, GRAIN / Math.max(hw, 1));
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ts = t.f();
            float[] out = sums.f();
            double pd = p.f()[0];
            CpuParallel.forRange(planes, per, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    double acc = 0.0;
                    for (int i = pl * hw, end = i + hw; i < end; i++) {
                        float z = (float) Math.min(Math.max(xs[i], eps), Double.POSITIVE_INFINITY);
                        float v = CpuFastPow.pow(z, pd);
                        ts[i] = v;
                        acc += v;
                    }
                    out[pl] = (float) acc;
                }
            });
        } else {
            double[] xs = x.d();
            double[] ts = t.d();
            double[] out = sums.d();
            double pd = p.d()[0];
            CpuParallel.forRange(planes, per, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    double acc = 0.0;
                    for (int i = pl * hw, end = i + hw; i < end; i++) {
                        double v = Math.pow(Math.min(Math.max(xs[i], eps), Double.POSITIVE_INFINITY), pd);
                        ts[i] = v;
                        acc += v;
                    }
                    out[pl] = acc;
                }
            });
        }
    }

    /**
     * dx = (ds p) max(x, eps)^(p-1) [eps &lt;= x], q = (ds t) ln max(x, eps), with ds one value per plane and t the
     * forward's powers.
     */
    static void backward(CpuStorage x, CpuStorage t, CpuStorage ds, int planes, int hw, CpuStorage p, double eps,
                         CpuStorage dx, CpuStorage q) {
        check("gemSumBackward", x, planes, hw, p, t);
        if (ds.length() != planes || ds.dtype() != x.dtype() || dx.length() != x.length() || dx.dtype() != x.dtype()
                || q.length() != x.length() || q.dtype() != x.dtype()) {
            throw new IllegalArgumentException("gemSumBackward: ds " + ds + ", dx " + dx + " and q " + q
                    + " do not fit " + planes + " planes of " + hw + " (x " + x + ")");
        }
        int per = Math.max(1, GRAIN / Math.max(hw, 1));
        if (x.isF32()) {
            float[] xs = x.f();
            float[] ts = t.f();
            float[] g = ds.f();
            float[] dxs = dx.f();
            float[] qs = q.f();
            float pf = p.f()[0];
            // p - 1 as the AFFINE op rounds it (x.sub(1.0) is affine(x, 1, -1)).
            double pm1 = (float) (1.0 * pf + -1.0);
            CpuParallel.forRange(planes, per, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    float gp = g[pl];
                    float u = gp * pf;
                    for (int i = pl * hw, end = i + hw; i < end; i++) {
                        double v = xs[i];
                        float z = (float) Math.min(Math.max(v, eps), Double.POSITIVE_INFINITY);
                        dxs[i] = (u * CpuFastPow.pow(z, pm1)) * ((eps <= v && v <= Double.POSITIVE_INFINITY) ? 1f : 0f);
                        qs[i] = (gp * ts[i]) * CpuFastLog.log(z);
                    }
                }
            });
        } else {
            double[] xs = x.d();
            double[] ts = t.d();
            double[] g = ds.d();
            double[] dxs = dx.d();
            double[] qs = q.d();
            double pd = p.d()[0];
            double pm1 = 1.0 * pd + -1.0;
            CpuParallel.forRange(planes, per, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    double gp = g[pl];
                    double u = gp * pd;
                    for (int i = pl * hw, end = i + hw; i < end; i++) {
                        double v = xs[i];
                        double z = Math.min(Math.max(v, eps), Double.POSITIVE_INFINITY);
                        dxs[i] = (u * Math.pow(z, pm1)) * ((eps <= v && v <= Double.POSITIVE_INFINITY) ? 1.0 : 0.0);
                        qs[i] = (gp * ts[i]) * Math.log(z);
                    }
                }
            });
        }
    }

    private static void check(String op, CpuStorage x, int planes, int hw, CpuStorage p, CpuStorage t) {
        if (planes < 0 || hw < 0 || x.length() != (long) planes * hw || t.length() != x.length()
                || t.dtype() != x.dtype() || p.length() != 1 || p.dtype() != x.dtype()) {
            throw new IllegalArgumentException(op + ": x " + x + ", t " + t + " and p " + p + " do not fit " + planes
                    + " planes of " + hw + " elements of one dtype (p one element)");
        }
    }
}
