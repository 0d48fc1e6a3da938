package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = e^x
 * <p>Backward: dx = dy y.
 */
public final class Exp {
    private Exp() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("exp", UnaryOp.EXP, x, 0, 0);
        return Autograd.record("exp", y, (dy, needs) -> new Tensor[]{dy.mul(y)}, x);
    }
}
