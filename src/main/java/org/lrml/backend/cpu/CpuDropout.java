package org.lrml.backend.cpu;


/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuDropout {
    private CpuDropout() {
    }

    static void mask(long seed, double p, CpuStorage mask) {
        throw new UnsupportedOperationException("not implemented yet: CpuDropout");
    }
}
