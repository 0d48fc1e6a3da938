package org.lrml.backend.cuda;

import org.lrml.backend.Storage;
import org.lrml.backend.family.Gemm;

import org.lrml.backend.GemmSpec;

/**
 * One implementation of the CUDA backend's GEMM (row-major, batched, as {@link GemmSpec} defines it): the built-in
 * SGEMM kernels or cuBLAS. Operands are float32 device buffers; the call is queued on the backend's stream.
 */
public interface GemmProvider extends Gemm, AutoCloseable {

    void gemm(GemmSpec spec, Buf a, Buf b, Buf c);

    /** The family entry: the storages' device buffers, kept reachable until the call is queued. */
    @Override
    default void gemm(GemmSpec spec, Storage a, Storage b, Storage c) {
        gemm(spec, CudaStorage.buf(a), CudaStorage.buf(b), CudaStorage.buf(c));
        CudaStorage.keepReachable(a, b, c);
    }

    /** Releases what the provider holds (library handles); the built-in kernels hold nothing. */
    @Override
    default void close() {
    }
}
