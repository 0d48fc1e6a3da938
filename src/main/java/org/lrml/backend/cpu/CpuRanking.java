package org.lrml.backend.cpu;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;

/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuRanking {
    private CpuRanking() {
    }

    static RankResult rank(RankSpec spec, CpuStorage scores) {
        throw new UnsupportedOperationException("not implemented yet: CpuRanking");
    }

    static RankResult similarityRank(RankSpec spec, CpuStorage q, CpuStorage g, int d) {
        throw new UnsupportedOperationException("not implemented yet: CpuRanking");
    }
}
