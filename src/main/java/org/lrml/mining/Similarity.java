package org.lrml.mining;

import org.lrml.autograd.Autograd;
import org.lrml.ops.Kernels;
import org.lrml.ops.MatMul;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Pairwise similarity S = Q G^T of descriptor sets Q (n x D) and G (m x D) -> S (n x m); cosine similarity
 * when the rows are unit vectors. For databases too large to hold S at once, rank through
 * {@link Ranking#similarity} instead, which computes S block by block.
 * <p>Backward: dQ = dS G (n x m times m x D), dG = dS^T Q (m x n times n x D).
 */
public final class Similarity {
    private Similarity() {
    }

    public static Tensor apply(Tensor q, Tensor g) {
        Kernels.sameBackend("similarity", q, g);
        if (q.rank() != 2 || g.rank() != 2 || q.size(1) != g.size(1)) {
            throw new IllegalArgumentException("similarity: Q (n x D) and G (m x D) must be matrices with the same D, got "
                    + Shape.str(q.shape()) + " and " + Shape.str(g.shape()));
        }
        int n = q.size(0);
        int m = g.size(0);
        int d = q.size(1);
        Tensor s = MatMul.gemm(q, false, g, true, 1, n, m, d, false, false, new int[]{n, m});
        return Autograd.record("similarity", s, (ds, needs) -> new Tensor[]{
                needs[0] ? MatMul.gemm(ds, false, g, false, 1, n, d, m, false, false, new int[]{n, d}) : null,
                needs[1] ? MatMul.gemm(ds, true, q, false, 1, m, d, n, false, false, new int[]{m, d}) : null}, q, g);
    }
}
