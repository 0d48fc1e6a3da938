package org.lrml.backend.cpu;

import org.lrml.backend.TupleTable;
import org.lrml.backend.LossSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.family.TupleLoss;

/**
 * The fused tuple losses (spec sections 3 to 5): loss and dL/dX in one pass, the executable specification of
 * the CUDA kernel. X is n x d (rows used as given); tuple t is row t of the m x (2+k) table: q, p, n_1..n_k.
 *
 * <p>Phase 1, parallel over tuples, each tuple alone, all in double (float32 rows are widened):
 * <pre>
 *   s_j = x_q . x_j  (j = p, n_1..n_k; dot products summed over D in index order)
 *   d_j = sqrt(max(2 - 2 s_j, EPS)),  dd_j/ds_j = -1/d_j, or 0 where 2 - 2 s_j &lt;= EPS
 *   L_t and G_j = dL_t/dd_j by the loss (below), then c_j = G_j (dd_j/ds_j) / m   (the batch mean)
 * </pre>
 * LRML, negatives taken in rank order r = 1..k (s descending; ties: lower row index of X, then lower tuple
 * column), alpha_r = alpha + (r-1) delta:
 * <pre>
 *   L_pos   = [d_p - (alpha - margin)]_+                       G_p  = 1[d_p &gt; alpha - margin]
 *   w_r     = exp(T (alpha_r - d_r) - max_viol) 1[d_r &lt; alpha_r],  wn_r = w_r / sum w  (0 if none violates)
 *   L_neg   = sum_r wn_r [alpha_r - d_r]_+                     G_r += -lambda wn_r
 *   L_order = sum_{r&lt;k} [d_r - d_{r+1} + eps_o]_+             active pair: G_r += mu, G_{r+1} -= mu
 *   L_t     = L_pos + lambda L_neg + mu L_order
 * </pre>
 * wn and the rank order are constants of the gradient (Ranked List Loss); subtracting max_viol (the largest
 * T (alpha_r - d_r) among violators) leaves wn unchanged and keeps exp from overflowing at large T.
 * Contrastive: L_t = d_p^2/2 + sum_k [margin - d_k]_+^2 / 2, G_p = d_p, G_k = -[margin - d_k]_+.
 * Triplet: L_t = sum_k [d_p - d_k + margin]_+ / k, each active k: G_p += 1/k, G_k = -1/k.
 * Batch loss = (sum_t L_t, in t order) / m.
 *
 * <p>Phase 2, the scatter dL/dx_q += c_j x_j and dL/dx_j += c_j x_q, is done as a gather: entries (t, column)
 * are grouped by the row of X they name with a stable counting sort, so each row's entries stay in
 * (t, column) order; rows are then independent (parallel) and each is summed in double in that fixed order
 * and rounded once. A query entry adds c_j x_j over j = p, n_1..n_k in column order; zero coefficients are
 * skipped. No float atomics: dX is bit-for-bit the same for any thread count.
 */
final class CpuTupleLoss implements TupleLoss {
    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuTupleLoss INSTANCE = new CpuTupleLoss();

    private CpuTupleLoss() {
    }

    @Override
    public double lossAndGrad(LossSpec spec, Storage x, int n, int d, int[] tuples, int m, int k, Storage dx) {
        return lossAndGrad(spec, CpuStorage.of(x), n, d, tuples, m, k, dx == null ? null : CpuStorage.of(dx));
    }

    static double lossAndGrad(LossSpec spec, CpuStorage x, int n, int d, int[] tuples, int m, int k, CpuStorage dx) {
        validate(x, n, d, tuples, m, k, dx);
        int w = 2 + k;
        double[] coef = new double[m * w];
        double[] perTuple = new double[m];
        int grain = Math.max(16, (1 << 14) / Math.max(1, w * Math.max(d, 1)));
        CpuParallel.forRange(m, grain, (from, to) -> {
            Scratch sc = new Scratch(w);
            for (int t = from; t < to; t++) {
                perTuple[t] = tuple(spec, x, d, tuples, t * w, k, m, sc, coef);
            }
        });
        double sum = 0;
        for (int t = 0; t < m; t++) {
            sum += perTuple[t];
        }
        if (dx != null) {
            scatter(x, n, d, tuples, m, w, coef, dx);
        }
        return sum / m;
    }

