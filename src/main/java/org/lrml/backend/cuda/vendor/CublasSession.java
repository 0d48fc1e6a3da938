package org.lrml.backend.cuda.vendor;

/**
 * The cuBLAS calls the GEMM provider makes, on one handle created for the backend's stream with FP32 math (no
 * TF32). Matrices are column-major, as cuBLAS takes them; addresses are device addresses of float32 data;
 * {@code op} is 0 for CUBLAS_OP_N and 1 for CUBLAS_OP_T. Failures are {@link VendorException}s naming the call.
 */
public interface CublasSession extends AutoCloseable {
    int OP_N = 0;
    int OP_T = 1;

    /** cublasSgemm_v2 with host-side alpha and beta. */
    void sgemm(int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta,
               long c, int ldc);

    /** cublasSgemmStridedBatched with host-side alpha and beta; strides in elements. */
    void sgemmStridedBatched(int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long strideA,
                             long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch);

    /** cublasDestroy_v2. */
    @Override
    void close();
}
