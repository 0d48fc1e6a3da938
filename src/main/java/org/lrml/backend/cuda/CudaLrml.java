package org.lrml.backend.cuda;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.cuda.kernels.SimilarityKernels;
import org.lrml.backend.cuda.kernels.TopKKernels;
import org.lrml.backend.cuda.kernels.TupleLossKernels;
import org.lrml.backend.LossSpec;

/**
 * The LRML core on the GPU: ranking (top-k / bottom-k, from a score block or fused with the similarity product)
 * and the fused tuple losses, through the launchers of kernels/topk.cu, similarity.cu and tupleloss.cu.
 *
 * <p>Contracts (the native tests hold them): {@code rank} equals the CPU's rank bit for bit (values and indices:
 * selection does no arithmetic); {@code similarityRank} equals {@code rank} of the built-in SGEMM's S = Q G^T bit
 * for bit, and the CPU's similarityRank within the tolerance rule on values (and on indices away from
 * near-ties); {@code tupleLoss} agrees with the CPU within the tolerance rule and repeats bit for bit.
 */
final class CudaLrml {
    private final TopKKernels topk;
    private final SimilarityKernels similarity;
    private final TupleLossKernels tupleLoss;

    CudaLrml(CudaContext ctx) {
        this.topk = new TopKKernels(ctx);
        this.similarity = new SimilarityKernels(ctx, topk);
        this.tupleLoss = new TupleLossKernels(ctx);
    }

    /** What serves the family, for the providers table. */
    static String describe() {
        return SimilarityKernels.describe() + "; kernels/tupleloss.cu " + TupleLossKernels.DOTS.entry() + ", "
                + TupleLossKernels.COEF.entry() + ", " + TupleLossKernels.GRAD.entry();
    }

    RankResult rank(RankSpec spec, CudaStorage scores) {
        return topk.rank(spec, scores.buf());
    }

    RankResult similarityRank(RankSpec spec, CudaStorage q, CudaStorage g, int d) {
        return similarity.similarityRank(spec, q.buf(), g.buf(), d);
    }

    void similarity(CudaStorage q, CudaStorage g, int rows, int cols, int d, CudaStorage s) {
        if (s.length() != (long) rows * cols) {
            throw new IllegalArgumentException("similarity: S must hold " + rows + " x " + cols + " elements, got " + s);
        }
        similarity.similarity(q.buf(), 0, g.buf(), rows, cols, d, s.buf(), 0, cols);
    }

    double tupleLoss(LossSpec spec, CudaStorage x, int n, int d, int[] tuples, int m, int k, CudaStorage dx) {
        return tupleLoss.tupleLoss(spec, x.buf(), n, d, tuples, m, k, dx == null ? null : dx.buf());
    }
}
