package org.lrml.backend.family;

import org.lrml.backend.Storage;

/** Data movement: strided copies, gathers and scatters of rows or along any axis (kernels/layout.cu). */
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

    /**
     * Gather along the middle axis of src viewed as (outer, axisLength, inner): dst (outer, indices.length, inner),
     * dst[o, i, j] = src[o, indices[i], j]; every index must be in [0, axisLength) (the caller resolves negative
     * ones). outer = 1 is {@link #gatherRows} with rows of inner elements.
     */
    void gatherAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst);

    /**
     * The adjoint of {@link #gatherAxis}: dst (outer, axisLength, inner) [o, indices[i], j] += src (outer,
     * indices.length, inner) [o, i, j], applied in increasing i (repeatable); accumulates.
     */
    void scatterAddAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst);
}
