package org.lrml.backend.cpu;

import org.lrml.backend.PoolGeometry;

/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuPool {
    private CpuPool() {
    }

    static void maxForward(PoolGeometry g, CpuStorage x, CpuStorage y) {
        throw new UnsupportedOperationException("not implemented yet: CpuPool");
    }

    static void maxBackward(PoolGeometry g, CpuStorage x, CpuStorage dy, CpuStorage dx) {
        throw new UnsupportedOperationException("not implemented yet: CpuPool");
    }

    static void avgForward(PoolGeometry g, CpuStorage x, CpuStorage y) {
        throw new UnsupportedOperationException("not implemented yet: CpuPool");
    }

    static void avgBackward(PoolGeometry g, CpuStorage dy, CpuStorage dx) {
        throw new UnsupportedOperationException("not implemented yet: CpuPool");
    }
}
