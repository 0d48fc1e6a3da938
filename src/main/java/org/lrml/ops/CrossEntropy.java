package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Mean cross-entropy of logits (N, C) against class indices t (N ints in [0, C)):
 * L = -(1/N) sum_i log softmax(x_i)[t_i], a scalar. The log-probabilities come from the max-shifted
 * log-softmax, so the loss stays finite for large logits; the picked entries are gathered on the backend.
 * <p>Backward: dx = (softmax(x) - onehot(t)) dL / N.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    public static Tensor apply(Tensor logits, int[] targets) {
        Backend b = Kernels.sameBackend("crossEntropy", logits);
        int[] s = logits.shape();
        if (s.length != 2 || s[0] < 1 || s[1] < 1) {
            throw new IllegalArgumentException("crossEntropy: logits must be (N, C) with N, C >= 1, got shape "
                    + Shape.str(s));
        }
        int n = s[0];
        int c = s[1];
        if (targets == null || targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + (targets == null ? "no" : targets.length)
                    + " targets for " + n + " rows of logits " + Shape.str(s) + " (one class index per row)");
        }
        // Flat positions i*C + t_i of the picked log-probabilities, rows of length 1 in the (N*C) view.
        int[] picked = new int[n];
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " of row " + i
                        + " is not a class index in [0, " + c + ") for logits " + Shape.str(s));
            }
            picked[i] = i * c + targets[i];
        }
        Tensor logp = Softmax.raw("crossEntropy", logits, true);
        Tensor chosen = Tensor.empty(b, logits.dtype(), n);
        b.layout().gatherRows(logp.storage(), 1, picked, chosen.storage());
        Tensor total = Kernels.reduceKeep("crossEntropy", ReduceOp.SUM, chosen, new boolean[]{true});
        Tensor loss = Tensor.wrap(Kernels.unary("crossEntropy", UnaryOp.AFFINE, total, -1.0 / n, 0.0).storage());
        return Autograd.record("crossEntropy", loss, (dy, needs) -> {
            Tensor dx = Kernels.unary("crossEntropy", UnaryOp.EXP, logp, 0, 0);
            Tensor minusOne = Tensor.full(b, logits.dtype(), -1.0, n);
            b.layout().scatterAddRows(minusOne.storage(), 1, picked, dx.storage());
            return new Tensor[]{dx.mul(dy.mul(1.0 / n))};
        }, logits);
    }
}
