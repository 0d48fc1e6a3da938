package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * 2-D average pooling, NCHW, floor mode: x (N, C, H, W) -> y (N, C, OH, OW), OH = (H + 2 pH - KH) / sH + 1,
 * <pre>
 *   y[n,c,i,j] = (sum of x over the window inside the input) / D,
 *   D = KH KW when countIncludePad (PyTorch's default), else the number of window cells inside the input.
 * </pre>
 * <p>Backward: dx[n,c,a] = sum over the windows that contain a of dy[n,c,i,j] / D(i, j).
 */
public final class AvgPool2d {
    private AvgPool2d() {
    }

    /** Square kernel, stride and padding; padded cells count in the divisor. */
    public static Tensor apply(Tensor x, int kernel, int stride, int padding) {
        return apply(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, true);
    }

    /** Kernel, stride and padding as {height, width}. */
    public static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Backend be = Kernels.sameBackend("avgPool2d", x);
        PoolGeometry g = geometry("avgPool2d", x.shape(), kernel, stride, padding, countIncludePad);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        be.pool().avgForward(g, x.storage(), y.storage());
        return Autograd.record("avgPool2d", y, (dy, needs) -> {
            Tensor dx = Tensor.empty(be, x.dtype(), g.xShape());
            be.pool().avgBackward(g, dy.storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }

    /** The pooling geometry of x, or an error that names the op, the shape and the rule broken. */
    static PoolGeometry geometry(String op, int[] xs, int[] kernel, int[] stride, int[] padding,
                                 boolean countIncludePad) {
        if (xs.length != 4) {
            throw new IllegalArgumentException(op + ": x must be (N, C, H, W), got " + Shape.str(xs));
        }
        if (kernel.length != 2 || stride.length != 2 || padding.length != 2) {
            throw new IllegalArgumentException(op + ": kernel, stride and padding are {height, width} pairs");
        }
        try {
            return new PoolGeometry(xs[0], xs[1], xs[2], xs[3], kernel[0], kernel[1], stride[0], stride[1],
                    padding[0], padding[1], countIncludePad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage() + " (x " + Shape.str(xs) + ")", e);
        }
    }
}
