package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
import org.lrml.tensor.Tensor;

/**
 * 2-D max pooling, NCHW: x (N, C, H, W) -> y (N, C, OH, OW) over the windows of a {@link PoolWindow} (asymmetric
 * pads, SAME_UPPER / SAME_LOWER, dilation, floor or ceil mode; output sizes in {@link PoolGeometry}),
 * <pre>
 *   y[n,c,i,j] = max over the window cells (i sH - pTop + ki dH, j sW - pLeft + kj dW), ki &lt; KH, kj &lt; KW,
 *                that lie inside the input
 * </pre>
 * (padding never wins; a window with no cell inside the input, possible only with dilation, gives -infinity),
 * values ordered as {@code Float.compare} orders them (-0 below +0, NaN above every number). Ties go to the first
 * maximum in row-major window order.
 * <p>Indices ({@link #withIndices}, ONNX MaxPool's second output with storage_order 0): the flat index of that
 * first maximum into x, ((n C + c) H + ih) W + iw; PyTorch's return_indices gives ih W + iw (the same less the
 * plane offset (n C + c) H W). With storage_order 1 ONNX counts the plane column-major: (n C + c) H W + iw H + ih.
 * <p>Backward: dx[n,c,a] = sum of dy[n,c,i,j] over the windows whose arg-max is a (overlapping windows
 * add up; the backend recomputes the arg-max from x with the same rule).
 */
public final class MaxPool2d {
    private MaxPool2d() {
    }

    /** y and, for each element of y, the flat index into x it was taken from (-1 for an empty window). */
    public record WithIndices(Tensor y, long[] indices) {
    }

    /** Square kernel, stride and padding. */
    public static Tensor apply(Tensor x, int kernel, int stride, int padding) {
        return apply(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    /** Kernel, stride and symmetric padding as {height, width} (PyTorch's form). */
    public static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return apply(x, PoolWindow.of(kernel, stride, padding));
    }

    public static Tensor apply(Tensor x, PoolWindow window) {
        Backend be = Kernels.sameBackend("maxPool2d", x);
        PoolGeometry g = window.geometry("maxPool2d", x.shape(), false);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        be.pool().maxForward(g, x.storage(), y.storage());
        return record(be, g, x, y);
    }

    /** y and ONNX's indices (storage_order 0, row-major planes). */
    public static WithIndices withIndices(Tensor x, PoolWindow window) {
        return withIndices(x, window, false);
    }

    /**
     * y and ONNX's indices; columnMajor = storage_order 1: each plane's cells counted column by column,
     * (n C + c) H W + iw H + ih.
     */
    public static WithIndices withIndices(Tensor x, PoolWindow window, boolean columnMajor) {
        Backend be = Kernels.sameBackend("maxPool2d", x);
        PoolGeometry g = window.geometry("maxPool2d", x.shape(), false);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        long[] indices = new long[Math.toIntExact(y.numel())];
        be.pool().maxForwardWithIndices(g, x.storage(), y.storage(), indices);
        if (columnMajor) {
            long plane = (long) g.h() * g.w();
            for (int i = 0; i < indices.length; i++) {
                if (indices[i] >= 0) {
                    long base = indices[i] / plane * plane;
                    int cell = (int) (indices[i] - base);
                    indices[i] = base + (long) (cell % g.w()) * g.h() + cell / g.w();
                }
            }
        }
        return new WithIndices(record(be, g, x, y), indices);
    }

    private static Tensor record(Backend be, PoolGeometry g, Tensor x, Tensor y) {
        return Autograd.record("maxPool2d", y, (dy, needs) -> {
            Tensor dx = Tensor.empty(be, x.dtype(), g.xShape());
            be.pool().maxBackward(g, x.storage(), dy.storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
