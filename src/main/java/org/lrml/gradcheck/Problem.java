package org.lrml.gradcheck;

import java.util.function.Function;

import org.lrml.tensor.Tensor;

/**
 * One differentiable function and its inputs (float64, CPU). Inputs with requiresGrad are checked;
 * others are constants (labels, fixed weights). The function is evaluated many times, so everything
 * random about it must be drawn when the problem is built, not inside {@code f}.
 */
public record Problem(Tensor[] inputs, Function<Tensor[], Tensor> f) {

    public static Problem of(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return new Problem(inputs, f);
    }
}
