package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = max(x, 0)
 * <p>Backward: dx = dy [x > 0].
 */
public final class Relu {
    private Relu() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("relu", UnaryOp.RELU, x, 0, 0);
        return Autograd.record("relu", y, (dy, needs) -> new Tensor[]{Kernels.maskedProduct("relu", UnaryOp.GREATER, x, 0, 0, dy)}, x);
    }
}
