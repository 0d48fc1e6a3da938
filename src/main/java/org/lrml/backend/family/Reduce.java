package org.lrml.backend.family;

import org.lrml.backend.ReduceOp;
import org.lrml.backend.Storage;

/** Reductions over axes (kernels/reduce.cu). */
public interface Reduce {

    /**
     * out = op over the axes where {@code axes[d]} is true, of x with the given shape; out has the shape
     * with those axes set to 1 (so its length is the product of the kept dims). Sums accumulate in a
     * fixed order per output element (repeatable); MAX/MIN propagate NaN.
     */
    void reduce(ReduceOp op, Storage x, int[] shape, boolean[] axes, Storage out);
}
