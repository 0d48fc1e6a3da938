package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * ONNX Gather: picks entries of x along one axis, with indices of any shape. With x (d_0, ..., d_{r-1}), axis a
 * and indices of shape q (their values in [-d_a, d_a), a negative index counting from the end: -1 is the last):
 * <pre>
 *   y shape = (d_0, ..., d_{a-1}) + q + (d_{a+1}, ..., d_{r-1})
 *   y[p, k, s] = x[p, idx[k] (+ d_a when negative), s]     p over the leading axes, k over q, s over the trailing
 * </pre>
 * Indices may repeat. The backend gathers along the axis in place (x viewed as (outer, d_a, inner)), no copies.
 * <p>Backward: dx = zeros, then dx[p, idx[k], s] += dy[p, k, s] in increasing k (a fixed order, so repeated
 * indices sum bit for bit the same on every run and backend).
 */
public final class Gather {
    private Gather() {
    }

    /** Gather along axis (negative counts from the end) with a 1-D list of indices: y has len(indices) there. */
    public static Tensor apply(Tensor x, int axis, int[] indices) {
        return apply(x, axis, indices, new int[]{indices.length});
    }

    /** Gather with indices of the given shape (row-major; {} for a single scalar index, which drops the axis). */
    public static Tensor apply(Tensor x, int axis, int[] indices, int[] indicesShape) {
        return apply("gather", x, axis, indices, indicesShape);
    }

    /** The op recorded under the name op (IndexSelect shares it). */
    static Tensor apply(String op, Tensor x, int axis, int[] indices, int[] indicesShape) {
        Backend b = Kernels.sameBackend(op, x);
        int[] xs = x.shape();
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": needs rank >= 1, got a scalar");
        }
        int ax = Shape.axis(axis, xs.length, op);
        long count = 1;
        for (int d : indicesShape) {
            count *= d;
        }
        if (count != indices.length) {
            throw new IllegalArgumentException(op + ": " + indices.length + " indices do not fill their shape "
                    + Shape.str(indicesShape));
        }
        int[] idx = resolve(op, xs, ax, indices);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= xs[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < xs.length; i++) {
            inner *= xs[i];
        }
        int[] ys = new int[xs.length - 1 + indicesShape.length];
        System.arraycopy(xs, 0, ys, 0, ax);
        System.arraycopy(indicesShape, 0, ys, ax, indicesShape.length);
        System.arraycopy(xs, ax + 1, ys, ax + indicesShape.length, xs.length - ax - 1);
        Tensor y = Tensor.empty(b, x.dtype(), ys);
        int o = outer;
        int in = inner;
        boolean any = y.numel() > 0;
        if (any) {
            if (o == 1) {
                b.layout().gatherRows(x.storage(), in, idx, y.storage());
            } else {
                b.layout().gatherAxis(x.storage(), o, xs[ax], in, idx, y.storage());
            }
        }
        return Autograd.record(op, y, (dy, needs) -> {
            Tensor dx = Tensor.zeros(b, x.dtype(), xs);
            if (any) {
                if (o == 1) {
                    b.layout().scatterAddRows(dy.storage(), in, idx, dx.storage());
                } else {
                    b.layout().scatterAddAxis(dy.storage(), o, xs[ax], in, idx, dx.storage());
                }
            }
            return new Tensor[]{dx};
        }, x);
    }

    /** Indices in [0, d_a): negative ones moved up by d_a; an index outside [-d_a, d_a) is an error naming it. */
    private static int[] resolve(String op, int[] xs, int ax, int[] indices) {
        int n = xs[ax];
        int[] idx = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int v = indices[i];
            if (v < -n || v >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " at position " + i + " is out of range [-"
                        + n + ", " + n + ") for axis " + ax + " of x " + Shape.str(xs));
            }
            idx[i] = v < 0 ? v + n : v;
        }
        return idx;
    }
}
