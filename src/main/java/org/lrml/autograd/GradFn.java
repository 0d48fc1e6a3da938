package org.lrml.autograd;

import org.lrml.tensor.Tensor;

/** The node that made a tensor: op name, inputs, and the backward rule written in the op's file. */
public final class GradFn {
    private final String op;
    private final Tensor[] inputs;
    private final Backward backward;

    GradFn(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    public Tensor[] inputs() {
        return inputs.clone();
    }

    Tensor input(int i) {
        return inputs[i];
    }

    int arity() {
        return inputs.length;
    }

    Tensor[] apply(Tensor dy, boolean[] needs) {
        return backward.apply(dy, needs);
    }

    @Override
    public String toString() {
        return "GradFn(" + op + ")";
    }
}
