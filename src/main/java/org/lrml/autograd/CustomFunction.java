package org.lrml.autograd;

import java.util.Arrays;

import org.lrml.backend.Shape;
import org.lrml.profile.Profiler;
import org.lrml.tensor.Tensor;

/**
 * A differentiable function whose backward the user writes, like PyTorch's {@code torch.autograd.Function}: the
 * forward runs without taping (so whatever ops it uses are not differentiated), and the engine calls the
 * hand-written {@link #backward} instead. It runs on any backend the inputs live on, shows in the profiler and in
 * anomaly reports under its {@link #name()}, and {@code org.lrml.gradcheck.Gradcheck.check} proves its backward by
 * finite differences.
 *
 * <pre>
 *   CustomFunction square = new CustomFunction("square") {
 *       protected Tensor forward(Context ctx, Tensor... in) {
 *           ctx.save(in[0]);
 *           return in[0].mul(in[0]);
 *       }
 *       protected Tensor[] backward(Context ctx, Tensor dy) {
 *           return new Tensor[]{dy.mul(ctx.saved(0)).mul(2.0)};
 *       }
 *   };
 *   Tensor y = square.apply(x);
 * </pre>
 */
public abstract class CustomFunction {
    private final String name;

    /**
     * @param name the op name the profiler, anomaly mode and error messages use
     */
    protected CustomFunction(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a custom function needs a name (it names the op in profiles and errors)");
        }
        this.name = name;
    }

    /**
     * The op name.
     *
     * @return the name given at construction
     */
    public final String name() {
        return name;
    }

    /**
     * Computes the output from the inputs, without taping (it runs under {@link NoGrad}); saves in {@code ctx}
     * whatever {@link #backward} needs.
     *
     * @param ctx    where to save tensors for backward
     * @param inputs the inputs as given to {@link #apply}
     * @return the output (a new tensor, or an input, which is then wrapped as a new tensor sharing its values)
     */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /**
     * dL/d(input i) for each input from dL/d(output) = {@code dy}; runs under {@link NoGrad}. Return an array with
     * one entry per input, each shaped like its input; entries whose {@link Context#needsInputGrad} is false may be
     * null.
     *
     * @param ctx what forward saved
     * @param dy  the gradient of the output
     * @return the gradients of the inputs
     */
    protected abstract Tensor[] backward(Context ctx, Tensor dy);

    /**
     * Runs the function and tapes it, so backward reaches its inputs through {@link #backward}.
     *
     * @param inputs the inputs (null entries allowed for optional ones)
     * @return the output
     */
    public final Tensor apply(Tensor... inputs) {
        Context ctx = new Context(inputs.clone());
        Tensor out;
        try (Profiler.Scope s = Profiler.opScope(name); NoGrad ng = NoGrad.enter()) {
            out = forward(ctx, inputs);
            if (out == null) {
                throw new IllegalStateException(name + ": forward returned null; it must return the output tensor");
            }
            for (Tensor in : inputs) {
                if (in == out) {
                    out = Tensor.wrap(out.storage(), out.shape());
                    break;
                }
            }
        }
        return Autograd.recordUntaped(name, out, (dy, needs) -> {
            ctx.needs = needs;
            Tensor[] g = backward(ctx, dy);
            if (g == null || g.length != inputs.length) {
                throw new IllegalStateException(name + ": backward returned " + (g == null ? "null" : g.length
                        + " gradients") + " for " + inputs.length + " inputs; return one entry per input");
            }
            Tensor[] out2 = g.clone();
            for (int i = 0; i < out2.length; i++) {
                if (!needs[i]) {
                    out2[i] = null;
                } else if (out2[i] != null && !Arrays.equals(out2[i].shape(), inputs[i].shape())) {
                    throw new IllegalStateException(name + ": backward returned a gradient of shape "
                            + Shape.str(out2[i].shape()) + " for input " + i + " of shape " + Shape.str(inputs[i].shape()));
                }
            }
            return out2;
        }, inputs);
    }

    /** What forward hands to backward: saved tensors, the inputs, and which inputs need a gradient. */
    public static final class Context {
        private final Tensor[] inputs;
        private Tensor[] saved = new Tensor[0];
        private boolean[] needs;

        Context(Tensor[] inputs) {
            this.inputs = inputs;
        }

        /**
         * Keeps tensors for backward (replaces what was saved before).
         *
         * @param tensors what backward needs
         */
        public void save(Tensor... tensors) {
            this.saved = tensors.clone();
        }

        /**
         * A saved tensor.
         *
         * @param i its position in {@link #save}
         * @return the tensor
         */
        public Tensor saved(int i) {
            if (i < 0 || i >= saved.length) {
                throw new IndexOutOfBoundsException("saved tensor " + i + " of " + saved.length + " (save them in forward)");
            }
            return saved[i];
        }

        /**
         * The inputs the function was applied to.
         *
         * @param i which
         * @return the input
         */
        public Tensor input(int i) {
            return inputs[i];
        }

        /**
         * Whether backward must return a gradient for input i (only known in backward).
         *
         * @param i which input
         * @return true when some path to a leaf that requires grad goes through it
         */
        public boolean needsInputGrad(int i) {
            if (needs == null) {
                throw new IllegalStateException("needsInputGrad is known in backward, not in forward");
            }
            return needs[i];
        }
    }
}
