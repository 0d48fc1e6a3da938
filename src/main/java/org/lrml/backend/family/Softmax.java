package org.lrml.backend.family;

import org.lrml.backend.Storage;

/** Softmax and log-softmax over one axis (kernels/softmax.cu). */
public interface Softmax {

    /** Softmax (or log-softmax) over the last axis of a rows x cols matrix, max-subtracted. */
    void softmax(Storage x, int rows, int cols, boolean log, Storage y);

    /**
     * Softmax (or log-softmax) over the middle axis of x viewed as (outer, axis, inner), row-major, in place of
     * any axis of any tensor without moving data: for every (o, i), y[o, :, i] = softmax(x[o, :, i]),
     * max-subtracted; inner = 1 is {@link #softmax} (which may round differently: its rows take vector paths).
     */
    void softmaxAxis(Storage x, int outer, int axis, int inner, boolean log, Storage y);
}
