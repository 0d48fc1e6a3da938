package org.lrml.nn;

import org.lrml.tensor.Tensor;

/** MAC global max pooling, (N, C, H, W) -> (N, C); see {@link org.lrml.ops.Mac}. */
public final class Mac extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.Mac.apply(x);
    }
}
