package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = x with a new shape of the same element count (one dimension may be -1); shares storage.
 * <p>Backward: dx = dy reshaped to x's shape.
 */
public final class Reshape {
    private Reshape() {
    }

    public static Tensor apply(Tensor x, int... shape) {
        int[] target = Shape.inferReshape(x.shape(), shape);
        Kernels.sameBackend("reshape", x);
        Tensor y = Tensor.wrap(x.storage(), target);
        int[] from = x.shape();
        return Autograd.record("reshape", y, (dy, needs) -> new Tensor[]{Tensor.wrap(dy.storage(), from)}, x);
    }
}
