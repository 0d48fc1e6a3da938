package org.lrml.gradcheck;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** Input generators for gradient checks: float64 CPU tensors that require grad unless stated. */
public final class Inputs {
    private Inputs() {
    }

    /** Standard normal entries. */
    public static Tensor normal(Rng rng, int... shape) {
        return Tensor.randn(Backends.cpu(), DType.F64, rng, 1.0, shape).requiresGrad(true);
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
        return Tensor.uniform(Backends.cpu(), DType.F64, rng, lo, hi, shape).requiresGrad(true);
    }

    /** Uniform in [0.5, 2): for log, sqrt, division and fractional powers. */
    public static Tensor positive(Rng rng, int... shape) {
        return uniform(rng, 0.5, 2.0, shape);
    }

    /** |x| in [0.1, 1.5) with a random sign: keeps ReLU and |x| away from their kink at 0. */
    public static Tensor awayFromZero(Rng rng, int... shape) {
        int n = Math.toIntExact(org.lrml.backend.Shape.numel(shape));
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double m = 0.1 + 1.4 * rng.nextDouble();
            d[i] = rng.nextDouble() < 0.5 ? -m : m;
        }
        return Tensor.of(Backends.cpu(), d, shape).requiresGrad(true);
    }

    /**
     * A random permutation of well-separated values (gaps of at least 0.05) for max and max-pooling,
     * so no perturbation changes which element wins.
     */
    public static Tensor distinct(Rng rng, int... shape) {
        int n = Math.toIntExact(org.lrml.backend.Shape.numel(shape));
        int[] perm = rng.permutation(n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (perm[i] - n / 2.0) * 0.05 + 0.01 * rng.nextDouble();
        }
        return Tensor.of(Backends.cpu(), d, shape).requiresGrad(true);
    }

    /** The same tensor as a constant (no gradient checked). */
    public static Tensor constant(Tensor t) {
        return t.requiresGrad(false);
    }
}
