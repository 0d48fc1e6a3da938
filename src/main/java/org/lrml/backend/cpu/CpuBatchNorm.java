package org.lrml.backend.cpu;


/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuBatchNorm {
    private CpuBatchNorm() {
    }

    static void stats(CpuStorage x, int n, int c, int s, CpuStorage mean, CpuStorage var) {
        throw new UnsupportedOperationException("not implemented yet: CpuBatchNorm");
    }

    static void channelAffine(CpuStorage x, int n, int c, int s, CpuStorage scale, CpuStorage shift, CpuStorage y) {
        throw new UnsupportedOperationException("not implemented yet: CpuBatchNorm");
    }

    static void backwardReduce(CpuStorage dy, CpuStorage x, CpuStorage mean, CpuStorage invStd, int n, int c, int s, CpuStorage sumDy, CpuStorage sumDyXhat) {
        throw new UnsupportedOperationException("not implemented yet: CpuBatchNorm");
    }

    static void backwardInput(CpuStorage dy, CpuStorage x, CpuStorage mean, CpuStorage invStd, CpuStorage gamma, CpuStorage sumDy, CpuStorage sumDyXhat, int n, int c, int s, CpuStorage dx) {
        throw new UnsupportedOperationException("not implemented yet: CpuBatchNorm");
    }
}
