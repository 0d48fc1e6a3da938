package org.lrml.nn;

import org.lrml.tensor.Tensor;

/** 2-D max pooling (see {@link org.lrml.ops.MaxPool2d}); no parameters. */
public final class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /** Square kernel with stride = kernel and no padding (PyTorch's default stride). */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    /** Kernel, stride and padding as {height, width}. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    /** Kernel as {height, width} (a copy); with stride and padding, what an exporter writes (ONNX MaxPool). */
    public int[] kernel() {
        return kernel.clone();
    }

    /** Stride as {height, width} (a copy). */
    public int[] stride() {
        return stride.clone();
    }

    /** Symmetric padding as {height, width} (a copy). */
    public int[] padding() {
        return padding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.MaxPool2d.apply(x, kernel, stride, padding);
    }
}
