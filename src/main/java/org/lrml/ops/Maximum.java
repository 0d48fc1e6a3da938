package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = max(a, b) elementwise with broadcasting.
 * <p>Backward: the gradient goes to the operand that equals y; on ties it is split evenly,
 * dA = sumTo(dy [a = y] / ([a = y] + [b = y])), likewise dB.
 */
public final class Maximum {
    private Maximum() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("maximum", BinaryOp.MAX, a, b);
        return Autograd.record("maximum", y, (dy, needs) -> {
            Tensor ma = Kernels.binary("maximum", BinaryOp.EQ, a, y);
            Tensor mb = Kernels.binary("maximum", BinaryOp.EQ, b, y);
            Tensor share = dy.div(ma.add(mb));
            return new Tensor[]{
                    needs[0] ? Kernels.sumTo(share.mul(ma), a.shape()) : null,
                    needs[1] ? Kernels.sumTo(share.mul(mb), b.shape()) : null};
        }, a, b);
    }
}
