package org.lrml.ops;

import java.util.Arrays;

import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Raw (unrecorded) tensor-level calls of backend primitives that op files share: output allocation,
 * broadcasting, and the reductions that undo broadcasting in backward. No gradient logic lives here.
 */
public final class Kernels {
    private Kernels() {
    }

    /** All tensors on one backend with one dtype; the message names the op and what differs. */
    public static Backend sameBackend(String op, Tensor... ts) {
        Backend b = null;
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (t.storage().isClosed()) {
                throw new IllegalStateException(op + ": input " + Shape.str(t.shape())
                        + " has been released (its memory scope closed); keep it with MemoryScope.keep");
            }
            if (b == null) {
                b = t.backend();
                first = t;
            } else if (t.backend() != b) {
                throw new IllegalArgumentException(op + ": inputs live on different backends (" + b.name() + " and "
                        + t.backend().name() + "); move one with tensor.to(backend)");
            } else if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": inputs have different dtypes (" + first.dtype().numpyName()
                        + " " + Shape.str(first.shape()) + " and " + t.dtype().numpyName() + " " + Shape.str(t.shape())
                        + "); convert one with tensor.to(dtype)");
            }
        }
        return b;
    }

    public static Tensor unary(String op, UnaryOp kind, Tensor x, double p0, double p1) {
        Backend b = sameBackend(op, x);
        Tensor y = Tensor.empty(b, x.dtype(), x.shape());
        b.elementwise().unary(kind, x.storage(), y.storage(), p0, p1);
        return y;
    }

    /**
     * dy * mask(x) for a mask op of {@link org.lrml.backend.family.Elementwise#maskedProduct} (the backward of ReLU and
     * clamp), the same values as {@code dy.mul(unary(op, mask, x, p0, p1))}, in one pass where the backend has one.
     */
    public static Tensor maskedProduct(String op, UnaryOp mask, Tensor x, double p0, double p1, Tensor dy) {
        if (!Arrays.equals(x.shape(), dy.shape()) || x.dtype() != dy.dtype()) {
            return dy.mul(unary(op, mask, x, p0, p1));
        }
        Backend b = sameBackend(op, x, dy);
        Tensor dx = Tensor.empty(b, x.dtype(), x.shape());
        b.elementwise().maskedProduct(mask, x.storage(), p0, p1, dy.storage(), dx.storage(), x.shape());
        return dx;
    }

    public static Tensor binary(String op, BinaryOp kind, Tensor a, Tensor c) {
        Backend b = sameBackend(op, a, c);
        int[] out = Shape.broadcast(a.shape(), c.shape(), op);
        Tensor y = Tensor.empty(b, a.dtype(), out);
        b.elementwise().binary(kind, a.storage(), Shape.padLeft(a.shape(), out.length), c.storage(),
                Shape.padLeft(c.shape(), out.length), y.storage(), out);
        return y;
    }

    /** Boolean mask of the given axes (normalised, duplicates rejected). */
    public static boolean[] axisMask(int[] axes, int rank, String op) {
        boolean[] m = new boolean[rank];
        for (int a : axes) {
            int ax = Shape.axis(a, rank, op);
            if (m[ax]) {
                throw new IllegalArgumentException(op + ": axis " + a + " given twice in " + Arrays.toString(axes));
            }
            m[ax] = true;
        }
        return m;
    }

    /** Shape with reduced axes set to 1. */
    public static int[] keptShape(int[] shape, boolean[] mask) {
        int[] out = shape.clone();
        for (int i = 0; i < out.length; i++) {
            if (mask[i]) {
                out[i] = 1;
            }
        }
        return out;
    }

    /** Shape with reduced axes removed. */
    public static int[] droppedShape(int[] shape, boolean[] mask) {
        int count = 0;
        for (boolean m : mask) {
            if (!m) {
                count++;
            }
        }
        int[] out = new int[count];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!mask[i]) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** Reduction with the reduced axes kept as size 1. */
    public static Tensor reduceKeep(String op, ReduceOp kind, Tensor x, boolean[] mask) {
        Backend b = sameBackend(op, x);
        Tensor y = Tensor.empty(b, x.dtype(), keptShape(x.shape(), mask));
        b.reduce().reduce(kind, x.storage(), x.shape(), mask, y.storage());
        return y;
    }

    /**
     * Sums a broadcast gradient back to the shape of the operand it came from (leading extra axes and
     * axes where the operand had size 1).
     */
    public static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int[] padded = Shape.padLeft(shape, gs.length);
        boolean[] mask = new boolean[gs.length];
        boolean any = false;
        for (int i = 0; i < gs.length; i++) {
            if (padded[i] == 1 && gs[i] != 1) {
                mask[i] = true;
                any = true;
            }
        }
        Tensor r = any ? reduceKeep("sumTo", ReduceOp.SUM, g, mask) : g;
        return Tensor.wrap(r.storage(), shape);
    }

    /** Broadcast-copies x (whose rank may be lower) to the given shape. */
    public static Tensor expand(Tensor x, int[] shape) {
        int[] xs = Shape.padLeft(x.shape(), shape.length);
        Shape.broadcast(xs, shape, "expand");
        int[] src = Shape.strides(xs);
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == 1 && shape[i] != 1) {
                src[i] = 0;
            }
        }
        Backend b = x.backend();
        Tensor y = Tensor.empty(b, x.dtype(), shape);
        b.layout().copyStrided(x.storage(), 0, src, y.storage(), 0, Shape.strides(shape), shape);
        return y;
    }
}
