package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 softmax rows with the Vector API: the exponential is the vector EXP lane operation (Intel SVML
 * on x86-64, within 1 ulp of the rounded Math.exp) instead of the scalar double Math.exp of
 * {@link CpuSoftmax#reference}, which is some 30x slower. Per-lane float partial sums (each lane adds
 * cols/lanes terms, all in [0, 1]) are combined in double. A row is computed the same way whichever
 * thread runs it, so results do not depend on the thread count; they may differ from the reference in
 * the last bits, within the float32 tolerance, which CpuSoftmaxTest checks.
 */
final class CpuSoftmaxFast {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CpuSoftmaxFast() {
    }

    static String describe() {
        return "Vector API " + S.vectorBitSize() + "-bit";
    }

    static void row(float[] x, float[] y, int o, int cols, boolean log) {
        int bound = S.loopBound(cols);
        float max = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (bound > 0) {
            FloatVector vmax = FloatVector.fromArray(S, x, o);
            for (j = S.length(); j < bound; j += S.length()) {
                vmax = vmax.max(FloatVector.fromArray(S, x, o + j));
            }
            max = vmax.reduceLanes(VectorOperators.MAX);
        }
        for (; j < cols; j++) {
            max = Math.max(max, x[o + j]);
        }
        FloatVector vshift = FloatVector.broadcast(S, max);
        FloatVector vsum = FloatVector.zero(S);
        // Softmax parks the exponentials in y for the scaling pass; log-softmax only needs their sum.
        for (j = 0; j < bound; j += S.length()) {
            FloatVector e = FloatVector.fromArray(S, x, o + j).sub(vshift).lanewise(VectorOperators.EXP);
            if (!log) {
                e.intoArray(y, o + j);
            }
            vsum = vsum.add(e);
        }
        double sum = 0;
        for (int lane = 0; lane < S.length(); lane++) {
            sum += vsum.lane(lane);
        }
        for (; j < cols; j++) {
            float e = (float) Math.exp(x[o + j] - max);
            if (!log) {
                y[o + j] = e;
            }
            sum += e;
        }
        if (log) {
            float logSum = (float) Math.log(sum);
            FloatVector vlog = FloatVector.broadcast(S, logSum);
            for (j = 0; j < bound; j += S.length()) {
                FloatVector.fromArray(S, x, o + j).sub(vshift).sub(vlog).intoArray(y, o + j);
            }
            for (; j < cols; j++) {
                y[o + j] = (x[o + j] - max) - logSum;
            }
        } else {
            float inv = (float) (1.0 / sum);
            FloatVector vinv = FloatVector.broadcast(S, inv);
            for (j = 0; j < bound; j += S.length()) {
                FloatVector.fromArray(S, y, o + j).mul(vinv).intoArray(y, o + j);
            }
            for (; j < cols; j++) {
                y[o + j] *= inv;
            }
        }
    }
}
