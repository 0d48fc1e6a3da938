package org.lrml.backend.cuda.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import org.lrml.backend.cuda.vendor.Binding;
import org.lrml.backend.cuda.vendor.CublasMath;
import org.lrml.backend.cuda.vendor.CublasSession;
import org.lrml.backend.cuda.vendor.CublasStatus;
import org.lrml.backend.cuda.vendor.LibrarySearch;
import org.lrml.backend.cuda.vendor.LibraryVersion;
import org.lrml.backend.cuda.vendor.NativeLoader;
import org.lrml.backend.cuda.vendor.NativeStream;

/**
 * cuBLAS through the foreign-function API: the seven functions the GEMM provider needs, with the C signatures of
 * cublas_api.h (cublasStatus_t and the enums are C ints, handles and streams pointers, strides long long):
 * <pre>
 *   cublasStatus_t cublasGetProperty(libraryPropertyType type, int *value)
 *   cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
 *   cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
 *   cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream)
 *   cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)
 *   cublasStatus_t cublasSgemm_v2(handle, transa, transb, int m, int n, int k, const float *alpha, const float *A,
 *                                 int lda, const float *B, int ldb, const float *beta, float *C, int ldc)
 *   cublasStatus_t cublasSgemmStridedBatched(handle, transa, transb, m, n, k, alpha, A, lda, long long strideA, B,
 *                                 ldb, long long strideB, beta, C, ldc, long long strideC, int batchCount)
 * </pre>
 * alpha and beta are host pointers (the default CUBLAS_POINTER_MODE_HOST), read before the call returns.
 */
final class FfmCublas implements Binding<CublasSession> {
    private static final int MAJOR_VERSION = 0;
    private static final int MINOR_VERSION = 1;
    private static final int PATCH_LEVEL = 2;

    private final String soname;
    private Path path;
    private LibraryVersion version;
    private MethodHandle create;
    private MethodHandle destroy;
    private MethodHandle setStream;
    private MethodHandle setMathMode;
    private MethodHandle sgemm;
    private MethodHandle sgemmStridedBatched;

    FfmCublas(String soname) {
        this.soname = soname;
    }

    @Override
    public String label() {
        return "cuBLAS " + soname.substring(soname.lastIndexOf('.') + 1) + " via FFM";
    }

    @Override
    public String soname() {
        return soname;
    }

    @Override
    public String probe(LibrarySearch search) {
        Path p = search.find(soname);
        if (p == null) {
            return search.notFound(soname);
        }
        try {
            NativeLoader.load(p, search);
        } catch (NativeLoader.LoadFailure e) {
            return e.getMessage();
        }
        NativeFunctions f = new NativeFunctions(p);
        MethodHandle getProperty = f.function(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cublasGetProperty");
        create = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasCreate_v2", "cublasCreate");
        destroy = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasDestroy_v2", "cublasDestroy");
        setStream = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasSetStream_v2", "cublasSetStream");
        setMathMode = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cublasSetMathMode");
        sgemm = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), "cublasSgemm_v2", "cublasSgemm");
        sgemmStridedBatched = f.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_LONG, JAVA_INT), "cublasSgemmStridedBatched");
        if (f.missingReason() != null) {
            return f.missingReason();
        }
        int[] v = new int[3];
        int[] types = {MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            for (int i = 0; i < 3; i++) {
                int status = (int) getProperty.invokeExact(types[i], value);
                if (status != CublasStatus.SUCCESS) {
                    return "cublasGetProperty failed with " + CublasStatus.name(status) + " for " + p;
                }
                v[i] = value.get(JAVA_INT, 0);
            }
        } catch (Throwable t) {
            throw NativeFunctions.rethrow(t, "cublasGetProperty");
        }
        LibraryVersion found = new LibraryVersion(v[0], v[1], v[2]);
        String major = soname.substring(soname.lastIndexOf('.') + 1);
        if (!Integer.toString(found.major()).equals(major)) {
            return "cublasGetProperty reports cuBLAS " + found + " for " + p + " but a " + soname + " must be " + major
                    + ".x";
        }
        path = p;
        version = found;
        return null;
    }

    @Override
    public String describe() {
        return "cuBLAS " + version + " via FFM (" + path + ")";
    }

    @Override
    public CublasSession open(NativeStream stream) {
        MemorySegment handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            CublasStatus.check((int) create.invokeExact(slot), "cublasCreate_v2");
            handle = slot.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeFunctions.rethrow(t, "cublasCreate_v2");
        }
        try {
            CublasStatus.check((int) setStream.invokeExact(handle, MemorySegment.ofAddress(stream.address())),
                    "cublasSetStream_v2");
            CublasStatus.check((int) setMathMode.invokeExact(handle, CublasMath.mode()), "cublasSetMathMode");
        } catch (Throwable t) {
            try {
                int ignored = (int) destroy.invokeExact(handle);
            } catch (Throwable suppressed) {
                t.addSuppressed(suppressed);
            }
            throw NativeFunctions.rethrow(t, "cublasSetStream_v2");
        }
        return new Session(handle);
    }

    private final class Session implements CublasSession {
        private MemorySegment handle;

        Session(MemorySegment handle) {
            this.handle = handle;
        }

        @Override
        public void sgemm(int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                          float beta, long c, int ldc) {
            int status;
            try (Arena arena = Arena.ofConfined()) {
                status = (int) sgemm.invokeExact(handle, transa, transb, m, n, k, arena.allocateFrom(JAVA_FLOAT, alpha),
                        MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb, arena.allocateFrom(JAVA_FLOAT, beta),
                        MemorySegment.ofAddress(c), ldc);
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cublasSgemm_v2");
            }
            CublasStatus.check(status, CublasStatus.gemmCall("cublasSgemm_v2", transa, transb, m, n, k, lda, ldb, ldc));
        }

        @Override
        public void sgemmStridedBatched(int transa, int transb, int m, int n, int k, float alpha, long a, int lda,
                                        long strideA, long b, int ldb, long strideB, float beta, long c, int ldc,
                                        long strideC, int batch) {
            int status;
            try (Arena arena = Arena.ofConfined()) {
                status = (int) sgemmStridedBatched.invokeExact(handle, transa, transb, m, n, k,
                        arena.allocateFrom(JAVA_FLOAT, alpha), MemorySegment.ofAddress(a), lda, strideA,
                        MemorySegment.ofAddress(b), ldb, strideB, arena.allocateFrom(JAVA_FLOAT, beta),
                        MemorySegment.ofAddress(c), ldc, strideC, batch);
            } catch (Throwable t) {
                throw NativeFunctions.rethrow(t, "cublasSgemmStridedBatched");
            }
            CublasStatus.check(status, CublasStatus.gemmCall("cublasSgemmStridedBatched", transa, transb, m, n, k, lda,
                    ldb, ldc) + " batch " + batch);
        }

        @Override
        public void close() {
            if (handle != null) {
                MemorySegment h = handle;
                handle = null;
                int status;
                try {
                    status = (int) destroy.invokeExact(h);
                } catch (Throwable t) {
                    throw NativeFunctions.rethrow(t, "cublasDestroy_v2");
                }
                CublasStatus.check(status, "cublasDestroy_v2");
            }
        }
    }
}
