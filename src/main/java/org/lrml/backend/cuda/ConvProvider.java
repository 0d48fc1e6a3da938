package org.lrml.backend.cuda;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Conv;

import org.lrml.backend.ConvGeometry;

/**
 * One implementation of the CUDA backend's 2-D convolution (NCHW, no bias; each pass overwrites its output, as
 * the Backend contract says): the built-in im2col/col2im + SGEMM kernels or cuDNN.
 */
public interface ConvProvider extends Conv, AutoCloseable {

    /** y = conv(x, w). */
    void forward(ConvGeometry g, Buf x, Buf w, Buf y);

    /** dx = conv^T(dy, w). */
    void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx);

    /** dw = correlation of x with dy. */
    void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw);

    /** The family entry: the storages' device buffers, kept reachable until the call is queued. */
    @Override
    default void forward(ConvGeometry g, Storage x, Storage w, Storage y) {
        forward(g, CudaStorage.buf(x), CudaStorage.buf(w), CudaStorage.buf(y));
        CudaStorage.keepReachable(x, w, y);
    }

    /** The family entry: the storages' device buffers, kept reachable until the call is queued. */
    @Override
    default void backwardData(ConvGeometry g, Storage dy, Storage w, Storage dx) {
        backwardData(g, CudaStorage.buf(dy), CudaStorage.buf(w), CudaStorage.buf(dx));
        CudaStorage.keepReachable(dy, w, dx);
    }

    /** The family entry: the storages' device buffers, kept reachable until the call is queued. */
    @Override
    default void backwardFilter(ConvGeometry g, Storage x, Storage dy, Storage dw) {
        backwardFilter(g, CudaStorage.buf(x), CudaStorage.buf(dy), CudaStorage.buf(dw));
        CudaStorage.keepReachable(x, dy, dw);
    }

    @Override
    default void close() {
    }
}
