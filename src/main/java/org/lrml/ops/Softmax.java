package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = softmax over the last axis: y_j = e^(x_j - m) / sum_k e^(x_k - m), m = max_k x_k (the shift keeps
 * large logits finite and does not change the result). Any shape of rank >= 1; each row of the last axis
 * is independent.
 * <p>Backward: dx = y (dy - sum_k dy_k y_k), the sum over the last axis, broadcast back.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = raw("softmax", x, false);
        return Autograd.record("softmax", y, (dy, needs) -> {
            Tensor dot = dy.mul(y).sum(new int[]{-1}, true);
            return new Tensor[]{y.mul(dy.sub(dot))};
        }, x);
    }

    /** The backend call without recording; shared with LogSoftmax and CrossEntropy. */
    static Tensor raw(String op, Tensor x, boolean log) {
        Backend b = Kernels.sameBackend(op, x);
        if (x.rank() < 1 || x.size(-1) < 1) {
            throw new IllegalArgumentException(op + ": needs rank >= 1 and a non-empty last axis, got shape "
                    + Shape.str(x.shape()));
        }
        int cols = x.size(-1);
        int rows = Math.toIntExact(x.numel() / cols);
        Tensor y = Tensor.empty(b, x.dtype(), x.shape());
        b.softmax().softmax(x.storage(), rows, cols, log, y.storage());
        return y;
    }
}
