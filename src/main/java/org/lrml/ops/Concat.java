package org.lrml.ops;

import java.util.List;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = the inputs joined along one axis: all inputs have the same rank and the same sizes on every other
 * axis; y's size on the axis is the sum of theirs. Each input is one strided copy into its region.
 * <p>Backward: dx_i = the slice of dy covering input i's region.
 */
public final class Concat {
    private Concat() {
    }

    public static Tensor apply(List<Tensor> xs, int axis) {
        if (xs == null || xs.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor[] in = xs.toArray(new Tensor[0]);
        Backend b = Kernels.sameBackend("concat", in);
        int[] first = in[0].shape();
        int ax = Shape.axis(axis, first.length, "concat");
        int[] ys = first.clone();
        int[] starts = new int[in.length];
        ys[ax] = 0;
        for (int i = 0; i < in.length; i++) {
            int[] s = in[i].shape();
            boolean fits = s.length == first.length;
            for (int d = 0; fits && d < s.length; d++) {
                fits = d == ax || s[d] == first[d];
            }
            if (!fits) {
                throw new IllegalArgumentException("concat along axis " + axis + ": input " + i + " has shape "
                        + Shape.str(s) + " but input 0 has " + Shape.str(first)
                        + " (all axes but the joined one must be equal)");
            }
            starts[i] = ys[ax];
            ys[ax] = Math.addExact(ys[ax], s[ax]);
        }
        Tensor y = Tensor.empty(b, in[0].dtype(), ys);
        int[] yStrides = Shape.strides(ys);
        for (int i = 0; i < in.length; i++) {
            int[] s = in[i].shape();
            b.layout().copyStrided(in[i].storage(), 0, Shape.strides(s), y.storage(), (long) starts[i] * yStrides[ax],
                    yStrides, s);
        }
        return Autograd.record("concat", y, (dy, needs) -> {
            Tensor[] dx = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                if (needs[i]) {
                    dx[i] = Slice.apply(dy, ax, starts[i], starts[i] + in[i].size(ax));
                }
            }
            return dx;
        }, in);
    }
}
