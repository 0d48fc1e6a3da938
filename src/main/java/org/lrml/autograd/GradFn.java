package org.lrml.autograd;

import org.lrml.tensor.Tensor;

/** The node that made a tensor: op name, inputs, and the backward rule written in the op's file. */
public final class GradFn {
    private final String op;
    private final Tensor[] inputs;
    private final Backward backward;
    /** Where the caller's code created the op; recorded only in {@link AnomalyMode} (null otherwise). */
    private final StackTraceElement site;

    GradFn(String op, Tensor[] inputs, Backward backward, StackTraceElement site) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.site = site;
    }

    /**
     * Where the user's code created this op, when {@link AnomalyMode} was on then.
     *
     * @return the first stack frame outside the engine's tensor code, or null
     */
    public StackTraceElement site() {
        return site;
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
