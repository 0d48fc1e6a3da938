package org.lrml.autograd;

import org.lrml.tensor.Tensor;

/**
 * The backward rule of one recorded op: given dL/dy, return dL/d(input i) for each input, or null for
 * an input whose {@code needs[i]} is false. Runs under {@link NoGrad}, so it may use ordinary ops.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor dy, boolean[] needs);
}
