/*
 * Stand-in libcublas.so.N: the functions the engine's cuBLAS bindings call, computing on host memory.
 * Compile with -DFAKE_MAJOR=12|13 (FakeVendorLibraries does). Signatures as cublas_api.h.
 */
#include <stdlib.h>
#include "fake_trace.h"

#define SUCCESS 0
#define INVALID_VALUE 7

typedef struct { int math; void *stream; } handle_t;

static int max1(int a) { return a > 1 ? a : 1; }

int cublasGetProperty(int type, int *value) {
    *value = type == 0 ? FAKE_MAJOR : type == 1 ? 2 : 5;
    return SUCCESS;
}

int cublasCreate_v2(void **handle) {
    *handle = calloc(1, sizeof(handle_t));
    fake_trace("cublasCreate_v2");
    return SUCCESS;
}

int cublasDestroy_v2(void *handle) {
    free(handle);
    fake_trace("cublasDestroy_v2");
    return SUCCESS;
}

int cublasSetStream_v2(void *handle, void *stream) {
    ((handle_t *) handle)->stream = stream;
    fake_trace("cublasSetStream_v2 %p", stream);
    return SUCCESS;
}

int cublasSetMathMode(void *handle, int mode) {
    ((handle_t *) handle)->math = mode;
    fake_trace("cublasSetMathMode %d", mode);
    return SUCCESS;
}

/* C (m x n, column-major, ldc) = alpha op(A) op(B) + beta C; C is not read when beta == 0. */
static int gemm(int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
                float beta, float *C, int ldc) {
    if (m < 0 || n < 0 || k < 0 || lda < max1(ta ? k : m) || ldb < max1(tb ? n : k) || ldc < max1(m)) {
        return INVALID_VALUE;
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int l = 0; l < k; l++) {
                double a = ta ? A[l + (long) i * lda] : A[i + (long) l * lda];
                double b = tb ? B[j + (long) l * ldb] : B[l + (long) j * ldb];
                acc += a * b;
            }
            float *c = &C[i + (long) j * ldc];
            *c = beta == 0 ? (float) (alpha * acc) : (float) (alpha * acc + (double) beta * *c);
        }
    }
    return SUCCESS;
}

int cublasSgemm_v2(void *handle, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda,
                   const float *B, int ldb, const float *beta, float *C, int ldc) {
    (void) handle;
    fake_trace("cublasSgemm_v2 %c%c m=%d n=%d k=%d lda=%d ldb=%d ldc=%d", ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, lda,
               ldb, ldc);
    return gemm(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
}

int cublasSgemmStridedBatched(void *handle, int ta, int tb, int m, int n, int k, const float *alpha, const float *A,
                              int lda, long long strideA, const float *B, int ldb, long long strideB,
                              const float *beta, float *C, int ldc, long long strideC, int batch) {
    (void) handle;
    fake_trace("cublasSgemmStridedBatched %c%c m=%d n=%d k=%d batch=%d", ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k,
               batch);
    for (int b = 0; b < batch; b++) {
        int r = gemm(ta, tb, m, n, k, *alpha, A + b * strideA, lda, B + b * strideB, ldb, *beta, C + b * strideC, ldc);
        if (r != SUCCESS) return r;
    }
    return SUCCESS;
}
