package org.lrml.loss;

import org.lrml.backend.UnaryOp;
import org.lrml.ops.IndexSelect;
import org.lrml.ops.Kernels;
import org.lrml.backend.DType;
import org.lrml.backend.LossSpec;
import org.lrml.tensor.Tensor;

/**
 * The composite twins of the fused {@link TupleLoss}: the same batch losses built only from ordinary
 * autograd ops (indexSelect, mul, sum, relu, sqrt, exp, div, max), so autograd derives their gradient
 * independently of the fused kernel. A test holds fused and composite equal (1e-10 relative in double).
 * They allocate per-tuple intermediates and are slower; they exist as the fused op's proof.
 *
 * <p>Shared pieces, X (N x D), M tuples, K negatives:
 * <pre>
 *   s_p = sum(X[q] * X[p], axis 1)                       (M)
 *   s_n = sum(X[q repeated K times] * X[n], axis 1)      (M x K)
 *   d   = sqrt(relu(2 - 2 s - EPS) + EPS)                 = sqrt(max(2 - 2s, EPS)); relu's mask [2 - 2s &gt; EPS]
 *                                                          gives the spec's dd/ds = 0 on the clamp
 * </pre>
 * LRML reorders d_n by the rank order (an index computed from the detached s_n: s descending, ties lower row
 * of X, then lower column), and computes wn from the detached d_n, so both are constants of the gradient.
 */
public final class CompositeLosses {
    private CompositeLosses() {
    }

    /** The composite twin of {@code TupleLoss.apply(x, tuples, spec)}. */
    public static Tensor apply(Tensor x, Tuples tuples, LossSpec spec) {
        tuples.validate(x.size(0), "composite " + spec.kind());
        return switch (spec.kind()) {
            case LRML -> lrml(x, tuples, spec);
            case CONTRASTIVE -> contrastive(x, tuples, spec);
            case TRIPLET -> triplet(x, tuples, spec);
        };
    }

    /** L = mean_t ( [d_p - (alpha - m)]_+ + lambda sum_r wn_r [alpha_r - d_r]_+ + mu sum_r [d_r - d_{r+1} + eps_o]_+ ). */
    static Tensor lrml(Tensor x, Tuples tuples, LossSpec spec) {
        int m = tuples.m();
        int k = tuples.k();
        Parts parts = parts(x, tuples);
        int[] order = rankOrder(parts.sn.detach().toDoubleArray(), tuples);
        Tensor dn = IndexSelect.apply(parts.dn.reshape(m * k, 1), order).reshape(m, k);

        double[] alphas = new double[k];
        for (int r = 0; r < k; r++) {
            alphas[r] = spec.alpha() + r * spec.delta();
        }
        Tensor alphaK = Tensor.fromDoubles(x.backend(), x.dtype(), alphas, 1, k);

        Tensor pos = parts.dp.sub(spec.alpha() - spec.margin()).relu();
        Tensor neg = weights(alphaK, dn.detach(), spec.temperature()).mul(alphaK.sub(dn).relu()).sum(new int[]{1}, false);
        Tensor loss = pos.add(neg.mul(spec.lambda()));
        if (k > 1) {
            int[] first = new int[m * (k - 1)];
            for (int t = 0; t < m; t++) {
                for (int r = 0; r + 1 < k; r++) {
                    first[t * (k - 1) + r] = t * k + r;
                }
            }
            int[] second = first.clone();
            for (int i = 0; i < second.length; i++) {
                second[i]++;
            }
            Tensor flat = dn.reshape(m * k, 1);
            Tensor gap = IndexSelect.apply(flat, first).sub(IndexSelect.apply(flat, second)).add(spec.orderEps());
            Tensor order2 = gap.relu().reshape(m, k - 1).sum(new int[]{1}, false);
            loss = loss.add(order2.mul(spec.mu()));
        }
        return loss.mean();
    }

