package org.lrml.backend.family;

import org.lrml.backend.Storage;

/** Dropout masks (kernels/dropout.cu). */
public interface Dropout {

    /**
     * mask[i] = 1/(1-p) if u(seed, i) >= p else 0, with u a counter-based uniform in [0, 1) that every
     * backend computes identically (so CPU and CUDA drop the same units for the same seed).
     */
    void mask(long seed, double p, Storage mask);
}
