package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops of {@link CpuBatchNormRelu} on the Vector API (C2 does not vectorise the scalar ones: ReLU's mask is an
 * integer formula on the float's bits). Every lane computes what the scalar loop computes: separate multiplies and
 * adds (never fused), max as Math.max, and the mask as dy * (y &gt; 0 ? 1 : 0) -- a float comparison that is false for
 * NaN and both zeros, exactly where the integer formula gives 0.
 */
final class CpuBatchNormReluVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private CpuBatchNormReluVector() {
    }

    /** ys[j] = Math.max(xs[j] a + b, 0) for j in [from, to). */
    static void affineRelu(float[] xs, float[] ys, int from, int to, float a, float b) {
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector bv = FloatVector.broadcast(S, b);
        FloatVector zero = FloatVector.zero(S);
        int j = from;
        for (int end = to - (to - from) % L; j < end; j += L) {
            FloatVector.fromArray(S, xs, j).mul(av).add(bv).max(zero).intoArray(ys, j);
        }
        for (; j < to; j++) {
            ys[j] = Math.max(xs[j] * a + b, 0f);
        }
    }

    /** d[j - base] = dys[j] * mask(ys[j]) for j in [base, base + s). */
    static void maskedSegment(float[] dys, float[] ys, int base, int s, float[] d) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int j = 0;
        for (int end = s - s % L; j < end; j += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, ys, base + j).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dys, base + j).mul(zero.blend(one, on)).intoArray(d, j);
        }
        for (; j < s; j++) {
            d[j] = dys[base + j] * (ys[base + j] > 0f ? 1f : 0f);
        }
    }

    /** dxs[j] = kf ((dy'_j - af) - (xs[j] - mf) bf), dy'_j = dys[j] mask(ys[j]), for j in [from, to). */
    static void inputGradient(float[] dys, float[] ys, float[] xs, float[] dxs, int from, int to, float kf, float af,
                              float bf, float mf) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector k = FloatVector.broadcast(S, kf);
        FloatVector a = FloatVector.broadcast(S, af);
        FloatVector b = FloatVector.broadcast(S, bf);
        FloatVector m = FloatVector.broadcast(S, mf);
        int j = from;
        for (int end = to - (to - from) % L; j < end; j += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, ys, j).compare(VectorOperators.GT, 0f);
            FloatVector d = FloatVector.fromArray(S, dys, j).mul(zero.blend(one, on));
            k.mul(d.sub(a).sub(FloatVector.fromArray(S, xs, j).sub(m).mul(b))).intoArray(dxs, j);
        }
        for (; j < to; j++) {
            float d = dys[j] * (ys[j] > 0f ? 1f : 0f);
            dxs[j] = kf * (d - af - (xs[j] - mf) * bf);
        }
    }
}
