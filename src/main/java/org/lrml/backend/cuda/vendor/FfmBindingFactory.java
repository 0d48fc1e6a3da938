package org.lrml.backend.cuda.vendor;

/**
 * What the FFM part of the jar (META-INF/versions/22, compiled for Java 22+) provides: bindings to a cuBLAS or
 * cuDNN of a given soname through the foreign-function API. The Java 17 code reaches it only through this
 * interface, by reflection ({@link FfmAccess}), so the engine builds and runs on 17 without it.
 */
public interface FfmBindingFactory {

    /** cuBLAS through FFM, for libcublas.so.13 or libcublas.so.12. */
    Binding<CublasSession> cublas(String soname);

    /** cuDNN 9 through FFM (libcudnn.so.9). */
    Binding<CudnnSession> cudnn(String soname);
}
