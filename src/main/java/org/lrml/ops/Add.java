package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;

/**
 * y = a + b with NumPy broadcasting.
 * <p>Backward: dA = sumTo(dy), dB = sumTo(dy), where sumTo sums over broadcast axes.
 */
public final class Add {
    private Add() {
    }

    public static Tensor apply(Tensor a, Tensor b) {
        Tensor y = Kernels.binary("add", BinaryOp.ADD, a, b);
        return Autograd.record("add", y, (dy, needs) -> new Tensor[]{
                needs[0] ? Kernels.sumTo(dy, a.shape()) : null,
                needs[1] ? Kernels.sumTo(dy, b.shape()) : null}, a, b);
    }
}
