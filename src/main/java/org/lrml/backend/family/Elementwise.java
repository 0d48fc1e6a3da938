package org.lrml.backend.family;

import org.lrml.backend.BinaryOp;
import org.lrml.backend.Storage;
import org.lrml.backend.UnaryOp;

/** Elementwise maps (kernels/elementwise.cu). */
public interface Elementwise {

    /** y[i] = op(x[i]; p0, p1), as {@link UnaryOp#apply} specifies. y may be x (in place). */
    void unary(UnaryOp op, Storage x, Storage y, double p0, double p1);

    /**
     * out = op(a, b) with broadcasting. All three shapes have the same rank; each dimension of a and b
     * equals the output's or is 1 (the caller pads ranks). out may not alias a or b unless shapes match.
     */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /** y += alpha * x, same length (gradient accumulation, in a fixed order). */
    void axpy(double alpha, Storage x, Storage y);

    /**
     * dx = dy * mask(x): the gradients of ReLU (mask {@link UnaryOp#GREATER}) and clamp ({@link UnaryOp#IN_RANGE}).
     * The values are those of {@code unary(mask, x, m, p0, p1)} followed by {@code binary(MUL, dy, m)}, which is what
     * this default computes, in dx; a backend may compute them in one pass (the CPU does: two passes and a mask
     * tensor less over the largest activations of a network). x, dy and dx have the given shape and one dtype.
     */
    default void maskedProduct(UnaryOp mask, Storage x, double p0, double p1, Storage dy, Storage dx, int[] shape) {
        unary(mask, x, dx, p0, p1);
        binary(BinaryOp.MUL, dy, shape, dx, shape, dx, shape);
    }
}
