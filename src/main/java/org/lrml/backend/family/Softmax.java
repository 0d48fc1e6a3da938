package org.lrml.backend.family;

import org.lrml.backend.Storage;

/** Row-wise softmax and log-softmax (kernels/softmax.cu). */
public interface Softmax {

    /** Softmax (or log-softmax) over the last axis of a rows x cols matrix, max-subtracted. */
    void softmax(Storage x, int rows, int cols, boolean log, Storage y);
}
