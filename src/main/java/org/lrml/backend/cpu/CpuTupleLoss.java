package org.lrml.backend.cpu;

import org.lrml.loss.LossSpec;

/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuTupleLoss {
    private CpuTupleLoss() {
    }

    static double lossAndGrad(LossSpec spec, CpuStorage x, int n, int d, int[] tuples, int m, int k, CpuStorage dx) {
        throw new UnsupportedOperationException("not implemented yet: CpuTupleLoss");
    }
}
