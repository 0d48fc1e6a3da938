package org.lrml.ops;

import org.lrml.tensor.Tensor;

/**
 * Picks entries along one axis (axis 0 by default): y = x with axis a replaced by len(indices) entries,
 * y[..., i, ...] = x[..., indices[i], ...]; indices may repeat and may be negative (-1 is the last, as in ONNX
 * Gather). {@link Gather} with 1-D indices, recorded under the name "indexSelect".
 * <p>Backward: dx = zeros, then dx[..., indices[i], ...] += dy[..., i, ...] in increasing i (a fixed order, so
 * repeated indices sum bit for bit the same on every run and backend).
 */
public final class IndexSelect {
    private IndexSelect() {
    }

    /** Rows of axis 0: x (R, ...) -> y (len(rows), ...). */
    public static Tensor apply(Tensor x, int[] rows) {
        return apply(x, 0, rows);
    }

    /** Entries of the given axis (negative counts from the end). */
    public static Tensor apply(Tensor x, int axis, int[] indices) {
        return Gather.apply("indexSelect", x, axis, indices, new int[]{indices.length});
    }
}
