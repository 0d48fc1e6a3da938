package org.lrml.backend;

/**
 * Row-major batched GEMM: for b in [0, batch): C_b = alpha * op(A_b) * op(B_b) + beta * C_b, where
 * op(A_b) is m x k, op(B_b) is k x n and C_b is m x n. Leading dimensions are row strides (elements);
 * A_b starts at aOffset + b * strideA (likewise B, C). beta = 0 means C is overwritten (NaNs in C ignored).
 */
public record GemmSpec(int batch, boolean transA, boolean transB, int m, int n, int k,
                       double alpha, long aOffset, int lda, long strideA,
                       long bOffset, int ldb, long strideB,
                       double beta, long cOffset, int ldc, long strideC) {

    public GemmSpec {
        if (batch < 1 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: bad sizes batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        }
        if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n) {
            throw new IllegalArgumentException("gemm: leading dimension too small (lda=" + lda + " ldb=" + ldb
                    + " ldc=" + ldc + " for m=" + m + " n=" + n + " k=" + k + ")");
        }
    }

    /** Plain contiguous C = op(A) op(B) for one matrix pair. */
    public static GemmSpec of(boolean transA, boolean transB, int m, int n, int k) {
        return new GemmSpec(1, transA, transB, m, n, k, 1.0, 0, transA ? m : k, 0,
                0, transB ? k : n, 0, 0.0, 0, n, 0);
    }

    /** Contiguous batched C_b = op(A_b) op(B_b); a stride of 0 shares one operand across the batch. */
    public static GemmSpec batched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                   boolean shareA, boolean shareB) {
        return new GemmSpec(batch, transA, transB, m, n, k, 1.0,
                0, transA ? m : k, shareA ? 0 : (long) m * k,
                0, transB ? k : n, shareB ? 0 : (long) k * n,
                0.0, 0, n, (long) m * n);
    }

    public GemmSpec withAlphaBeta(double newAlpha, double newBeta) {
        return new GemmSpec(batch, transA, transB, m, n, k, newAlpha, aOffset, lda, strideA,
                bOffset, ldb, strideB, newBeta, cOffset, ldc, strideC);
    }

    /** Floating-point operations of the call (2mnk per matrix), for GFLOP/s figures. */
    public double flops() {
        return 2.0 * batch * m * n * (double) k;
    }
}
