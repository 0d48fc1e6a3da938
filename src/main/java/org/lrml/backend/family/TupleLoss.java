package org.lrml.backend.family;

import org.lrml.backend.LossSpec;
import org.lrml.backend.Storage;

/** The fused tuple losses, LRML and its baselines, with their exact gradient (kernels/tupleloss.cu). */
public interface TupleLoss {

    /**
     * A tuple loss over descriptors x (n x d, rows used as given) and tuples (m rows of q, p, n_1..n_k),
     * averaged over tuples. Writes dL/dx into dx (overwritten; rows no tuple touches become 0) unless dx is
     * null. Gradient contributions to each row are summed in a fixed order (bit-for-bit repeatable).
     *
     * @return the batch loss
     */
    double lossAndGrad(LossSpec spec, Storage x, int n, int d, int[] tuples, int m, int k, Storage dx);
}