    /** Per-tuple work arrays (one set per parallel chunk). */
    private static final class Scratch {
        final double[] s;
        final double[] dist;
        final double[] dds;
        final double[] grad;
        /** LRML weights w_r by rank */
        final double[] weight;
        /** rank order of the negatives: order[r] = tuple column (2..w-1) of rank r + 1 */
        final int[] order;

        Scratch(int w) {
            s = new double[w];
            dist = new double[w];
            dds = new double[w];
            grad = new double[w];
            weight = new double[w - 2];
            order = new int[w - 2];
        }
    }

    /**
     * Loss of the tuple whose columns start at tuples[at]; writes its coefficients c_j = dL/ds_j / m into
     * coef[at + j] (coef[at] for the query stays 0: the query's gradient is assembled from the others).
     */
    static double tuple(LossSpec spec, CpuStorage x, int d, int[] tuples, int at, int k, int m, Scratch sc, double[] coef) {
        int w = 2 + k;
        int q = tuples[at];
        for (int j = 1; j < w; j++) {
            double s = dot(x, q, tuples[at + j], d);
            double u = 2 - 2 * s;
            double dist = Math.sqrt(Math.max(u, LossSpec.EPS));
            sc.s[j] = s;
            sc.dist[j] = dist;
            sc.dds[j] = u > LossSpec.EPS ? -1.0 / dist : 0.0;
            sc.grad[j] = 0;
        }
        double loss = switch (spec.kind()) {
            case LRML -> lrml(spec, tuples, at, k, sc);
            case CONTRASTIVE -> contrastive(spec, k, sc);
            case TRIPLET -> triplet(spec, k, sc);
        };
        coef[at] = 0;
        for (int j = 1; j < w; j++) {
            coef[at + j] = sc.grad[j] * sc.dds[j] / m;
        }
        return loss;
    }

