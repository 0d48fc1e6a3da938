package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * Rows over the last axis scaled to unit length: y = x / max(||x||, eps), eps = 1e-12 by default
 * (PyTorch's F.normalize(x, dim=-1)). A zero row stays zero instead of becoming NaN.
 * <p>Backward, per row, with n = ||x||: where n &gt;= eps, y = x/n and dx = (dy - y (y . dy)) / n;
 * where n &lt; eps, y = x/eps and dx = dy / eps. (At n = eps exactly the first branch is taken, as PyTorch's
 * clamp_min passes the gradient at the bound.)
 */
public final class L2Normalize {
    public static final double DEFAULT_EPS = 1e-12;

    private L2Normalize() {
    }

    public static Tensor apply(Tensor x) {
        return apply(x, DEFAULT_EPS);
    }

    public static Tensor apply(Tensor x, double eps) {
        Kernels.sameBackend("l2Normalize", x);
        if (x.rank() < 1) {
            throw new IllegalArgumentException("l2Normalize: needs rank >= 1, got a scalar");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("l2Normalize: eps = " + eps + " must be positive");
        }
        boolean[] last = Kernels.axisMask(new int[]{-1}, x.rank(), "l2Normalize");
        Tensor squares = Kernels.binary("l2Normalize", BinaryOp.MUL, x, x);
        Tensor norm = Kernels.unary("l2Normalize", UnaryOp.SQRT,
                Kernels.reduceKeep("l2Normalize", ReduceOp.SUM, squares, last), 0, 0);
        // max(n, eps) as clamp to [eps, inf]; the same bound decides the backward branch.
        Tensor denom = Kernels.unary("l2Normalize", UnaryOp.CLAMP, norm, eps, Double.POSITIVE_INFINITY);
        Tensor y = Kernels.binary("l2Normalize", BinaryOp.DIV, x, denom);
        return Autograd.record("l2Normalize", y, (dy, needs) -> {
            Tensor above = Kernels.unary("l2Normalize", UnaryOp.IN_RANGE, norm, eps, Double.POSITIVE_INFINITY);
            Tensor dot = dy.mul(y).sum(new int[]{-1}, true).mul(above);
            return new Tensor[]{dy.sub(y.mul(dot)).div(denom)};
        }, x);
    }
}
