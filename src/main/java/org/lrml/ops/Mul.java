package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a * b with NumPy broadcasting.
 * <p>Backward: dA = sumTo(dy b), dB = sumTo(dy a).
 */
public final class Mul {
    private Mul() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", y, (dy, needs) -> new Tensor[]{
                needs[0] ? Kernels.sumTo(dy.mul(b), a.shape()) : null,
                needs[1] ? Kernels.sumTo(dy.mul(a), b.shape()) : null}, a, b);
    }
}
