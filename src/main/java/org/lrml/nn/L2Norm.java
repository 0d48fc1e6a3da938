package org.lrml.nn;

import org.lrml.ops.L2Normalize;
import org.lrml.tensor.Tensor;

/** Scales each row (last axis) to unit length, y = x / max(||x||, eps); see {@link L2Normalize}. */
public final class L2Norm extends Module {
    private final double eps;

    public L2Norm() {
        this(L2Normalize.DEFAULT_EPS);
    }

    public L2Norm(double eps) {
        this.eps = eps;
    }

    /** The lower bound of the divisor (an exporter writes it). */
    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return L2Normalize.apply(x, eps);
    }
}
