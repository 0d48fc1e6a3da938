package org.lrml.nn;

import java.util.Arrays;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Merges the axes from {@code startAxis} to the last into one (PyTorch's nn.Flatten with end_dim = -1):
 * by default (N, C, H, W) -> (N, C H W). Shares storage with its input, like reshape.
 */
public final class Flatten extends Module {
    private final int startAxis;

    public Flatten() {
        this(1);
    }

    public Flatten(int startAxis) {
        this.startAxis = startAxis;
    }

    @Override
    public Tensor forward(Tensor x) {
        int start = Shape.axis(startAxis, x.rank(), "flatten");
        int[] s = x.shape();
        int[] target = Arrays.copyOf(s, start + 1);
        target[start] = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, start, s.length)));
        return x.reshape(target);
    }
}