    /**
     * wn = w / max(sum w, tiny) with w_r = exp(T (alpha_r - d_r) - rowmax) [alpha_r - d_r &gt; 0], from detached d
     * (so wn is a constant); rows where nothing violates get wn = 0.
     */
    private static Tensor weights(Tensor alphaK, Tensor dDetached, double temperature) {
        Tensor gapToBoundary = alphaK.sub(dDetached);
        Tensor z = gapToBoundary.mul(temperature);
        int[] rowAxis = {1};
        Tensor w = z.sub(z.max(rowAxis, true)).exp().mul(Kernels.unary("lrml weights", UnaryOp.GREATER, gapToBoundary, 0, 0));
        Tensor sum = w.sum(rowAxis, true);
        // The dtype's own smallest normal: Double.MIN_NORMAL rounds to 0 in float32, and 0/0 would make NaN of the
        // rows where nothing violates.
        double smallest = sum.dtype() == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        Tensor tiny = Tensor.full(sum.backend(), sum.dtype(), smallest, 1, 1);
        return w.div(sum.maximum(tiny));
    }

    /** L = mean_t ( d_p^2 / 2 + sum_k [margin - d_k]_+^2 / 2 ). */
    static Tensor contrastive(Tensor x, Tuples tuples, LossSpec spec) {
        Parts parts = parts(x, tuples);
        Tensor pos = parts.dp.mul(parts.dp).mul(0.5);
        Tensor h = parts.dn.neg().add(spec.margin()).relu();
        Tensor neg = h.mul(h).mul(0.5).sum(new int[]{1}, false);
        return pos.add(neg).mean();
    }

    /** L = mean_t ( sum_k [d_p - d_k + margin]_+ / K ). */
    static Tensor triplet(Tensor x, Tuples tuples, LossSpec spec) {
        Parts parts = parts(x, tuples);
        int m = tuples.m();
        Tensor h = parts.dp.reshape(m, 1).sub(parts.dn).add(spec.margin()).relu();
        return h.sum(new int[]{1}, false).div(tuples.k()).mean();
    }

    /** Similarities and distances of every tuple: sp, dp (M) and sn, dn (M x K). */
    private record Parts(Tensor sp, Tensor dp, Tensor sn, Tensor dn) {
    }

    private static Parts parts(Tensor x, Tuples tuples) {
        int m = tuples.m();
        int k = tuples.k();
        int[] q = new int[m];
        int[] p = new int[m];
        int[] qRep = new int[m * k];
        int[] n = new int[m * k];
        for (int t = 0; t < m; t++) {
            q[t] = tuples.query(t);
            p[t] = tuples.positive(t);
            for (int i = 0; i < k; i++) {
                qRep[t * k + i] = tuples.query(t);
                n[t * k + i] = tuples.negative(t, i);
            }
        }
        int[] axis1 = {1};
        Tensor sp = IndexSelect.apply(x, q).mul(IndexSelect.apply(x, p)).sum(axis1, false);
        Tensor sn = IndexSelect.apply(x, qRep).mul(IndexSelect.apply(x, n)).sum(axis1, false).reshape(m, k);
        return new Parts(sp, distance(sp), sn, distance(sn));
    }

    /** d = sqrt(relu(2 - 2 s - EPS) + EPS). */
    private static Tensor distance(Tensor s) {
        return s.mul(-2.0).add(2.0 - LossSpec.EPS).relu().add(LossSpec.EPS).sqrt();
    }

    /**
     * The rank order as an index into the flattened M x K similarities: entry t*K + r is the flat position of
     * tuple t's negative of rank r + 1 (s descending, ties lower row of X, then lower column).
     */
    static int[] rankOrder(double[] sn, Tuples tuples) {
        int m = tuples.m();
        int k = tuples.k();
        int[] out = new int[m * k];
        for (int t = 0; t < m; t++) {
            int base = t * k;
            for (int i = 0; i < k; i++) {
                int r = i;
                while (r > 0 && before(sn[base + i], tuples.negative(t, i),
                        sn[out[base + r - 1]], tuples.negative(t, out[base + r - 1] - base))) {
                    out[base + r] = out[base + r - 1];
                    r--;
                }
                out[base + r] = base + i;
            }
        }
        return out;
    }

    private static boolean before(double sa, int rowA, double sb, int rowB) {
        return sa > sb || (sa == sb && rowA < rowB);
    }
}
