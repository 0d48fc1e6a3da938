package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.ReduceOp;
import org.lrml.tensor.Tensor;

/**
 * y = mean of x over the given axes: sum / count, count = product of the reduced sizes.
 * <p>Backward: dx = dy / count broadcast back over the reduced axes.
 */
public final class Mean {
    private Mean() {
    }

    public static Tensor apply(Tensor x, int[] axes, boolean keepDims) {
        boolean[] mask = Kernels.axisMask(axes, x.rank(), "mean");
        long count = 1;
        int[] shape = x.shape();
        for (int i = 0; i < shape.length; i++) {
            if (mask[i]) {
                count *= shape[i];
            }
        }
        double inv = 1.0 / count;
        Tensor sum = Kernels.reduceKeep("mean", ReduceOp.SUM, x, mask);
        Tensor kept = Kernels.unary("mean", org.lrml.backend.UnaryOp.AFFINE, sum, inv, 0.0);
        Tensor y = keepDims ? kept : Tensor.wrap(kept.storage(), Kernels.droppedShape(shape, mask));
        int[] keptShape = Kernels.keptShape(shape, mask);
        return Autograd.record("mean", y, (dy, needs) -> new Tensor[]{
                Kernels.expand(Tensor.wrap(dy.storage(), keptShape), shape).mul(inv)}, x);
    }
}
