package org.lrml.examples;

import org.lrml.autograd.CustomFunction;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.gradcheck.Gradcheck;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * docs/library.md, example 2: a loss with a hand-written gradient. The margin loss of anchor/positive/negative
 * descriptor rows, L = mean_i max(0, m + |a_i - p_i|^2 - |a_i - n_i|^2), written as a {@link CustomFunction}: the
 * forward computes it with ordinary ops (not taped), the backward is the formula
 * dL/da_i = 2 h_i (n_i - p_i) / N, dL/dp_i = -2 h_i (a_i - p_i) / N, dL/dn_i = 2 h_i (a_i - n_i) / N with
 * h_i = 1 where the hinge is active. {@link Gradcheck#check} proves the backward by finite differences.
 */
public final class CustomLoss {
    private CustomLoss() {
    }

    /** The triplet margin loss with margin {@code m}: inputs anchor, positive, negative (N x D each). */
    public static CustomFunction tripletMargin(double m) {
        return new CustomFunction("triplet margin (custom)") {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                Tensor a = in[0];
                Tensor p = in[1];
                Tensor n = in[2];
                Tensor dp = a.sub(p).mul(a.sub(p)).sum(new int[]{1}, true);
                Tensor dn = a.sub(n).mul(a.sub(n)).sum(new int[]{1}, true);
                Tensor hinge = dp.sub(dn).add(m);
                Tensor active = hinge.relu().div(hinge.abs().add(1e-30));   // 1 where the hinge is > 0, else 0
                ctx.save(a, p, n, active);
                return hinge.relu().mean();
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor dy) {
                Tensor a = ctx.saved(0);
                Tensor p = ctx.saved(1);
                Tensor n = ctx.saved(2);
                double scale = 2.0 * dy.item() / a.size(0);
                Tensor h = ctx.saved(3).mul(scale);
                return new Tensor[]{
                        ctx.needsInputGrad(0) ? n.sub(p).mul(h) : null,
                        ctx.needsInputGrad(1) ? p.sub(a).mul(h) : null,
                        ctx.needsInputGrad(2) ? a.sub(n).mul(h) : null};
            }
        };
    }

    public static void main(String[] args) {
        Rng rng = new Rng(7);
        Tensor[] x = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            x[i] = Tensor.randn(Backends.cpu(), DType.F64, rng.fork(i), 0.5, 6, 4).requiresGrad(true);
        }
        CustomFunction loss = tripletMargin(0.3);
        Gradcheck.Result check = Gradcheck.check(loss, x);
        System.out.println(check);
        if (!check.passed()) {
            throw new AssertionError("the hand-written gradient does not match: " + check.message());
        }
        Tensor l = loss.apply(x);
        l.backward();
        System.out.println("loss " + l.item() + ", |dL/danchor| = "
                + Math.sqrt(x[0].grad().mul(x[0].grad()).sum().item()));
    }
}
