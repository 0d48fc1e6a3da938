package org.lrml.loss;

import org.lrml.autograd.Autograd;
import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.backend.LossSpec;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * The fused tuple loss: L = mean over tuples of the loss of (x_q, x_p, x_{n_1}..x_{n_K}) for X (N x D, rows
 * used as given, typically L2-normalised descriptors) and a tuple table (M x (2+K)) -> a scalar of X's dtype.
 * One backend call ({@link org.lrml.backend.family.TupleLoss#lossAndGrad}) returns the loss and dL/dX together; the formulas (spec
 * sections 3 to 5) are written out in the CPU kernel, {@code CpuTupleLoss}.
 * <p>Backward: dX = dy * (dL/dX from the forward call). The LRML weights wn and the negatives' rank order are
 * constants of this gradient, as in Ranked List Loss; the composite twin ({@link CompositeLosses}) computes
 * the same value and gradient from ordinary ops.
 */
public final class TupleLoss {
    private TupleLoss() {
    }

    /** Loss and gradient of one call, for callers that want both without a graph (the lossgrad command). */
    public record Result(double loss, Tensor grad) {
    }

    /** The loss as a recorded op (gradient flows to X and through whatever made X). */
    public static Tensor apply(Tensor x, Tuples tuples, LossSpec spec) {
        boolean wantGrad = NoGrad.gradEnabled() && x.requiresGrad();
        Result r = compute(x, tuples, spec, wantGrad);
        Tensor y = Tensor.full(x.backend(), x.dtype(), r.loss(), new int[0]);
        Tensor dx = r.grad();
        return Autograd.record("tupleLoss[" + spec.kind().name().toLowerCase(java.util.Locale.ROOT) + "]", y,
                (dy, needs) -> new Tensor[]{dx.mul(dy)}, x);
    }

    /** The batch loss in double and, when {@code withGrad}, dL/dX (N x D, X's dtype and backend). */
    public static Result compute(Tensor x, Tuples tuples, LossSpec spec, boolean withGrad) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("tupleLoss: X must be N x D, got shape " + Shape.str(x.shape()));
        }
        if (x.storage().isClosed()) {
            throw new IllegalStateException("tupleLoss: X " + Shape.str(x.shape())
                    + " has been released (its memory scope closed); keep it with MemoryScope.keep");
        }
        int n = x.size(0);
        int d = x.size(1);
        if (tuples.m() < 1) {
            throw new IllegalArgumentException("tupleLoss: no tuples (the batch mean needs M >= 1)");
        }
        tuples.validate(n, "tupleLoss");
        Backend b = x.backend();
        Tensor dx = withGrad ? Tensor.empty(b, x.dtype(), n, d) : null;
        double loss = b.tupleLoss().lossAndGrad(spec, x.storage(), n, d, tuples.tableView(), tuples.m(), tuples.k(),
                dx == null ? null : dx.storage());
        return new Result(loss, dx);
    }
}