    private static double lrml(LossSpec spec, int[] tuples, int at, int k, Scratch sc) {
        double alpha = spec.alpha();
        double dp = sc.dist[1];
        double pos = 0;
        if (dp > alpha - spec.margin()) {
            pos = dp - (alpha - spec.margin());
            sc.grad[1] = 1;
        }
        rankOrder(tuples, at, k, sc);
        double t = spec.temperature();
        double maxViol = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            double ar = alpha + r * spec.delta();
            double dr = sc.dist[sc.order[r]];
            if (dr < ar) {
                maxViol = Math.max(maxViol, t * (ar - dr));
            }
        }
        double neg = 0;
        if (maxViol != Double.NEGATIVE_INFINITY) {
            double sumW = 0;
            for (int r = 0; r < k; r++) {
                double ar = alpha + r * spec.delta();
                double dr = sc.dist[sc.order[r]];
                sc.weight[r] = dr < ar ? Math.exp(t * (ar - dr) - maxViol) : 0.0;
                sumW += sc.weight[r];
            }
            for (int r = 0; r < k; r++) {
                double ar = alpha + r * spec.delta();
                int col = sc.order[r];
                if (sc.dist[col] < ar) {
                    double wn = sc.weight[r] / sumW;
                    neg += wn * (ar - sc.dist[col]);
                    sc.grad[col] += -spec.lambda() * wn;
                }
            }
        }
        double order = 0;
        if (spec.mu() != 0) {
            for (int r = 0; r + 1 < k; r++) {
                int a = sc.order[r];
                int b = sc.order[r + 1];
                double h = sc.dist[a] - sc.dist[b] + spec.orderEps();
                if (h > 0) {
                    order += h;
                    sc.grad[a] += spec.mu();
                    sc.grad[b] -= spec.mu();
                }
            }
        }
        return pos + spec.lambda() * neg + spec.mu() * order;
    }

    private static double contrastive(LossSpec spec, int k, Scratch sc) {
        double dp = sc.dist[1];
        double loss = 0.5 * dp * dp;
        sc.grad[1] = dp;
        for (int j = 2; j < 2 + k; j++) {
            double h = spec.margin() - sc.dist[j];
            if (h > 0) {
                loss += 0.5 * h * h;
                sc.grad[j] = -h;
            }
        }
        return loss;
    }

    private static double triplet(LossSpec spec, int k, Scratch sc) {
        double dp = sc.dist[1];
        double sum = 0;
        for (int j = 2; j < 2 + k; j++) {
            double h = dp - sc.dist[j] + spec.margin();
            if (h > 0) {
                sum += h;
                sc.grad[1] += 1.0 / k;
                sc.grad[j] = -1.0 / k;
            }
        }
        return sum / k;
    }

    /**
     * order[r] = tuple column of the negative of rank r + 1: s descending, ties by lower row index of X, then
     * lower tuple column (stable insertion sort; k is small).
     */
    private static void rankOrder(int[] tuples, int at, int k, Scratch sc) {
        for (int i = 0; i < k; i++) {
            int col = 2 + i;
            int r = i;
            while (r > 0 && before(sc.s[col], tuples[at + col], sc.s[sc.order[r - 1]], tuples[at + sc.order[r - 1]])) {
                sc.order[r] = sc.order[r - 1];
                r--;
            }
            sc.order[r] = col;
        }
    }

    /** Whether a negative (similarity sa, row ia) ranks strictly before (sb, ib). */
    private static boolean before(double sa, int ia, double sb, int ib) {
        return sa > sb || (sa == sb && ia < ib);
    }

    private static double dot(CpuStorage x, int a, int b, int d) {
        double s = 0;
        if (x.isF32()) {
            float[] f = x.f();
            int oa = a * d;
            int ob = b * d;
            for (int i = 0; i < d; i++) {
                s += (double) f[oa + i] * f[ob + i];
            }
        } else {
            double[] v = x.d();
            int oa = a * d;
            int ob = b * d;
            for (int i = 0; i < d; i++) {
                s += v[oa + i] * v[ob + i];
            }
        }
        return s;
    }

    /** dX as a gather over rows; see the class comment for the order. */
    private static void scatter(CpuStorage x, int n, int d, int[] tuples, int m, int w, double[] coef, CpuStorage dx) {
        int entries = m * w;
        int[] start = new int[n + 1];
        for (int e = 0; e < entries; e++) {
            start[tuples[e] + 1]++;
        }
        for (int r = 0; r < n; r++) {
            start[r + 1] += start[r];
        }
        int[] byRow = new int[entries];
        int[] fill = start.clone();
        for (int e = 0; e < entries; e++) {
            byRow[fill[tuples[e]]++] = e;
        }
        int grain = Math.max(1, (1 << 14) / Math.max(1, d * Math.max(1, entries / Math.max(n, 1))));
        CpuParallel.forRange(n, grain, (from, to) -> {
            double[] acc = new double[d];
            for (int r = from; r < to; r++) {
                java.util.Arrays.fill(acc, 0.0);
                for (int i = start[r]; i < start[r + 1]; i++) {
                    int e = byRow[i];
                    int col = e % w;
                    int at = e - col;
                    if (col == 0) {
                        for (int j = 1; j < w; j++) {
                            addScaledRow(acc, coef[at + j], x, tuples[at + j], d);
                        }
                    } else {
                        addScaledRow(acc, coef[e], x, tuples[at], d);
                    }
                }
                writeRow(dx, r, d, acc);
            }
        });
    }

    private static void addScaledRow(double[] acc, double c, CpuStorage x, int row, int d) {
        if (c == 0) {
            return;
        }
        int o = row * d;
        if (x.isF32()) {
            float[] f = x.f();
            for (int i = 0; i < d; i++) {
                acc[i] += c * f[o + i];
            }
        } else {
            double[] v = x.d();
            for (int i = 0; i < d; i++) {
                acc[i] += c * v[o + i];
            }
        }
    }

    private static void writeRow(CpuStorage dx, int r, int d, double[] acc) {
        int o = r * d;
        if (dx.isF32()) {
            float[] f = dx.f();
            for (int i = 0; i < d; i++) {
                f[o + i] = (float) acc[i];
            }
        } else {
            System.arraycopy(acc, 0, dx.d(), o, d);
        }
    }

    /** The seam checks every caller gets: sizes, dtypes, and each index of the table. */
    static void validate(CpuStorage x, int n, int d, int[] tuples, int m, int k, CpuStorage dx) {
        TupleTable.checkSizes(n, d, x.length(), x, tuples, m, k);
        if (dx != null && (dx.dtype() != x.dtype() || dx.length() != x.length())) {
            throw new IllegalArgumentException("tupleLoss: dX must match X (" + x + "), got " + dx);
        }
        TupleTable.checkIndices(n, tuples, k);
    }
}
