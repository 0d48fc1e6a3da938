package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.UnaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a x + c for constants a and c (scalar add, subtract, multiply, divide)
 * <p>Backward: dx = a dy.
 */
public final class Affine {
    private Affine() {
    }

    public static Tensor apply(Tensor x, double a, double c) {
        Tensor y = Kernels.unary("affine", UnaryOp.AFFINE, x, a, c);
        return Autograd.record("affine", y, (dy, needs) -> new Tensor[]{Kernels.unary("affine", UnaryOp.AFFINE, dy, a, 0.0)}, x);
    }
}
