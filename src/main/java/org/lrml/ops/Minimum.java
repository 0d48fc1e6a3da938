package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = min(a, b) elementwise with broadcasting.
 * <p>Backward: the gradient goes to the operand that equals y; on ties it is split evenly,
 * dA = sumTo(dy [a = y] / ([a = y] + [b = y])), likewise dB.
 */
public final class Minimum {
    private Minimum() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("minimum", BinaryOp.MIN, a, b);
        return Autograd.record("minimum", y, (dy, needs) -> {
            Tensor ma = Kernels.binary("minimum", BinaryOp.EQ, a, y);
            Tensor mb = Kernels.binary("minimum", BinaryOp.EQ, b, y);
            Tensor share = dy.div(ma.add(mb));
            return new Tensor[]{
                    needs[0] ? Kernels.sumTo(share.mul(ma), a.shape()) : null,
                    needs[1] ? Kernels.sumTo(share.mul(mb), b.shape()) : null};
        }, a, b);
    }
}
