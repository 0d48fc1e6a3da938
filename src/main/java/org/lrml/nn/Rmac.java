package org.lrml.nn;

import org.lrml.tensor.Tensor;

/** R-MAC pooling, (N, C, H, W) -> (N, C); see {@link org.lrml.ops.Rmac}. No parameters. */
public final class Rmac extends Module {
    private final int levels;

    public Rmac() {
        this(org.lrml.ops.Rmac.DEFAULT_LEVELS);
    }

    public Rmac(int levels) {
        if (levels < 1) {
            throw new IllegalArgumentException("R-MAC: levels = " + levels + " must be at least 1");
        }
        this.levels = levels;
    }

    public int levels() {
        return levels;
    }

    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.Rmac.apply(x, levels, org.lrml.ops.Rmac.DEFAULT_EPS);
    }
}
