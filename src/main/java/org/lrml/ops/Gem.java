package org.lrml.ops;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * GeM global pooling (generalized mean, Radenovic et al.): x (N, C, H, W), p a one-element tensor ->
 * y (N, C), y_nc = ( (1/HW) sum_{h,w} max(x_nchw, eps)^p )^(1/p), eps = 1e-6. p = 1 is SPoC (on
 * positive maps), p -> inf approaches MAC; p is usually learned, starting at 3.
 * <p>The sums over each plane are one fused op ({@link GemSum}: one pass over the map forward, one backward), then
 * mean = sum / HW and y = mean^(1/p) as tensor ops; {@link #composite} is the same function from clamp, pow(tensor),
 * mean and pow(tensor), the definition the fused op is tested against (equal bit for bit on the CPU). With
 * z = max(x, eps), a = mean(z^p), y = a^(1/p):
 * dx = dy y^(1-p) z^(p-1) / HW where x >= eps (else 0);
 * dp = sum_nc dy y (mean(z^p ln z)/(p a) - ln(a)/p^2).
 */
public final class Gem {
    public static final double DEFAULT_EPS = 1e-6;

    private Gem() {
    }

    public static Tensor apply(Tensor x, Tensor p) {
        return apply(x, p, DEFAULT_EPS);
    }

    public static Tensor apply(Tensor x, Tensor p, double eps) {
        check(x, p, eps);
        int[] shape = x.shape();
        Tensor sums = GemSum.apply(x, p, eps);
        return sums.mul(1.0 / ((long) shape[2] * shape[3])).pow(p.pow(-1.0));
    }

    /**
     * GeM from clamp, pow, mean and pow: the definition {@link #apply} computes (the same values on the CPU, bit for
     * bit, forward and backward), at about twice its time in a CPU training step (docs/cpu-perf.md, section 5).
     */
    public static Tensor composite(Tensor x, Tensor p, double eps) {
        check(x, p, eps);
        Tensor pooled = x.clamp(eps, Double.POSITIVE_INFINITY).pow(p).mean(GlobalPooling.SPATIAL, false);
        return pooled.pow(p.pow(-1.0));
    }

    private static void check(Tensor x, Tensor p, double eps) {
        GlobalPooling.requireNchw("gem", x);
        Kernels.sameBackend("gem", x, p);
        if (p.numel() != 1 || p.rank() > 1) {
            throw new IllegalArgumentException("gem: p must hold one value (shape [1] or []), got shape "
                    + Shape.str(p.shape()));
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("gem: eps = " + eps + " must be positive (it keeps z^p and ln z finite)");
        }
        if (p.dtype() != x.dtype()) {
            throw new IllegalArgumentException("gem: p is " + p.dtype().numpyName() + " but x is "
                    + x.dtype().numpyName() + "; give p the map's dtype");
        }
    }
}
