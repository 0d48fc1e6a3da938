package org.lrml.backend.cuda.vendor;

/**
 * The backend's CUDA stream as the vendor bindings need it: its address (a CUstream is a cudaStream_t, so the FFM
 * bindings pass it as is) and JCuda's object for it (the JCuda bindings wrap it in a cudaStream_t). Every vendor
 * call goes to this stream, ordered with the backend's own kernels.
 */
public record NativeStream(long address, Object jcudaStream) {
}
