package org.lrml.eval;

import org.lrml.backend.Backend;

/**
 * Database-side augmentation (alpha-DBA; Arandjelovic and Zisserman 2012, with Radenovic et al.'s weights): each
 * database item x becomes x' = normalise(x + sum_{j &lt;= k} max(s_j, 0)^alpha x_j) over its k most similar other
 * items (itself excluded), all computed from the original database; queries are then ranked against the
 * augmented one. The same form as {@link QueryExpansion}, computed with the engine's similarity + top-k op.
 */
public final class DatabaseAugmentation {
    private DatabaseAugmentation() {
    }

    /** The augmented database (m x d, unit rows). */
    public static float[] augment(float[] database, int m, int d, int k, double alpha, Backend backend) {
        return NeighbourSum.apply(database, m, database, m, d, k, alpha, true, backend);
    }
}
