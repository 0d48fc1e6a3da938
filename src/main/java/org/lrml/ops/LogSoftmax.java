package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.tensor.Tensor;

/**
 * y = log softmax over one axis (the last by default; ONNX LogSoftmax-13 and PyTorch's dim): along that axis
 * y_j = (x_j - m) - log sum_k e^(x_k - m), m = max_k x_k. Computed directly rather than as log(softmax(x)), so
 * tiny probabilities keep their logarithms instead of becoming log(0). Any axis without a copy (see Softmax).
 * <p>Backward: dx = dy - softmax(x) sum_k dy_k, where softmax(x) = e^y and the sum is over the axis.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    public static Tensor apply(Tensor x) {
        return apply(x, -1);
    }

    /** Log-softmax over the given axis (negative counts from the end). */
    public static Tensor apply(Tensor x, int axis) {
        int ax = Softmax.axis("logSoftmax", x, axis);
        Tensor y = Softmax.raw("logSoftmax", x, ax, true);
        return Autograd.record("logSoftmax", y, (dy, needs) -> {
            Tensor total = dy.sum(new int[]{ax}, true);
            return new Tensor[]{dy.sub(y.exp().mul(total))};
        }, x);
    }
}
