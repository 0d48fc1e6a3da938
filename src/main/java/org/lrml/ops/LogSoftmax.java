package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.tensor.Tensor;

/**
 * y = log softmax over the last axis: y_j = (x_j - m) - log sum_k e^(x_k - m), m = max_k x_k. Computed
 * directly rather than as log(softmax(x)), so tiny probabilities keep their logarithms instead of
 * becoming log(0).
 * <p>Backward: dx = dy - softmax(x) sum_k dy_k, where softmax(x) = e^y and the sum is over the last axis.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Softmax.raw("logSoftmax", x, true);
        return Autograd.record("logSoftmax", y, (dy, needs) -> {
            Tensor total = dy.sum(new int[]{-1}, true);
            return new Tensor[]{dy.sub(y.exp().mul(total))};
        }, x);
    }
}
