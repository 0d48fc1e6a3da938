package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a^b (elementwise; a > 0 where b is not an integer) with NumPy broadcasting.
 * <p>Backward: dA = sumTo(dy b a^(b-1)), dB = sumTo(dy y ln a). GeM's learnable exponent p is b.
 */
public final class Pow {
    private Pow() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("pow", BinaryOp.POW, a, b);
        return Autograd.record("pow", y, (dy, needs) -> new Tensor[]{
                needs[0] ? Kernels.sumTo(dy.mul(b).mul(a.pow(b.sub(1.0))), a.shape()) : null,
                needs[1] ? Kernels.sumTo(dy.mul(y).mul(a.log()), b.shape()) : null}, a, b);
    }
}
