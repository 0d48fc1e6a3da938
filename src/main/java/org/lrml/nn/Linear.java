package org.lrml.nn;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Fully connected layer y = x W^T + b: x (..., in) -> y (..., out); parameters "weight" (out, in) and
 * "bias" (out) (PyTorch's names, so checkpoints line up). Initialised as PyTorch's nn.Linear:
 * W ~ kaiming_uniform(a = sqrt(5)) = U(+-1/sqrt(in)), then b ~ U(+-1/sqrt(in)), both from the given stream.
 */
public final class Linear extends Module {
    private final int in;
    private final int out;
    private final boolean hasBias;

    /** On the default backend, float32. */
    public Linear(int in, int out, boolean bias, Rng rng) {
        this(in, out, bias, rng, Backends.defaultBackend(), DType.F32);
    }

    public Linear(int in, int out, boolean bias, Rng rng, Backend backend, DType dtype) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: sizes in = " + in + ", out = " + out + " must be >= 1");
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            Tensor w = Tensor.empty(backend, dtype, out, in);
            Init.kaimingUniform(w, rng, Math.sqrt(5.0), Init.FanMode.FAN_IN, Init.Nonlinearity.LEAKY_RELU);
            registerParameter("weight", w);
            if (bias) {
                double bound = 1.0 / Math.sqrt(in);
                registerParameter("bias", Init.uniform(Tensor.empty(backend, dtype, out), rng, -bound, bound));
            }
        }
    }

    public Tensor weight() {
        return param("weight");
    }

    /** The bias, or null for a layer without one. */
    public Tensor bias() {
        return hasBias ? param("bias") : null;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.Linear.apply(x, weight(), bias());
    }
}
