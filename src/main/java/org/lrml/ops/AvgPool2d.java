package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
import org.lrml.tensor.Tensor;

/**
 * 2-D average pooling, NCHW: x (N, C, H, W) -> y (N, C, OH, OW) over the windows of a {@link PoolWindow}
 * (asymmetric pads, SAME_UPPER / SAME_LOWER, floor or ceil mode; output sizes in {@link PoolGeometry}),
 * <pre>
 *   y[n,c,i,j] = (sum of x over the window cells inside the input) / D,
 *   D = the window cells inside the padded extent [-pTop, H + pBottom) x [-pLeft, W + pRight) when
 *       countIncludePad (PyTorch's default; KH KW in floor mode), else the window cells inside the input
 *       (ONNX's default count_include_pad = 0).
 * </pre>
 * Dilation is refused: PyTorch's avg_pool2d has none and ONNX AveragePool gained it only in opset 19.
 * <p>Backward: dx[n,c,a] = sum over the windows that contain a of dy[n,c,i,j] / D(i, j).
 */
public final class AvgPool2d {
    private AvgPool2d() {
    }

    /** Square kernel, stride and padding; padded cells count in the divisor. */
    public static Tensor apply(Tensor x, int kernel, int stride, int padding) {
        return apply(x, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, true);
    }

    /** Kernel, stride and symmetric padding as {height, width} (PyTorch's form). */
    public static Tensor apply(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return apply(x, PoolWindow.of(kernel, stride, padding), countIncludePad);
    }

    public static Tensor apply(Tensor x, PoolWindow window, boolean countIncludePad) {
        Backend be = Kernels.sameBackend("avgPool2d", x);
        if (window.dilH() != 1 || window.dilW() != 1) {
            throw new IllegalArgumentException("avgPool2d: dilation " + window.dilH() + "x" + window.dilW()
                    + " is not supported (PyTorch's avg_pool2d has none; ONNX AveragePool gained it in opset 19)");
        }
        PoolGeometry g = window.geometry("avgPool2d", x.shape(), countIncludePad);
        Tensor y = Tensor.empty(be, x.dtype(), g.yShape());
        be.pool().avgForward(g, x.storage(), y.storage());
        return Autograd.record("avgPool2d", y, (dy, needs) -> {
            Tensor dx = Tensor.empty(be, x.dtype(), g.xShape());
            be.pool().avgBackward(g, dy.storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
