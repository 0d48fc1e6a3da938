package org.lrml.nn;

import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Inverted dropout with probability p in training mode, identity in evaluation mode. Each training-mode
 * forward draws a fresh mask from a seed derived from (seed, number of training forwards so far), so
 * successive steps differ while a run with the same seed repeats exactly; {@link #forwardCount} and
 * {@link #setForwardCount} carry that counter across a checkpoint.
 */
public final class Dropout extends Module {
    private final double p;
    private final long seed;
    private long forwards;

    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p = " + p + " must be in [0, 1)");
        }
        this.p = p;
        this.seed = seed;
    }

    public double p() {
        return p;
    }

    /** Training-mode forwards so far (the mask counter). */
    public long forwardCount() {
        return forwards;
    }

    public void setForwardCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("Dropout: forward count " + count + " must be >= 0");
        }
        this.forwards = count;
    }

    /** The mask seed of the k-th training forward: a hash, so nearby seeds and counters give unrelated masks. */
    public static long maskSeed(long seed, long k) {
        return Rng.mix(Rng.mix(seed) + k);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining()) {
            return x;
        }
        return org.lrml.ops.Dropout.apply(x, p, maskSeed(seed, forwards++), true);
    }
}
