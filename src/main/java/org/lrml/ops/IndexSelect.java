package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Gathers rows along axis 0: y[i, ...] = x[rows[i], ...]; x (R, ...) -> y (len(rows), ...). Rows may repeat.
 * <p>Backward: dx = zeros, then dx[rows[i], ...] += dy[i, ...] in increasing i (a fixed order, so repeated
 * rows sum bit-for-bit the same on every run and backend).
 */
public final class IndexSelect {
    private IndexSelect() {
    }

    public static Tensor apply(Tensor x, int[] rows) {
        Backend b = Kernels.sameBackend("indexSelect", x);
        if (x.rank() < 1) {
            throw new IllegalArgumentException("indexSelect: needs rank >= 1, got a scalar");
        }
        int[] xs = x.shape();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= xs[0]) {
                throw new IndexOutOfBoundsException("indexSelect: index " + rows[i] + " at position " + i
                        + " is out of range for " + xs[0] + " rows of " + Shape.str(xs));
            }
        }
        int rowLength = xs[0] == 0 ? 0 : Math.toIntExact(x.numel() / xs[0]);
        int[] ys = xs.clone();
        ys[0] = rows.length;
        Tensor y = Tensor.empty(b, x.dtype(), ys);
        int[] idx = rows.clone();
        if (rowLength > 0) {
            b.layout().gatherRows(x.storage(), rowLength, idx, y.storage());
        }
        return Autograd.record("indexSelect", y, (dy, needs) -> {
            Tensor dx = Tensor.zeros(b, x.dtype(), xs);
            if (rowLength > 0) {
                b.layout().scatterAddRows(dy.storage(), rowLength, idx, dx.storage());
            }
            return new Tensor[]{dx};
        }, x);
    }
}
