package org.lrml.backend.cuda;

import org.lrml.backend.ConvGeometry;

/**
 * One implementation of the CUDA backend's 2-D convolution (NCHW, no bias; each pass overwrites its output, as
 * the Backend contract says): the built-in im2col/col2im + SGEMM kernels or cuDNN.
 */
public interface ConvProvider extends AutoCloseable {

    /** y = conv(x, w). */
    void forward(ConvGeometry g, Buf x, Buf w, Buf y);

    /** dx = conv^T(dy, w). */
    void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx);

    /** dw = correlation of x with dy. */
    void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw);

    @Override
    default void close() {
    }
}
