package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The segment sums of {@link CpuBatchNorm} on the Vector API: two vector accumulators take elements
 * j mod 2L (L lanes), their lanes are added in lane order through a small array (never with reduceLanes,
 * whose order the API leaves open), and the tail is added in double. The order depends on the sizes only.
 * Only {@link CpuBatchNorm} touches this class, after its probe.
 */
final class CpuBatchNormVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private CpuBatchNormVector() {
    }

    /** Lane sums of a + b in lane order; scratch holds at least L floats. */
    private static double lanes(FloatVector a, FloatVector b, float[] scratch) {
        a.add(b).intoArray(scratch, 0);
        double s = 0;
        for (int i = 0; i < L; i++) {
            s += scratch[i];
        }
        return s;
    }

    static double sum(float[] v, int from, int len, float[] scratch) {
        FloatVector a = FloatVector.zero(S);
        FloatVector b = a;
        int j = from;
        int end = from + len - len % (2 * L);
        for (; j < end; j += 2 * L) {
            a = a.add(FloatVector.fromArray(S, v, j));
            b = b.add(FloatVector.fromArray(S, v, j + L));
        }
        double tail = 0;
        for (; j < from + len; j++) {
            tail += v[j];
        }
        return lanes(a, b, scratch) + tail;
    }

    /** sum (v - mu)^2. */
    static double sumSquaredDeviation(float[] v, int from, int len, float mu, float[] scratch) {
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector a = FloatVector.zero(S);
        FloatVector b = a;
        int j = from;
        int end = from + len - len % (2 * L);
        for (; j < end; j += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, v, j).sub(m);
            FloatVector d1 = FloatVector.fromArray(S, v, j + L).sub(m);
            a = d0.fma(d0, a);
            b = d1.fma(d1, b);
        }
        double tail = 0;
        for (; j < from + len; j++) {
            double d = v[j] - mu;
            tail += d * d;
        }
        return lanes(a, b, scratch) + tail;
    }

    /** sum d (v - mu). */
    static double dotDeviation(float[] d, float[] v, int from, int len, float mu, float[] scratch) {
        FloatVector m = FloatVector.broadcast(S, mu);
        FloatVector a = FloatVector.zero(S);
        FloatVector b = a;
        int j = from;
        int end = from + len - len % (2 * L);
        for (; j < end; j += 2 * L) {
            a = FloatVector.fromArray(S, d, j).fma(FloatVector.fromArray(S, v, j).sub(m), a);
            b = FloatVector.fromArray(S, d, j + L).fma(FloatVector.fromArray(S, v, j + L).sub(m), b);
        }
        double tail = 0;
        for (; j < from + len; j++) {
            tail += (double) d[j] * (v[j] - mu);
        }
        return lanes(a, b, scratch) + tail;
    }
}
