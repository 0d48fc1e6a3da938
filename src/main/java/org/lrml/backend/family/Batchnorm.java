package org.lrml.backend.family;

import org.lrml.backend.DType;
import org.lrml.backend.Storage;

/** Batch normalisation pieces, x viewed as (n, c, s) (kernels/batchnorm.cu). */
public interface Batchnorm {

    /** Per-channel mean and biased variance over n and s. */
    void stats(Storage x, int n, int c, int s, Storage mean, Storage var);

    /** y = x * scale[c] + shift[c]. y may be x. */
    void channelAffine(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y);

    /** sumDy[c] = sum dy; sumDyXhat[c] = sum dy * (x - mean[c]) * invStd[c]. */
    void backwardReduce(Storage dy, Storage x, Storage mean, Storage invStd, int n, int c, int s,
                        Storage sumDy, Storage sumDyXhat);

    /**
     * Training-mode input gradient with M = n s:
     * dx = gamma[c] invStd[c] (dy - sumDy[c]/M - xhat sumDyXhat[c]/M), xhat = (x - mean[c]) invStd[c].
     */
    void backwardInput(Storage dy, Storage x, Storage mean, Storage invStd, Storage gamma,
                       Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx);

    /**
     * Whether this backend runs batch norm followed by ReLU as one pass forward and one backward
     * ({@link #channelAffineRelu}, {@link #backwardReduceRelu}, {@link #backwardInputRelu}) for this dtype; where it
     * does not, ops.BatchNorm2d.applyRelu composes batch norm and ReLU, with the same values.
     */
    default boolean fusesRelu(DType dtype) {
        return false;
    }

    /** y = max(x * scale[c] + shift[c], 0), the ReLU of {@link #channelAffine} as the RELU op computes it. */
    default void channelAffineRelu(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y) {
        throw new UnsupportedOperationException("channelAffineRelu: this backend composes batch norm and ReLU");
    }

    /**
     * {@link #backwardReduce} of dy' = dy [y &gt; 0] (ReLU's backward, y its output) without writing dy': the sums are
     * those of backwardReduce given dy' (same order, same values).
     */
    default void backwardReduceRelu(Storage dy, Storage y, Storage x, Storage mean, Storage invStd, int n, int c, int s,
                                    Storage sumDy, Storage sumDyXhat) {
        throw new UnsupportedOperationException("backwardReduceRelu: this backend composes batch norm and ReLU");
    }

    /** {@link #backwardInput} of dy' = dy [y &gt; 0], computed on the fly. */
    default void backwardInputRelu(Storage dy, Storage y, Storage x, Storage mean, Storage invStd, Storage gamma,
                                   Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx) {
        throw new UnsupportedOperationException("backwardInputRelu: this backend composes batch norm and ReLU");
    }
}
