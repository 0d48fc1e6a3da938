package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = ln x (NaN for x &lt; 0, -inf at 0, as IEEE)
 * <p>Backward: dx = dy / x.
 */
public final class Log {
    private Log() {
    }

    public static Tensor apply(Tensor x) {
        Tensor y = Kernels.unary("log", UnaryOp.LOG, x, 0, 0);
        return Autograd.record("log", y, (dy, needs) -> new Tensor[]{dy.div(x)}, x);
    }
}
