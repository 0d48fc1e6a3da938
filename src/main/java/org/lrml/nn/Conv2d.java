package org.lrml.nn;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * A 2-D convolution layer (see {@link org.lrml.ops.Conv2d} for the math): parameters "weight"
 * (O, C/groups, KH, KW) and, unless disabled, "bias" (O), float32 on the default backend.
 *
 * <p>Initialisation is PyTorch's default: weight ~ kaiming_uniform(a = sqrt(5)), i.e. U(-bound, bound) with
 * bound = gain sqrt(3 / fanIn), gain = sqrt(2 / (1 + a^2)), which is 1 / sqrt(fanIn); bias ~
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)); fanIn = C/groups KH KW. Values come from the given stream, weight first.
 */
public final class Conv2d extends Module {
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final boolean hasBias;

    /** Square kernel, stride 1, no padding, dilation 1, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng) {
        this(inChannels, outChannels, kernel, 1, 0, rng);
    }

    /** Square kernel, stride and padding; dilation 1, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Rng rng) {
        this(inChannels, outChannels, new int[]{kernel, kernel}, new int[]{stride, stride},
                new int[]{padding, padding}, new int[]{1, 1}, 1, true, rng);
    }

    /** Every option; kernel, stride, padding and dilation as {height, width}. */
    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, Rng rng) {
        if (inChannels < 1 || outChannels < 1 || groups < 1 || inChannels % groups != 0
                || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: " + inChannels + " -> " + outChannels + " channels with groups="
                    + groups + ": channel counts must be positive and divisible by groups");
        }
        if (kernel.length != 2 || stride.length != 2 || padding.length != 2 || dilation.length != 2) {
            throw new IllegalArgumentException("Conv2d: kernel, stride, padding and dilation are {height, width} pairs");
        }
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.dilation = dilation.clone();
        this.groups = groups;
        this.hasBias = bias;
        int fanIn = inChannels / groups * kernel[0] * kernel[1];
        double a = Math.sqrt(5.0);
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double wBound = gain * Math.sqrt(3.0 / fanIn);
        double bBound = 1.0 / Math.sqrt(fanIn);
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            registerParameter("weight", Tensor.uniform(Backends.defaultBackend(), DType.F32, rng, -wBound, wBound,
                    outChannels, inChannels / groups, kernel[0], kernel[1]));
            if (bias) {
                registerParameter("bias", Tensor.uniform(Backends.defaultBackend(), DType.F32, rng, -bBound, bBound,
                        outChannels));
            }
        }
    }

    /** Stride as {height, width} (a copy); with the other accessors, what an exporter writes (ONNX Conv). */
    public int[] stride() {
        return stride.clone();
    }

    /** Symmetric zero padding as {height, width} (a copy). */
    public int[] padding() {
        return padding.clone();
    }

    /** Dilation as {height, width} (a copy). */
    public int[] dilation() {
        return dilation.clone();
    }

    public int groups() {
        return groups;
    }

    public boolean hasBias() {
        return hasBias;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor b = hasBias ? param("bias") : null;
        return org.lrml.ops.Conv2d.apply(x, param("weight"), b, stride, padding, dilation, groups);
    }
}
