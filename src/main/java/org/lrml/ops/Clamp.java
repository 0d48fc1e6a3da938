package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = min(max(x, lo), hi)
 * <p>Backward: dx = dy [lo &lt;= x &lt;= hi] (gradient passes at the bounds, as PyTorch).
 */
public final class Clamp {
    private Clamp() {
    }

    public static Tensor apply(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " must not exceed upper bound " + hi);
        }
        Tensor y = Kernels.unary("clamp", UnaryOp.CLAMP, x, lo, hi);
        return Autograd.record("clamp", y, (dy, needs) -> new Tensor[]{Kernels.maskedProduct("clamp", UnaryOp.IN_RANGE, x, lo, hi, dy)}, x);
    }
}
