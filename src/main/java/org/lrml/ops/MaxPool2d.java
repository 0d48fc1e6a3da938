package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
import org.lrml.tensor.Tensor;

/**
 * 2-D max pooling, NCHW, floor mode: x (N, C, H, W) -> y (N, C, OH, OW), OH = (H + 2 pH - KH) / sH + 1,
 * <pre>
 *   y[n,c,i,j] = max over the window rows [i sH - pH, +KH) x columns [j sW - pW, +KW) inside the input
 * </pre>
 * (padding never wins), values ordered as {@code Float.compare} orders them (-0 below +0, NaN above every
 * number). Ties go to the first maximum in row-major window order.
 * <p>Backward: dx[n,c,a] = sum of dy[n,c,i,j] over the windows whose arg-max is a (overlapping windows
 * add up; the backend recomputes the arg-max from x with the same rule).
 */
public final class MaxPool2d {
    private MaxPool2d() {
    }

    /** Square kernel, stride and padding. */
    public static Tensor apply(Tensor x, int kernel, int stride, int padding) {
        return apply(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    /** Kernel, stride and padding as {height, width}. */
    public static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding) {
        Backend be = Kernels.sameBackend("maxPool2d", x);
        PoolGeometry g = AvgPool2d.geometry("maxPool2d", x.shape(), kernel, stride, padding, false);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        be.pool().maxForward(g, x.storage(), y.storage());
        return Autograd.record("maxPool2d", y, (dy, needs) -> {
            Tensor dx = Tensor.empty(be, x.dtype(), g.xShape());
            be.pool().maxBackward(g, x.storage(), dy.storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
