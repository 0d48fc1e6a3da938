package org.lrml.gradcheck.cases;

import java.util.Arrays;

import org.lrml.backend.Backends;
import org.lrml.gradcheck.Problem;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Gradient-check problems for the fused tuple losses: N unit rows in D dimensions and M tuples of distinct
 * rows drawn from them (N is small, so rows are shared by several tuples and serve as query in one tuple and
 * positive or negative in another).
 *
 * <p>The spec's exact LRML gradient treats wn and the negatives' rank order as constants. The function
 * checked is therefore the loss with both frozen at the base point X0:
 * <pre>
 *   F(X) = fused(X) + drift(X),  drift(X) = lambda/M sum_t sum_r (wn_r(X0) - wn_r(X)) [alpha_r - d_r(X)]_+
 * </pre>
 * which equals L(X; wn(X0), order(X0)) exactly. drift is computed here in plain double loops and enters
 * without a graph (it is 0 at X0), so the analytic side is the fused op's backward alone and the numeric
 * side differentiates the frozen loss. The rank order needs no term: inputs are drawn with similarity gaps
 * of at least {@link #MARGIN}, far beyond what a step of 1e-6 can close.
 *
 * <p>Inputs are redrawn until every kink is at least MARGIN away (d = alpha - m, d = alpha_r, order hinges,
 * baseline margins, and 2 - 2s well above EPS) and the case exercises what it must: violating and
 * non-violating negatives, a tuple with several violators (so wn is fractional), active and inactive
 * L_order pairs when mu &gt; 0, active and inactive baseline hinges.
 */
final class TupleLossProblems {
    /** Minimum distance of every hinge and rank gap from its kink at the base point. */
    static final double MARGIN = 1e-3;
    private static final int ATTEMPTS = 100_000;

    private TupleLossProblems() {
    }

    static Problem fused(Rng rng, LossSpec spec, int n, int d, int m, int k) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double[] x = unitRows(rng, n, d);
            int[] table = new int[m * (2 + k)];
            for (int t = 0; t < m; t++) {
                System.arraycopy(rng.sample(n, 2 + k), 0, table, t * (2 + k), 2 + k);
            }
            Tuples tuples = Tuples.of(table, m, k);
            if (!suitable(spec, x, d, tuples)) {
                continue;
            }
            double[][] frozenWn = spec.kind() == LossKind.LRML ? weights(spec, x, d, tuples) : null;
            Tensor input = Tensor.of(Backends.cpu(), x, n, d).requiresGrad(true);
            return Problem.of(t -> {
                Tensor loss = TupleLoss.apply(t[0], tuples, spec);
                if (frozenWn == null) {
                    return loss;
                }
                double drift = drift(spec, t[0].toDoubleArray(), d, tuples, frozenWn);
                // On the loss's own backend and dtype, so the case also runs in float32 and on CUDA (OpCasesCudaTest).
                return loss.add(Tensor.full(loss.backend(), loss.dtype(), drift, new int[0]));
            }, input);
        }
        throw new IllegalStateException("tuple loss gradcheck: no input draw met the conditions for " + spec
                + " in " + ATTEMPTS + " attempts; loosen the case");
    }

    private static double[] unitRows(Rng rng, int n, int d) {
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian();
                norm += x[i * d + j] * x[i * d + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                x[i * d + j] /= norm;
            }
        }
        return x;
    }

    /** Similarities of one tuple: s[0] = s_p, s[1 + i] = s of negative i (tuple order). */
    private static double[] similarities(double[] x, int d, Tuples tuples, int t) {
        int k = tuples.k();
        double[] s = new double[1 + k];
        s[0] = dot(x, d, tuples.query(t), tuples.positive(t));
        for (int i = 0; i < k; i++) {
            s[1 + i] = dot(x, d, tuples.query(t), tuples.negative(t, i));
        }
        return s;
    }

    private static double dot(double[] x, int d, int a, int b) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += x[a * d + j] * x[b * d + j];
        }
        return s;
    }

    private static double dist(double s) {
        return Math.sqrt(Math.max(2 - 2 * s, LossSpec.EPS));
    }

    /** Negative indices (0..K-1) by rank: s descending (inputs have no ties). */
    private static Integer[] rankOrder(double[] s, int k) {
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[1 + b], s[1 + a]));
        return order;
    }

    /** wn of each negative (tuple order) of each tuple at x. */
    static double[][] weights(LossSpec spec, double[] x, int d, Tuples tuples) {
        int k = tuples.k();
        double[][] wn = new double[tuples.m()][k];
        for (int t = 0; t < tuples.m(); t++) {
            double[] s = similarities(x, d, tuples, t);
            Integer[] order = rankOrder(s, k);
            double sum = 0;
            for (int r = 0; r < k; r++) {
                double ar = spec.alpha() + r * spec.delta();
                double dr = dist(s[1 + order[r]]);
                if (dr < ar) {
                    wn[t][order[r]] = Math.exp(spec.temperature() * (ar - dr));
                    sum += wn[t][order[r]];
                }
            }
            for (int i = 0; i < k && sum > 0; i++) {
                wn[t][i] /= sum;
            }
        }
        return wn;
    }

    /** lambda/M sum (wn(X0) - wn(X)) [alpha_r - d_r(X)]_+, see the class comment. */
    static double drift(LossSpec spec, double[] x, int d, Tuples tuples, double[][] frozen) {
        double[][] live = weights(spec, x, d, tuples);
        double total = 0;
        for (int t = 0; t < tuples.m(); t++) {
            double[] s = similarities(x, d, tuples, t);
            Integer[] order = rankOrder(s, tuples.k());
            for (int r = 0; r < tuples.k(); r++) {
                int i = order[r];
                double hinge = spec.alpha() + r * spec.delta() - dist(s[1 + i]);
                if (hinge > 0) {
                    total += (frozen[t][i] - live[t][i]) * hinge;
                }
            }
        }
        return spec.lambda() * total / tuples.m();
    }

    /** Every kink at least MARGIN away, and the case covers the regimes it is meant to check. */
    static boolean suitable(LossSpec spec, double[] x, int d, Tuples tuples) {
        int k = tuples.k();
        int violating = 0;
        int calm = 0;
        int crowded = 0;
        int activePairs = 0;
        int calmPairs = 0;
        int activePositives = 0;
        for (int t = 0; t < tuples.m(); t++) {
            double[] s = similarities(x, d, tuples, t);
            for (double v : s) {
                if (2 - 2 * v < 1e-2) {
                    return false;
                }
            }
            Integer[] order = rankOrder(s, k);
            for (int r = 0; r + 1 < k; r++) {
                if (s[1 + order[r]] - s[1 + order[r + 1]] < MARGIN) {
                    return false;
                }
            }
            double dp = dist(s[0]);
            int tupleViolators = 0;
            for (int r = 0; r < k; r++) {
                double dr = dist(s[1 + order[r]]);
                double kink = switch (spec.kind()) {
                    case LRML -> spec.alpha() + r * spec.delta() - dr;
                    case CONTRASTIVE -> spec.margin() - dr;
                    case TRIPLET -> dp - dr + spec.margin();
                };
                if (Math.abs(kink) < MARGIN) {
                    return false;
                }
                if (kink > 0) {
                    violating++;
                    tupleViolators++;
                } else {
                    calm++;
                }
                if (spec.kind() == LossKind.LRML && spec.mu() > 0 && r + 1 < k) {
                    double gap = dr - dist(s[1 + order[r + 1]]) + spec.orderEps();
                    if (Math.abs(gap) < MARGIN) {
                        return false;
                    }
                    if (gap > 0) {
                        activePairs++;
                    } else {
                        calmPairs++;
                    }
                }
            }
            if (tupleViolators >= 2) {
                crowded++;
            }
            if (spec.kind() == LossKind.LRML) {
                double posKink = dp - (spec.alpha() - spec.margin());
                if (Math.abs(posKink) < MARGIN) {
                    return false;
                }
                if (posKink > 0) {
                    activePositives++;
                }
            }
        }
        boolean covered = violating > 0 && calm > 0;
        if (spec.kind() == LossKind.LRML) {
            covered &= crowded > 0 && activePositives > 0;
            if (spec.mu() > 0) {
                covered &= activePairs > 0 && calmPairs > 0;
            }
        }
        return covered && sharedAcrossRoles(tuples);
    }

    /** Some row is the query of one tuple and a positive or negative of another. */
    private static boolean sharedAcrossRoles(Tuples tuples) {
        for (int t = 0; t < tuples.m(); t++) {
            for (int u = 0; u < tuples.m(); u++) {
                if (u == t) {
                    continue;
                }
                for (int c = 1; c < tuples.width(); c++) {
                    int row = c == 1 ? tuples.positive(u) : tuples.negative(u, c - 2);
                    if (row == tuples.query(t)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
