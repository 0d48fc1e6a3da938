package org.lrml.backend.family;

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
}
