package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a - b with NumPy broadcasting.
 * <p>Backward: dA = sumTo(dy), dB = -sumTo(dy).
 */
public final class Sub {
    private Sub() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("sub", BinaryOp.SUB, a, b);
        return Autograd.record("sub", y, (dy, needs) -> new Tensor[]{
                needs[0] ? Kernels.sumTo(dy, a.shape()) : null,
                needs[1] ? Kernels.sumTo(dy.neg(), b.shape()) : null}, a, b);
    }
}
