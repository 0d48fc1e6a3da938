package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a / b with NumPy broadcasting.
 * <p>Backward: dA = sumTo(dy / b), dB = sumTo(-dy y / b) (= -dy a / b^2).
 */
public final class Div {
    private Div() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("div", BinaryOp.DIV, a, b);
        return Autograd.record("div", y, (dy, needs) -> new Tensor[]{
                needs[0] ? Kernels.sumTo(dy.div(b), a.shape()) : null,
                needs[1] ? Kernels.sumTo(dy.mul(y).div(b).neg(), b.shape()) : null}, a, b);
    }
}
