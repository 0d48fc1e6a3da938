package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = tanh x
 * <p>Backward: dx = dy (1 - y^2), from the output so that x need not be kept.
 */
public final class Tanh {
    private Tanh() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("tanh", UnaryOp.TANH, x, 0, 0);
        return Autograd.record("tanh", y, (dy, needs) -> new Tensor[]{dy.mul(y.mul(y).mul(-1.0).add(1.0))}, x);
    }
}
