package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = 1 / (1 + e^-x)
 * <p>Backward: dx = dy y (1 - y), from the output so that x need not be kept.
 */
public final class Sigmoid {
    private Sigmoid() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("sigmoid", UnaryOp.SIGMOID, x, 0, 0);
        return Autograd.record("sigmoid", y, (dy, needs) -> new Tensor[]{dy.mul(y.mul(y.mul(-1.0).add(1.0)))}, x);
    }
}
