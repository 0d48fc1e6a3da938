package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = x[..., start:end, ...] along one axis, step 1 (a copy, since tensors are contiguous). Negative
 * start/end count from the end of the axis as in Python; after that 0 &lt;= start &lt;= end &lt;= size must hold
 * (out-of-range bounds are an error rather than silently clamped, so a wrong index is found early).
 * <p>Backward: dx = zeros of x's shape with dy copied into the sliced region (one strided copy).
 */
public final class Slice {
    private Slice() {
    }

    public static Tensor apply(Tensor x, int axis, int start, int end) {
        Backend b = Kernels.sameBackend("slice", x);
        int[] xs = x.shape();
        int ax = Shape.axis(axis, xs.length, "slice");
        int size = xs[ax];
        int s = start < 0 ? start + size : start;
        int e = end < 0 ? end + size : end;
        if (s < 0 || e > size || s > e) {
            throw new IndexOutOfBoundsException("slice: [" + start + ", " + end + ") on axis " + axis + " of shape "
                    + Shape.str(xs) + " resolves to [" + s + ", " + e + "), which is not within [0, " + size + "]");
        }
        int[] ys = xs.clone();
        ys[ax] = e - s;
        int[] xStrides = Shape.strides(xs);
        long offset = (long) s * xStrides[ax];
        Tensor y = Tensor.empty(b, x.dtype(), ys);
        b.layout().copyStrided(x.storage(), offset, xStrides, y.storage(), 0, Shape.strides(ys), ys);
        return Autograd.record("slice", y, (dy, needs) -> {
            Tensor dx = Tensor.zeros(b, x.dtype(), xs);
            b.layout().copyStrided(dy.storage(), 0, Shape.strides(ys), dx.storage(), offset, xStrides, ys);
            return new Tensor[]{dx};
        }, x);
    }
}
