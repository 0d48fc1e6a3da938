package org.lrml.nn;

import org.lrml.tensor.Tensor;

/** y = max(x, 0) elementwise. */
public final class Relu extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
