package org.lrml.backend.cuda.vendor;

/** cublasStatus_t names (cublas_api.h; unchanged from CUDA 11 to 13), for error messages of either binding. */
public final class CublasStatus {
    public static final int SUCCESS = 0;

    private CublasStatus() {
    }

    public static String name(int status) {
        return switch (status) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus " + status;
        };
    }

    /** Throws a VendorException naming the call, unless the status is success. */
    public static void check(int status, String call) {
        if (status != SUCCESS) {
            String hint = status == 1 ? " (cuBLAS could not initialise: is the driver new enough for this cuBLAS, and"
                    + " is the GPU's context current?)" : "";
            throw new VendorException(call + " failed with " + name(status) + " (" + status + ")" + hint, status);
        }
    }

    /** Names the cuBLAS call with its sizes, for error messages. */
    public static String gemmCall(String fn, int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc) {
        return fn + "(" + (transa == 0 ? "N" : "T") + (transb == 0 ? "N" : "T") + ", m=" + m + ", n=" + n + ", k=" + k
                + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
    }
}
