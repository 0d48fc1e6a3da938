package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = |x|
 * <p>Backward: dx = dy sign(x) (0 at x = 0, the subgradient PyTorch uses).
 */
public final class Abs {
    private Abs() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("abs", UnaryOp.ABS, x, 0, 0);
        return Autograd.record("abs", y, (dy, needs) -> new Tensor[]{dy.mul(Kernels.unary("abs", UnaryOp.SIGN, x, 0, 0))}, x);
    }
}
