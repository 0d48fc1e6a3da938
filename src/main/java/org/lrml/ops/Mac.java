package org.lrml.ops;

import org.lrml.tensor.Tensor;

/**
 * MAC global pooling (maximum activation of convolutions): x (N, C, H, W) -> y (N, C),
 * y_nc = max_{h,w} x_nchw.
 * <p>Backward: the {@link Max} op's rule: dy_nc goes to the position of the maximum, shared evenly when
 * several positions tie.
 */
public final class Mac {
    private Mac() {
    }

    public static Tensor apply(Tensor x) {
        GlobalPooling.requireNchw("mac", x);
        return Max.apply(x, GlobalPooling.SPATIAL, false);
    }
}
