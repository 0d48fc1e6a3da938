package org.lrml.eval;

import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.tensor.MemoryScope;

/**
 * Ranks one database block for a group of queries with the backend's ops and merges the result into the kept
 * lists: S = Q G^T by {@code similarity().product}, then {@code ranking().rank} of S with every score that can no
 * longer enter a query's kept list masked out (NaN, which the ranking never selects).
 *
 * <p>Why not the fused {@code similarity().rank} alone: it keeps the best k of each block from scratch, and with
 * k = 1000 and blocks of a few thousand items most scores enter its heaps (measured: the selection took four times
 * the GEMM at 70 x 2048 x 2048). Once a query's list is full, only scores above its keep-th best can change it; on
 * a million random items that is a few thousand scores in all instead of most of them. The mask is exact: the
 * block's items all have higher indices than the kept ones, so a score equal to the keep-th best loses the tie, and
 * {@code product} gives the very values the fused op ranks (same GEMM, CPU and CUDA alike).
 */
final class BlockRanker implements AutoCloseable {
    private final Backend backend;
    private final Storage queries;
    private final int rows;
    private final int d;
    private float[] scores = new float[0];

    /** queries: rows x d row-major (copied to the backend). */
    BlockRanker(Backend backend, float[] queries, int rows, int d) {
        this.backend = backend;
        this.rows = rows;
        this.d = d;
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            this.queries = backend.upload(queries);
        }
    }

    /** Ranks the block (nb rows of d, global rows first .. first + nb - 1) and merges it into kept. */
    void rankInto(float[] block, int nb, long first, KeptLists kept) {
        int n = rows * nb;
        if (scores.length != n) {
            scores = new float[n];
        }
        float[] s = scores;
        try (MemoryScope.Untracked u = MemoryScope.untracked();
             Storage g = backend.upload(nb * d == block.length ? block : java.util.Arrays.copyOf(block, nb * d));
             Storage sim = backend.allocate(DType.F32, n)) {
            backend.similarity().product(queries, g, rows, nb, d, sim);
            backend.download(sim, s);
        }
        boolean any = false;
        for (int r = 0; r < rows; r++) {
            if (!kept.full(r)) {
                any = true;
                continue;
            }
            float worst = kept.worst(r);
            int base = r * nb;
            for (int j = 0; j < nb; j++) {
                if (s[base + j] <= worst) {
                    s[base + j] = Float.NaN;
                } else {
                    any = true;
                }
            }
        }
        if (!any) {
            return;
        }
        RankResult ranked;
        try (MemoryScope.Untracked u = MemoryScope.untracked(); Storage masked = backend.upload(s)) {
            // A block can contribute at most nb items: asking for more would only allocate empty slots.
            RankSpec spec = new RankSpec(rows, nb, Math.min(kept.keep(), nb), true, null, null, LabelRule.ANY, false,
                    0, first);
            ranked = backend.ranking().rank(spec, masked);
        }
        kept.merge(ranked);
    }

    @Override
    public void close() {
        queries.close();
    }
}
