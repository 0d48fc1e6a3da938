package org.lrml.nn;

import org.lrml.tensor.Tensor;

/**
 * 2-D average pooling (see {@link org.lrml.ops.AvgPool2d}); no parameters. A kernel as large as the input
 * is global average pooling.
 */
public final class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    /** Square kernel with stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** Square kernel, stride and padding; padded cells count in the divisor (PyTorch's default). */
    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, true);
    }

    /** Kernel, stride and padding as {height, width}. */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.AvgPool2d.apply(x, kernel, stride, padding, countIncludePad);
    }
}
