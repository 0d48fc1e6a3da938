package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = sqrt x
 * <p>Backward: dx = dy / (2 y).
 */
public final class Sqrt {
    private Sqrt() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("sqrt", UnaryOp.SQRT, x, 0, 0);
        return Autograd.record("sqrt", y, (dy, needs) -> new Tensor[]{dy.div(y).mul(0.5)}, x);
    }
}
