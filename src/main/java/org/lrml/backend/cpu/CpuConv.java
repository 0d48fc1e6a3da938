package org.lrml.backend.cpu;

import org.lrml.backend.ConvGeometry;

/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuConv {
    private CpuConv() {
    }

    static void forward(ConvGeometry g, CpuStorage x, CpuStorage w, CpuStorage y) {
        throw new UnsupportedOperationException("not implemented yet: CpuConv");
    }

    static void backwardData(ConvGeometry g, CpuStorage dy, CpuStorage w, CpuStorage dx) {
        throw new UnsupportedOperationException("not implemented yet: CpuConv");
    }

    static void backwardFilter(ConvGeometry g, CpuStorage x, CpuStorage dy, CpuStorage dw) {
        throw new UnsupportedOperationException("not implemented yet: CpuConv");
    }
}
