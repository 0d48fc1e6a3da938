package org.lrml.eval;

import org.lrml.backend.Backend;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.ops.IndexSelect;
import org.lrml.ops.L2Normalize;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * The step alpha query expansion and database-side augmentation share: each row a of A (n x D) is replaced by
 * normalise(a + sum over its top-k rows x_j of X (by similarity s_j = a . x_j) of max(s_j, 0)^alpha x_j). The top-k
 * comes from the engine's similarity + top-k op ({@link Ranking#similarity}: S is never held whole, ties go to
 * the lower index) and the weighted sum from ordinary ops (gather, multiply, sum, L2 normalisation), all on the
 * given backend, so on a GPU both run there.
 */
final class NeighbourSum {
    private NeighbourSum() {
    }

    /**
     * @param excludeSelf A is X and a row must not pick itself (database-side augmentation)
     * @return n x D float32, unit rows
     */
    static float[] apply(float[] a, int n, float[] x, int m, int d, int k, double alpha, boolean excludeSelf,
                         Backend backend) {
        if (k < 1) {
            throw new IllegalArgumentException("k = " + k + " neighbours: must be at least 1");
        }
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha = " + alpha + " must be a finite number >= 0");
        }
        int eligible = excludeSelf ? m - 1 : m;
        int kk = Math.min(k, eligible);
        if (kk < 1) {
            return a.clone();
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor ta = Tensor.of(backend, a, n, d);
            Tensor tx = excludeSelf ? ta : Tensor.of(backend, x, m, d);
            Ranking ranking = Ranking.top(kk);
            if (excludeSelf) {
                ranking.excludeSelf();
            }
            RankResult r = ranking.similarity(ta, tx);
            int[] rows = new int[n * kk];
            float[] weights = new float[n * kk];
            for (int i = 0; i < n * kk; i++) {
                rows[i] = (int) r.indices()[i];
                weights[i] = (float) Math.pow(Math.max(r.values()[i], 0.0), alpha);
            }
            Tensor neighbours = IndexSelect.apply(tx, rows).mul(Tensor.of(backend, weights, n * kk, 1));
            Tensor sum = neighbours.reshape(n, kk, d).sum(new int[]{1}, false);
            return L2Normalize.apply(ta.add(sum)).toFloatArray();
        }
    }
}
