package org.lrml.ops;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * GeM global pooling (generalized mean, Radenovic et al.): x (N, C, H, W), p a one-element tensor ->
 * y (N, C), y_nc = ( (1/HW) sum_{h,w} max(x_nchw, eps)^p )^(1/p), eps = 1e-6. p = 1 is SPoC (on
 * positive maps), p -> inf approaches MAC; p is usually learned, starting at 3.
 * <p>Composed of clamp, pow(tensor), mean and pow(tensor), so its backward is theirs; with
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
        GlobalPooling.requireNchw("gem", x);
        Kernels.sameBackend("gem", x, p);
        if (p.numel() != 1 || p.rank() > 1) {
            throw new IllegalArgumentException("gem: p must hold one value (shape [1] or []), got shape "
                    + Shape.str(p.shape()));
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("gem: eps = " + eps + " must be positive (it keeps z^p and ln z finite)");
        }
        Tensor pooled = x.clamp(eps, Double.POSITIVE_INFINITY).pow(p).mean(GlobalPooling.SPATIAL, false);
        return pooled.pow(p.pow(-1.0));
    }
}
