package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Inverted dropout: y = x * mask with mask_i = 1/(1-p) if u(seed, i) >= p else 0, u the counter-based
 * uniform {@link Rng#uniformAt} over x's flat index, so the same seed drops the same units on every
 * backend and thread count. Identity (x itself) when not training or p = 0.
 * <p>Backward: dx = dy * mask.
 */
public final class Dropout {
    private Dropout() {
    }

    public static Tensor apply(Tensor x, double p, long seed, boolean training) {
        Backend b = Kernels.sameBackend("dropout", x);
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: p = " + p + " must be in [0, 1) (the probability of"
                    + " zeroing an element)");
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor mask = Tensor.empty(b, x.dtype(), x.shape());
        b.dropout().mask(seed, p, mask.storage());
        Tensor y = Kernels.binary("dropout", BinaryOp.MUL, x, mask);
        return Autograd.record("dropout", y, (dy, needs) -> new Tensor[]{dy.mul(mask)}, x);
    }
}
