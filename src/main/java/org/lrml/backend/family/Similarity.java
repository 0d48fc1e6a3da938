package org.lrml.backend.family;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;

/** Pairwise similarities of descriptors, alone or fused with their ranking (kernels/similarity.cu). */
public interface Similarity {

    /**
     * S = Q G^T (Q: rows x d, G: cols x d, S: rows x cols). On every backend this is bit for bit the built-in
     * GEMM's product Q G^T (the similarity op of the models goes through {@link Gemm}; this is the kernel that
     * {@link #rank} uses for large k, exposed for tests and benchmarks).
     */
    void product(Storage q, Storage g, int rows, int cols, int d, Storage s);

    /**
     * Ranking of S = Q G^T (Q: spec.rows x d, G: spec.cols x d) without keeping the whole S; the result equals
     * {@link Ranking#rank} of the full product.
     */
    RankResult rank(RankSpec spec, Storage q, Storage g, int d);
}
