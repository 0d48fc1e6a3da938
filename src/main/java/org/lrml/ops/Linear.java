package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Affine map y = x W^T + b: x (..., in), W (out, in), b (out) or null -> y (..., out). The leading axes of
 * x are flattened into R rows, so this is one GEMM with W read transposed in place (no transposed copy);
 * the bias is broadcast into y first and the GEMM accumulates onto it (beta = 1).
 * <p>Backward, with dy viewed as (R, out) and x as (R, in):
 * dX = dy W (R x in); dW = dy^T x (out x in, summed over all rows); db = sum over rows of dy.
 */
public final class Linear {
    private Linear() {
    }

    public static Tensor apply(Tensor x, Tensor w, Tensor bias) {
        Backend be = Kernels.sameBackend("linear", x, w, bias);
        int[] xs = x.shape();
        int[] ws = w.shape();
        if (ws.length != 2 || xs.length < 1 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + Shape.str(xs) + " and weight " + Shape.str(ws)
                    + " do not fit: the weight must be (out, in) with in = the input's last size");
        }
        int out = ws[0];
        int in = ws[1];
        if (bias != null && (bias.rank() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " must have shape ["
                    + out + "] for weight " + Shape.str(ws));
        }
        int rows = Math.toIntExact(Shape.numel(java.util.Arrays.copyOf(xs, xs.length - 1)));
        int[] ys = xs.clone();
        ys[ys.length - 1] = out;
        Tensor y;
        if (bias == null) {
            y = MatMul.gemm(x, false, w, true, 1, rows, out, in, false, false, ys);
        } else {
            y = Kernels.expand(bias, ys);
            be.gemm().gemm(GemmSpec.of(false, true, rows, out, in).withAlphaBeta(1.0, 1.0), x.storage(), w.storage(),
                    y.storage());
        }
        int r = rows;
        return Autograd.record("linear", y, (dy, needs) -> {
            Tensor dx = needs[0] ? MatMul.gemm(dy, false, w, false, 1, r, in, out, false, false, xs) : null;
            Tensor dw = needs[1] ? MatMul.gemm(dy, true, x, false, 1, out, in, r, false, false, ws) : null;
            Tensor db = null;
            if (bias != null && needs[2]) {
                Tensor rowsView = Tensor.wrap(dy.storage(), r, out);
                db = Tensor.wrap(Kernels.reduceKeep("linear", ReduceOp.SUM, rowsView, new boolean[]{true, false})
                        .storage(), out);
            }
            return new Tensor[]{dx, dw, db};
        }, x, w, bias);
    }
}
