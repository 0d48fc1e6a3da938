package org.lrml.backend.family;

import org.lrml.backend.Storage;

/** Data movement: strided copies, row gathers and scatters (kernels/layout.cu). */
public interface Layout {

    /**
     * Strided copy: for every index tuple i of shape, dst[dstOffset + sum i_d dstStrides_d] =
     * src[srcOffset + sum i_d srcStrides_d]. Permute, slice, concat and broadcast-expand are all this.
     */
    void copyStrided(Storage src, long srcOffset, int[] srcStrides,
                     Storage dst, long dstOffset, int[] dstStrides, int[] shape);

    /** dst row i = src row rows[i]; rows of rowLength elements; every index must be in range. */
    void gatherRows(Storage src, int rowLength, int[] rows, Storage dst);

    /** dst row rows[i] += src row i, applied in increasing i (repeatable); accumulates. */
    void scatterAddRows(Storage src, int rowLength, int[] rows, Storage dst);
}
