package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.ReduceOp;
import org.lrml.tensor.Tensor;

/**
 * y = max of x over the given axes (NaN if any element is NaN).
 * <p>Backward: the gradient is shared evenly among the elements equal to the maximum (PyTorch's amax
 * rule): dx = [x = y] dy / count([x = y]), all broadcast over the reduced axes.
 */
public final class Max {
    private Max() {
    }

    public static Tensor apply(Tensor x, int[] axes, boolean keepDims) {
        boolean[] mask = Kernels.axisMask(axes, x.rank(), "max");
        Tensor kept = Kernels.reduceKeep("max", ReduceOp.MAX, x, mask);
        Tensor y = keepDims ? kept : Tensor.wrap(kept.storage(), Kernels.droppedShape(x.shape(), mask));
        int[] shape = x.shape();
        int[] keptShape = Kernels.keptShape(shape, mask);
        return Autograd.record("max", y, (dy, needs) -> {
            Tensor hit = Kernels.binary("max", BinaryOp.EQ, x, kept);
            Tensor count = Kernels.reduceKeep("max", ReduceOp.SUM, hit, mask);
            Tensor share = Tensor.wrap(dy.storage(), keptShape).div(count);
            return new Tensor[]{hit.mul(share)};
        }, x);
    }
}
