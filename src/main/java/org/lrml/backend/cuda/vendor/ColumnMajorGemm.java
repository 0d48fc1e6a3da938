package org.lrml.backend.cuda.vendor;

import org.lrml.backend.GemmSpec;

/**
 * A row-major GEMM as the column-major call cuBLAS takes. A row-major m x n matrix with row stride ld is, read
 * column-major, its n x m transpose with the same ld. So C = op(A) op(B) is computed as
 * <pre>
 *   C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m)
 * </pre>
 * i.e. cuBLAS's A is our B (transposed iff ours is), its B is our A, m and n swap, k, the leading dimensions,
 * offsets and batch strides travel with their matrices, and C keeps its ld. No data moves.
 *
 * @param transa cuBLAS op of its first operand (our B)
 * @param transb cuBLAS op of its second operand (our A)
 */
public record ColumnMajorGemm(int transa, int transb, int m, int n, int k,
                              long firstOffset, int lda, long strideA,
                              long secondOffset, int ldb, long strideB,
                              long cOffset, int ldc, long strideC, int batch) {

    public static ColumnMajorGemm of(GemmSpec s) {
        return new ColumnMajorGemm(s.transB() ? CublasSession.OP_T : CublasSession.OP_N,
                s.transA() ? CublasSession.OP_T : CublasSession.OP_N,
                s.n(), s.m(), s.k(),
                s.bOffset(), s.ldb(), s.strideB(),
                s.aOffset(), s.lda(), s.strideA(),
                s.cOffset(), s.ldc(), s.strideC(), s.batch());
    }

    /**
     * True when consecutive C matrices of a batch share elements (a stride smaller than one matrix, e.g. 0): a
     * strided-batched call would then race on them, so the batch runs one matrix after another, as the CPU does.
     */
    public boolean outputsOverlap() {
        // C^T is m x n column-major with ld ldc: its last element is (n - 1) ldc + m - 1.
        return batch > 1 && strideC < (long) (n - 1) * ldc + m;
    }
}
