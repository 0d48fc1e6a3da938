package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.ReduceOp;
import org.lrml.tensor.Tensor;

/**
 * y = sum of x over the given axes (kept as size 1 when keepDims, else removed).
 * <p>Backward: dx = dy broadcast back over the reduced axes.
 */
public final class Sum {
    private Sum() {
    }

    public static Tensor apply(Tensor x, int[] axes, boolean keepDims) {
        boolean[] mask = Kernels.axisMask(axes, x.rank(), "sum");
        Tensor kept = Kernels.reduceKeep("sum", ReduceOp.SUM, x, mask);
        Tensor y = keepDims ? kept : Tensor.wrap(kept.storage(), Kernels.droppedShape(x.shape(), mask));
        int[] keptShape = Kernels.keptShape(x.shape(), mask);
        return Autograd.record("sum", y, (dy, needs) -> new Tensor[]{
                Kernels.expand(Tensor.wrap(dy.storage(), keptShape), x.shape())}, x);
    }
}
