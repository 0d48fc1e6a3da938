package org.lrml.backend.cuda.vendor;

import java.nio.file.Path;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

/**
 * cuBLAS 12 through JCublas2 12.6.0 (JNI; its native library comes from org.jcuda:jcublas-natives and needs
 * libcublas.so.12). The library file is found by {@link LibrarySearch} and loaded by path first, so JCublas2's
 * native library, which asks for it by soname, finds it even where the loader alone would not (PyTorch's wheels).
 */
final class JCublasBinding implements Binding<CublasSession> {
    static final String SONAME = "libcublas.so.12";
    /** libraryPropertyType. */
    private static final int MAJOR_VERSION = 0;
    private static final int MINOR_VERSION = 1;
    private static final int PATCH_LEVEL = 2;
    /** Why JCublas2's class failed to initialise, kept: later uses only see NoClassDefFoundError. */
    private static volatile String classFailure;

    private Path path;
    private LibraryVersion version;

    @Override
    public String label() {
        return "cuBLAS 12 via JCublas2";
    }

    @Override
    public String soname() {
        return SONAME;
    }

    @Override
    public String probe(LibrarySearch search) {
        Path p = search.find(SONAME);
        if (p == null) {
            return search.notFound(SONAME);
        }
        try {
            NativeLoader.load(p, search);
        } catch (NativeLoader.LoadFailure e) {
            return e.getMessage();
        }
        String failure = initialise();
        if (failure != null) {
            return failure;
        }
        int[] v = new int[3];
        int[] types = {MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL};
        for (int i = 0; i < 3; i++) {
            int[] value = new int[1];
            int status = JCublas2.cublasGetProperty(types[i], value);
            if (status != CublasStatus.SUCCESS) {
                return "cublasGetProperty failed with " + CublasStatus.name(status) + " for " + p;
            }
            v[i] = value[0];
        }
        LibraryVersion found = new LibraryVersion(v[0], v[1], v[2]);
        if (found.major() != 12) {
            return "cublasGetProperty reports cuBLAS " + found + " for " + p + " but JCublas 12.6.0 needs 12.x";
        }
        path = p;
        version = found;
        return null;
    }

    /** Loads JCublas2's native library once; null when it works, else why not. */
    private static synchronized String initialise() {
        if (classFailure == null) {
            try {
                JCublas2.setExceptionsEnabled(false);
            } catch (Throwable t) {
                classFailure = "JCublas2's native library (org.jcuda:jcublas-natives:12.6.0) does not load: "
                        + JniFailures.reason(t);
            }
        }
        return classFailure;
    }

    @Override
    public String describe() {
        return "cuBLAS " + version + " via JCublas2 (" + path + ")";
    }

    @Override
    public CublasSession open(NativeStream stream) {
        cublasHandle h = new cublasHandle();
        CublasStatus.check(JCublas2.cublasCreate(h), "cublasCreate_v2");
        try {
            CublasStatus.check(JCublas2.cublasSetStream(h, new cudaStream_t((CUstream) stream.jcudaStream())),
                    "cublasSetStream_v2");
            CublasStatus.check(JCublas2.cublasSetMathMode(h, CublasMath.mode()), "cublasSetMathMode");
        } catch (RuntimeException e) {
            JCublas2.cublasDestroy(h);
            throw e;
        }
        return new Session(h);
    }

    private static Pointer device(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }

    private static final class Session implements CublasSession {
        private cublasHandle handle;

        Session(cublasHandle handle) {
            this.handle = handle;
        }

        @Override
        public void sgemm(int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                          float beta, long c, int ldc) {
            CublasStatus.check(JCublas2.cublasSgemm(handle, transa, transb, m, n, k, Pointer.to(new float[]{alpha}),
                            device(a), lda, device(b), ldb, Pointer.to(new float[]{beta}), device(c), ldc),
                    CublasStatus.gemmCall("cublasSgemm_v2", transa, transb, m, n, k, lda, ldb, ldc));
        }

        @Override
        public void sgemmStridedBatched(int transa, int transb, int m, int n, int k, float alpha, long a, int lda,
                                        long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                                        long strideC, int batch) {
            CublasStatus.check(JCublas2.cublasSgemmStridedBatched(handle, transa, transb, m, n, k,
                            Pointer.to(new float[]{alpha}), device(a), lda, strideA, device(b), ldb, strideB,
                            Pointer.to(new float[]{beta}), device(c), ldc, strideC, batch),
                    CublasStatus.gemmCall("cublasSgemmStridedBatched", transa, transb, m, n, k, lda, ldb, ldc)
                            + " batch " + batch);
        }

        @Override
        public void close() {
            if (handle != null) {
                cublasHandle h = handle;
                handle = null;
                CublasStatus.check(JCublas2.cublasDestroy(h), "cublasDestroy_v2");
            }
        }
    }
}
