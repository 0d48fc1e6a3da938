package org.lrml.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 softmax over the middle axis of (outer, axis, inner) with the Vector API: the lanes of a vector are
 * neighbouring lines (o, :, i), so every load is contiguous and the axis is walked row by row. Per line, as
 * {@link CpuSoftmaxFast} does per row: the maximum, the vector EXP lane operation (within 1 ulp of the rounded
 * Math.exp; softmax parks the exponentials in y), the sum of the exponentials (here in double, each lane its own
 * line), then y = e^(x - max) (1 / sum) or (x - max) - log(sum) in float. In place (y = x) is allowed. A line is computed the same way whichever thread runs it; results may differ
 * from {@link CpuSoftmax#axisReference} in the last bits, within the float32 tolerance (CpuSoftmaxTest).
 */
final class CpuSoftmaxAxisFast {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Double vectors per float vector (2 for the same bit size). */
    private static final int PARTS = S.length() / D.length();

    private CpuSoftmaxAxisFast() {
    }

    /**
     * The lines base + i of one slice for i below the largest multiple of the vector width not above cols;
     * returns that count (the caller finishes the rest with the reference).
     */
    static int block(float[] x, float[] y, int base, int axis, int inner, int cols, boolean log) {
        int bound = S.loopBound(cols);
        double[] sums = new double[S.length()];
        float[] scale = new float[S.length()];
        for (int i = 0; i < bound; i += S.length()) {
            int col = base + i;
            FloatVector max = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int a = 0; a < axis; a++) {
                max = max.max(FloatVector.fromArray(S, x, col + a * inner));
            }
            DoubleVector[] sum = new DoubleVector[PARTS];
            java.util.Arrays.fill(sum, DoubleVector.zero(D));
            for (int a = 0; a < axis; a++) {
                FloatVector e = FloatVector.fromArray(S, x, col + a * inner).sub(max).lanewise(VectorOperators.EXP);
                if (!log) {
                    e.intoArray(y, col + a * inner); // parked for the scaling pass: one EXP per element
                }
                for (int p = 0; p < PARTS; p++) {
                    sum[p] = sum[p].add((DoubleVector) e.convertShape(VectorOperators.F2D, D, p));
                }
            }
            for (int p = 0; p < PARTS; p++) {
                sum[p].intoArray(sums, p * D.length());
            }
            for (int l = 0; l < S.length(); l++) {
                scale[l] = (float) (log ? Math.log(sums[l]) : 1.0 / sums[l]);
            }
            FloatVector s = FloatVector.fromArray(S, scale, 0);
            for (int a = 0; a < axis; a++) {
                int at = col + a * inner;
                if (log) {
                    FloatVector.fromArray(S, x, at).sub(max).sub(s).intoArray(y, at);
                } else {
                    FloatVector.fromArray(S, y, at).mul(s).intoArray(y, at);
                }
            }
        }
        return bound;
    }
}
