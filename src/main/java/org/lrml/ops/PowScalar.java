package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = x^p for a constant exponent p
 * <p>Backward: dx = dy p x^(p-1).
 */
public final class PowScalar {
    private PowScalar() {
    }

    public static Tensor apply(Tensor x, double p) {
        Tensor y = Kernels.unary("pow", UnaryOp.POW, x, p, 0);
        return Autograd.record("pow", y, (dy, needs) -> new Tensor[]{dy.mul(x.pow(p - 1.0)).mul(p)}, x);
    }
}
