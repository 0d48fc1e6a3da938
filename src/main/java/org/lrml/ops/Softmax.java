package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * y = softmax over one axis (the last by default; ONNX Softmax-13 and PyTorch's dim): along that axis
 * y_j = e^(x_j - m) / sum_k e^(x_k - m), m = max_k x_k (the shift keeps large logits finite and does not change
 * the result). Any shape of rank >= 1; every line along the axis is independent. Another axis than the last
 * costs no copy: the backend walks x as (outer, axis, inner).
 * <p>Backward: dx = y (dy - sum_k dy_k y_k), the sum over the axis, broadcast back.
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor apply(Tensor x) {
        return apply(x, -1);
    }

    /** Softmax over the given axis (negative counts from the end). */
    public static Tensor apply(Tensor x, int axis) {
        int ax = axis("softmax", x, axis);
        Tensor y = raw("softmax", x, ax, false);
        return Autograd.record("softmax", y, (dy, needs) -> {
            Tensor dot = dy.mul(y).sum(new int[]{ax}, true);
            return new Tensor[]{y.mul(dy.sub(dot))};
        }, x);
    }

    /** The backend call over the last axis without recording; shared with CrossEntropy. */
    static Tensor raw(String op, Tensor x, boolean log) {
        return raw(op, x, axis(op, x, -1), log);
    }

    /** The axis normalised, or an error naming the op, the shape and the axis. */
    static int axis(String op, Tensor x, int axis) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": needs rank >= 1, got shape " + Shape.str(x.shape()));
        }
        int ax = Shape.axis(axis, x.rank(), op);
        if (x.size(ax) < 1) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Shape.str(x.shape())
                    + " is empty");
        }
        return ax;
    }

    /**
     * The backend call without recording, over the normalised axis ax: the row kernel when ax is the last axis
     * (the original path, unchanged), else the (outer, axis, inner) one.
     */
    static Tensor raw(String op, Tensor x, int ax, boolean log) {
        Backend b = Kernels.sameBackend(op, x);
        int[] s = x.shape();
        int inner = 1;
        for (int i = ax + 1; i < s.length; i++) {
            inner *= s[i];
        }
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= s[i];
        }
        Tensor y = Tensor.empty(b, x.dtype(), s);
        if (inner == 1) {
            b.softmax().softmax(x.storage(), outer, s[ax], log, y.storage());
        } else if (x.numel() > 0) {
            b.softmax().softmaxAxis(x.storage(), outer, s[ax], inner, log, y.storage());
        }
        return y;
    }
}
