package org.lrml.backend.cpu;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Dropout;
import org.lrml.util.Rng;

/**
 * Dropout masks from the counter-based uniform {@link Rng#uniformAt}: element i depends only on (seed, i),
 * so the mask is the same for any thread count and on every backend that mirrors the hash.
 * mask[i] = 1/(1-p) when u(seed, i) >= p, else 0 (inverted dropout: the expected value is kept).
 */
final class CpuDropout implements Dropout {
    private static final int GRAIN = 1 << 15;

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuDropout INSTANCE = new CpuDropout();

    private CpuDropout() {
    }

    @Override
    public void mask(long seed, double p, Storage mask) {
        mask(seed, p, CpuStorage.of(mask));
    }

    static void mask(long seed, double p, CpuStorage mask) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropoutMask: p = " + p + " must be in [0, 1)");
        }
        double keep = 1.0 / (1.0 - p);
        int n = (int) mask.length();
        if (mask.isF32()) {
            float[] m = mask.f();
            float scale = (float) keep;
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    m[i] = Rng.uniformAt(seed, i) >= p ? scale : 0f;
                }
            });
        } else {
            double[] m = mask.d();
            CpuParallel.forRange(n, GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    m[i] = Rng.uniformAt(seed, i) >= p ? keep : 0.0;
                }
            });
        }
    }
}
