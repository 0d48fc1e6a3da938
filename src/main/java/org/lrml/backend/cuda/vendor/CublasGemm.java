package org.lrml.backend.cuda.vendor;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.backend.cuda.kernels.GemmKernels;

/**
 * GEMM through cuBLAS: the operands are bounds-checked on the host as for the built-in kernels, the row-major call
 * becomes the column-major one ({@link ColumnMajorGemm}), a batch becomes one cublasSgemmStridedBatched (one
 * matrix after another when the outputs overlap). k = 0 (C = beta C, nothing to multiply) goes to the built-in
 * kernel, whose BLAS semantics for it are tested, instead of relying on each cuBLAS version's quick-return path.
 * Results repeat bit for bit on the same GPU and library: the backend uses one stream per handle, the condition
 * cuBLAS documents for reproducibility.
 */
public final class CublasGemm implements GemmProvider {
    private final CublasSession blas;
    private final GemmProvider kZero;
    private final String describe;

    public CublasGemm(CublasSession blas, GemmProvider kZero, String describe) {
        this.blas = blas;
        this.kZero = kZero;
        this.describe = describe;
    }

    /** Synchronized: a cuBLAS handle must not be used by two threads at once. */
    @Override
    public synchronized void gemm(GemmSpec s, Buf a, Buf b, Buf c) {
        GemmKernels.check(s, a, b, c);
        if (s.m() == 0 || s.n() == 0) {
            return;
        }
        if (s.k() == 0) {
            kZero.gemm(s, a, b, c);
            return;
        }
        ColumnMajorGemm g = ColumnMajorGemm.of(s);
        long first = b.address() + 4 * g.firstOffset();
        long second = a.address() + 4 * g.secondOffset();
        long out = c.address() + 4 * g.cOffset();
        float alpha = (float) s.alpha();
        float beta = (float) s.beta();
        if (g.batch() == 1) {
            blas.sgemm(g.transa(), g.transb(), g.m(), g.n(), g.k(), alpha, first, g.lda(), second, g.ldb(), beta, out,
                    g.ldc());
        } else if (g.outputsOverlap()) {
            for (int i = 0; i < g.batch(); i++) {
                blas.sgemm(g.transa(), g.transb(), g.m(), g.n(), g.k(), alpha, first + 4 * i * g.strideA(), g.lda(),
                        second + 4 * i * g.strideB(), g.ldb(), beta, out + 4 * i * g.strideC(), g.ldc());
            }
        } else {
            blas.sgemmStridedBatched(g.transa(), g.transb(), g.m(), g.n(), g.k(), alpha, first, g.lda(), g.strideA(),
                    second, g.ldb(), g.strideB(), beta, out, g.ldc(), g.strideC(), g.batch());
        }
    }

    @Override
    public synchronized void close() {
        blas.close();
    }

    @Override
    public String toString() {
        return describe;
    }
}
