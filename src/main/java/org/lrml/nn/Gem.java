package org.lrml.nn;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * GeM global pooling with a learnable exponent: (N, C, H, W) -> (N, C), parameter "p" of shape [1]
 * (3 by default, as in Radenovic et al.). Give p its own {@link org.lrml.optim.ParamGroup} for a higher
 * learning rate and no weight decay.
 */
public final class Gem extends Module {
    private final double eps;

    /** p = 3, eps = 1e-6, on the default backend in float32. */
    public Gem() {
        this(3.0, org.lrml.ops.Gem.DEFAULT_EPS, Backends.defaultBackend(), DType.F32);
    }

    public Gem(double initialP, double eps, Backend backend, DType dtype) {
        if (!Double.isFinite(initialP) || initialP == 0) {
            throw new IllegalArgumentException("Gem: initial p = " + initialP + " must be finite and non-zero");
        }
        this.eps = eps;
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            registerParameter("p", Tensor.full(backend, dtype, initialP, 1));
        }
    }

    /** The learnable exponent, shape [1]. */
    public Tensor p() {
        return param("p");
    }

    /** The lower clamp of the map before the power (an exporter writes it). */
    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return org.lrml.ops.Gem.apply(x, p(), eps);
    }
}
