package org.lrml.ops;

import org.lrml.tensor.Tensor;

/**
 * SPoC global pooling (sum-pooled convolutions, here the mean): x (N, C, H, W) -> y (N, C),
 * y_nc = (1 / HW) sum_{h,w} x_nchw.
 * <p>Backward: the {@link Mean} op's rule, dx_nchw = dy_nc / HW.
 */
public final class Spoc {
    private Spoc() {
    }

    public static Tensor apply(Tensor x) {
        GlobalPooling.requireNchw("spoc", x);
        return Mean.apply(x, GlobalPooling.SPATIAL, false);
    }
}
