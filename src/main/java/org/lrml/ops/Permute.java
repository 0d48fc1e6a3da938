package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = x with its axes reordered: y.shape[i] = x.shape[perm[i]] (a copy, since tensors are contiguous).
 * Transpose is the permutation that swaps two axes.
 * <p>Backward: dx = dy permuted by the inverse permutation.
 */
public final class Permute {
    private Permute() {
    }

    public static Tensor apply(Tensor x, int... perm) {
        int rank = x.rank();
        if (perm.length != rank) {
            throw new IllegalArgumentException("permute: " + perm.length + " axes given for shape " + Shape.str(x.shape()));
        }
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int p = Shape.axis(perm[i], rank, "permute");
            if (seen[p]) {
                throw new IllegalArgumentException("permute: " + java.util.Arrays.toString(perm) + " is not a permutation");
            }
            seen[p] = true;
            inverse[p] = i;
        }
        Tensor y = raw(x, perm);
        return Autograd.record("permute", y, (dy, needs) -> new Tensor[]{raw(dy, inverse)}, x);
    }

    /** The copy without recording. */
    static Tensor raw(Tensor x, int[] perm) {
        Backend b = Kernels.sameBackend("permute", x);
        int[] xs = x.shape();
        int[] xStrides = Shape.strides(xs);
        int[] ys = new int[xs.length];
        int[] src = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int p = perm[i] < 0 ? perm[i] + xs.length : perm[i];
            ys[i] = xs[p];
            src[i] = xStrides[p];
        }
        Tensor y = Tensor.empty(b, x.dtype(), ys);
        b.layout().copyStrided(x.storage(), 0, src, y.storage(), 0, Shape.strides(ys), ys);
        return y;
    }
}
