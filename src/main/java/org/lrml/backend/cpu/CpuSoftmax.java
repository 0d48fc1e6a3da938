package org.lrml.backend.cpu;


/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuSoftmax {
    private CpuSoftmax() {
    }

    static void softmax(CpuStorage x, int rows, int cols, boolean log, CpuStorage y) {
        throw new UnsupportedOperationException("not implemented yet: CpuSoftmax");
    }
}
