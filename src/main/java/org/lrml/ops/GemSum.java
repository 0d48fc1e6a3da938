package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.tensor.Tensor;

/**
 * GeM's inner sums, fused: x (N, C, H, W), p a one-element tensor -> s (N, C), s_nc = sum_{h,w} max(x_nchw, eps)^p.
 * One backend call forward ({@code pool().gemSum}, which keeps t = max(x, eps)^p) and one backward; the composite
 * {@code x.clamp(eps, inf).pow(p).sum({2, 3})} made about ten passes over the map and computed its power twice.
 * <p>Backward, with z = max(x, eps): dx = ds p z^(p-1) where x &gt;= eps (else 0); dp = sum ds z^p ln z. The
 * elementwise terms are rounded as the composite's pow, mul and clamp rules round them, and dp is reduced by the same
 * sum as the composite's, so on the CPU the gradients are the composite's bit for bit ({@code GemFusedTest}).
 */
public final class GemSum {
    private GemSum() {
    }

    /** x NCHW, p one element of x's dtype on x's backend, eps &gt; 0 (all checked by {@link Gem}, the only caller). */
    static Tensor apply(Tensor x, Tensor p, double eps) {
        Backend be = x.backend();
        int[] shape = x.shape();
        int planes = Math.multiplyExact(shape[0], shape[1]);
        int hw = Math.multiplyExact(shape[2], shape[3]);
        Tensor t = Tensor.empty(be, x.dtype(), shape);
        Tensor sums = Tensor.empty(be, x.dtype(), shape[0], shape[1]);
        be.pool().gemSum(x.storage(), planes, hw, p.storage(), eps, t.storage(), sums.storage());
        return Autograd.record("gemSum", sums, (ds, needs) -> {
            Tensor dx = Tensor.empty(be, x.dtype(), shape);
            Tensor q = Tensor.empty(be, x.dtype(), shape);
            be.pool().gemSumBackward(x.storage(), t.storage(), ds.storage(), planes, hw, p.storage(), eps,
                    dx.storage(), q.storage());
            return new Tensor[]{needs[0] ? dx : null, needs[1] ? Kernels.sumTo(q, p.shape()) : null};
        }, x, p);
    }
}
