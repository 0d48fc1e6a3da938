package org.lrml.eval;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;

/**
 * What happens to descriptors between extraction and ranking, in cirtorch's order: learned whitening of every
 * descriptor ({@link Whitening}, to {@code whiteningDim} dimensions), then database-side augmentation of the
 * database ({@link DatabaseAugmentation}), then alpha query expansion of the queries against the (augmented)
 * database ({@link QueryExpansion}). k = 0 switches a step off.
 */
public record Postprocessing(Whitening whitening, int whiteningDim, int qeK, double qeAlpha, int dbaK, double dbaAlpha,
                             Backend backend) {
    public static final Postprocessing NONE = new Postprocessing(null, 0, 0, 0, 0, 0, null);

    public Postprocessing {
        if (qeK < 0 || dbaK < 0) {
            throw new IllegalArgumentException("query expansion and database augmentation need k >= 0 (0 = off), got "
                    + qeK + " and " + dbaK);
        }
        if (whitening != null && (whiteningDim < 1 || whiteningDim > whitening.rows())) {
            throw new IllegalArgumentException("whitening dimension " + whiteningDim + " is not within 1.."
                    + whitening.rows());
        }
        if ((qeK > 0 || dbaK > 0) && backend == null) {
            throw new IllegalArgumentException("query expansion and database augmentation need a backend");
        }
    }

    public boolean isNone() {
        return whitening == null && qeK == 0 && dbaK == 0;
    }

    /** Query and database descriptors after the steps; the dimension may change (whitening). */
    public record Descriptors(float[] queries, int n, float[] database, int m, int dim) {
    }

    public Descriptors apply(float[] queries, int n, float[] database, int m, int d) {
        float[] q = queries;
        float[] x = database;
        int dim = d;
        if (whitening != null) {
            if (whitening.inputDim() != d) {
                throw new IllegalArgumentException("the whitening was learned on " + whitening.inputDim()
                        + "-dimensional descriptors, these have " + d);
            }
            q = whitening.apply(q, n, whiteningDim);
            x = whitening.apply(x, m, whiteningDim);
            dim = whiteningDim;
        }
        if (dbaK > 0) {
            x = DatabaseAugmentation.augment(x, m, dim, dbaK, dbaAlpha, backend);
        }
        if (qeK > 0) {
            q = QueryExpansion.expand(q, n, x, m, dim, qeK, qeAlpha, backend);
        }
        return new Descriptors(q, n, x, m, dim);
    }

    /** One line for logs. */
    public String describe() {
        List<String> steps = new ArrayList<>();
        if (whitening != null) {
            steps.add("whitening to " + whiteningDim);
        }
        if (dbaK > 0) {
            steps.add("DBA k " + dbaK + " alpha " + dbaAlpha);
        }
        if (qeK > 0) {
            steps.add("alpha-QE k " + qeK + " alpha " + qeAlpha);
        }
        return steps.isEmpty() ? "none" : String.join(", ", steps);
    }
}
