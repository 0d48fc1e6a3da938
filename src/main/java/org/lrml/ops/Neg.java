package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = -x
 * <p>Backward: dx = -dy.
 */
public final class Neg {
    private Neg() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("neg", UnaryOp.NEG, x, 0, 0);
        return Autograd.record("neg", y, (dy, needs) -> new Tensor[]{dy.neg()}, x);
    }
}
