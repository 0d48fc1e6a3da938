package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Similarity;

/**
 * Similarities on the CPU: the product is the GEMM Q G^T itself (so it is bit for bit what the models' similarity
 * op computes), and the fused ranking scans S block by block ({@link CpuRanking#similarityRank}).
 */
final class CpuSimilarity implements Similarity {
    /** The family as the CPU backend hands it out. */
    static final CpuSimilarity INSTANCE = new CpuSimilarity();

    private CpuSimilarity() {
    }

    @Override
    public void product(Storage q, Storage g, int rows, int cols, int d, Storage s) {
        CpuStorage out = CpuStorage.of(s);
        if (out.length() != (long) rows * cols) {
            throw new IllegalArgumentException("similarity: S must hold " + rows + " x " + cols + " elements, got " + out);
        }
        CpuGemm.gemm(GemmSpec.of(false, true, rows, cols, d), CpuStorage.of(q), CpuStorage.of(g), out);
    }

    @Override
    public RankResult rank(RankSpec spec, Storage q, Storage g, int d) {
        return CpuRanking.similarityRank(spec, CpuStorage.of(q), CpuStorage.of(g), d);
    }
}
