package org.lrml.eval;

import org.lrml.backend.Backend;

/**
 * Alpha query expansion (alpha-QE; Radenovic et al., TPAMI 2018): each query q becomes
 * q' = normalise(q + sum_{i &lt;= k} max(s_i, 0)^alpha x_i) over its k most similar database items x_i (s_i = q . x_i),
 * and the database is ranked again with q'. alpha = 0 is average query expansion (Chum et al. 2007); cirtorch's
 * usual setting is k = 2..10, alpha = 3. Computed with the engine's similarity + top-k op ({@link NeighbourSum}).
 */
public final class QueryExpansion {
    private QueryExpansion() {
    }

    /** Expanded queries (n x d, unit rows) against the database (m x d). */
    public static float[] expand(float[] queries, int n, float[] database, int m, int d, int k, double alpha,
                                 Backend backend) {
        return NeighbourSum.apply(queries, n, database, m, d, k, alpha, false, backend);
    }
}
