package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuTopKFilter}'s searches on the Vector API: L scores per comparison, the first true lane of the
 * first vector that has one, and a scalar tail. A comparison of each score with the threshold gives the same
 * answer in a lane as in the scalar loop (IEEE comparison; NaN is false). Only {@link CpuTopKFilter} touches
 * this class, after its probe.
 */
final class CpuTopKFilterVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private CpuTopKFilterVector() {
    }

    static int nextAtLeast(float[] f, int off, int from, int to, float t) {
        int j = from;
        int end = to - (to - from) % L;
        for (; j < end; j += L) {
            VectorMask<Float> m = FloatVector.fromArray(S, f, off + j).compare(VectorOperators.GE, t);
            if (m.anyTrue()) {
                return j + m.firstTrue();
            }
        }
        return CpuTopKFilter.nextAtLeastScalar(f, off, j, to, t);
    }

    static int nextAtMost(float[] f, int off, int from, int to, float t) {
        int j = from;
        int end = to - (to - from) % L;
        for (; j < end; j += L) {
            VectorMask<Float> m = FloatVector.fromArray(S, f, off + j).compare(VectorOperators.LE, t);
            if (m.anyTrue()) {
                return j + m.firstTrue();
            }
        }
        return CpuTopKFilter.nextAtMostScalar(f, off, j, to, t);
    }
}
