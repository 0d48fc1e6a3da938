package org.lrml.ops;

import org.lrml.autograd.Autograd;
import org.lrml.backend.Backend;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Batch normalisation over channels: x (N, C, ...) viewed as (N, C, S), per-channel gamma and beta (C),
 * M = N S values per channel:
 * <pre>
 *   y = gamma[c] (x - mu[c]) / sqrt(var[c] + eps) + beta[c]
 *   TRAINING:  mu, var = batch mean and biased variance of the channel; running statistics (when given)
 *              become r_mu = (1 - momentum) r_mu + momentum mu and
 *              r_var = (1 - momentum) r_var + momentum var M / (M - 1)   (PyTorch: the unbiased variance)
 *   INFERENCE: mu, var = running statistics
 *   FROZEN:    the same arithmetic as INFERENCE, for a network that is otherwise training (retrieval
 *              fine-tuning): statistics are never updated, gamma and beta still receive gradients.
 * </pre>
 * <p>Backward with xhat = (x - mu) invStd, invStd = 1 / sqrt(var + eps):
 * dgamma = sum dy xhat, dbeta = sum dy (over N and S);
 * TRAINING (mu and var depend on x): dx = gamma invStd (dy - dbeta / M - xhat dgamma / M);
 * INFERENCE and FROZEN (they are constants): dx = gamma invStd dy.
 * gamma and beta may be null (no affine part: gamma = 1, beta = 0).
 */
public final class BatchNorm2d {
    /** Where the statistics come from, see the class comment. */
    public enum Mode {
        TRAINING,
        INFERENCE,
        FROZEN
    }

    private BatchNorm2d() {
    }

    public static Tensor apply(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Mode mode,
                               double momentum, double eps) {
        Prepared p = prepare(x, gamma, beta, runningMean, runningVar, mode, momentum, eps);
        Tensor y = Tensor.empty(p.be, x.dtype(), x.shape());
        p.be.batchnorm().channelAffine(x.storage(), p.n, p.c, p.s, p.scale.storage(), p.shift.storage(), y.storage());
        return Autograd.record("batchNorm2d", y, (dy, needs) -> p.backward(x, dy, needs), x, gamma, beta);
    }

    /**
     * relu(batchNorm2d(x)): one pass forward and one backward where the backend fuses them
     * ({@code batchnorm().fusesRelu}: the CPU in float32), else the two ops. The values are the composite's
     * (BatchNormReluTest: bit for bit on the CPU).
     */
    public static Tensor applyRelu(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   Mode mode, double momentum, double eps) {
        Backend be = Kernels.sameBackend("batchNorm2d", x, gamma, beta, runningMean, runningVar);
        if (!be.batchnorm().fusesRelu(x.dtype())) {
            return apply(x, gamma, beta, runningMean, runningVar, mode, momentum, eps).relu();
        }
        Prepared p = prepare(x, gamma, beta, runningMean, runningVar, mode, momentum, eps);
        Tensor y = Tensor.empty(be, x.dtype(), x.shape());
        be.batchnorm().channelAffineRelu(x.storage(), p.n, p.c, p.s, p.scale.storage(), p.shift.storage(), y.storage());
        return Autograd.record("batchNorm2dRelu", y, (dy, needs) -> {
            if (p.training) {
                return p.backwardRelu(x, y, dy, needs);
            }
            // INFERENCE and FROZEN: ReLU's masked gradient, then batch norm's backward as usual.
            return p.backward(x, Kernels.maskedProduct("relu", UnaryOp.GREATER, y, 0, 0, dy), needs);
        }, x, gamma, beta);
    }

    /** The statistics, scale and shift of one call, and the backward rules that read them. */
    private record Prepared(Backend be, int n, int c, int s, boolean training, Tensor mean, Tensor invStd, Tensor g,
                            Tensor scale, Tensor shift) {

        Tensor[] backward(Tensor x, Tensor dy, boolean[] needs) {
            Tensor sumDy = null;
            Tensor sumDyXhat = null;
            if (training || needs[1] || needs[2]) {
                sumDy = Tensor.empty(be, x.dtype(), c);
                sumDyXhat = Tensor.empty(be, x.dtype(), c);
                be.batchnorm().backwardReduce(dy.storage(), x.storage(), mean.storage(), invStd.storage(), n, c, s,
                        sumDy.storage(), sumDyXhat.storage());
            }
            Tensor dx = null;
            if (needs[0]) {
                dx = Tensor.empty(be, x.dtype(), x.shape());
                if (training) {
                    be.batchnorm().backwardInput(dy.storage(), x.storage(), mean.storage(), invStd.storage(),
                            g.storage(), sumDy.storage(), sumDyXhat.storage(), n, c, s, dx.storage());
                } else {
                    Tensor zeros = Tensor.zeros(be, x.dtype(), c);
                    be.batchnorm().channelAffine(dy.storage(), n, c, s, scale.storage(), zeros.storage(), dx.storage());
                }
            }
            return new Tensor[]{dx, needs[1] ? sumDyXhat : null, needs[2] ? sumDy : null};
        }

        /** Training mode's backward of relu(batchNorm2d(x)) with y the ReLU's output. */
        Tensor[] backwardRelu(Tensor x, Tensor y, Tensor dy, boolean[] needs) {
            Tensor sumDy = Tensor.empty(be, x.dtype(), c);
            Tensor sumDyXhat = Tensor.empty(be, x.dtype(), c);
            be.batchnorm().backwardReduceRelu(dy.storage(), y.storage(), x.storage(), mean.storage(), invStd.storage(),
                    n, c, s, sumDy.storage(), sumDyXhat.storage());
            Tensor dx = null;
            if (needs[0]) {
                dx = Tensor.empty(be, x.dtype(), x.shape());
                be.batchnorm().backwardInputRelu(dy.storage(), y.storage(), x.storage(), mean.storage(),
                        invStd.storage(), g.storage(), sumDy.storage(), sumDyXhat.storage(), n, c, s, dx.storage());
            }
            return new Tensor[]{dx, needs[1] ? sumDyXhat : null, needs[2] ? sumDy : null};
        }
    }

    private static Prepared prepare(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                    Mode mode, double momentum, double eps) {
        Backend be = Kernels.sameBackend("batchNorm2d", x, gamma, beta, runningMean, runningVar);
        int[] xs = x.shape();
        if (xs.length < 2) {
            throw new IllegalArgumentException("batchNorm2d: x must be (N, C, ...), got " + Shape.str(xs));
        }
        int n = xs[0];
        int c = xs[1];
        int s = n * c == 0 ? 0 : Math.toIntExact(x.numel() / ((long) n * c));
        long m = (long) n * s;
        for (Tensor t : new Tensor[]{gamma, beta, runningMean, runningVar}) {
            if (t != null && (t.rank() != 1 || t.size(0) != c)) {
                throw new IllegalArgumentException("batchNorm2d: gamma, beta and running statistics must be (" + c
                        + ") for x " + Shape.str(xs) + ", got " + Shape.str(t.shape()));
            }
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm2d: give both running statistics (mean and variance) or"
                    + " neither, got " + (runningMean == null ? "only the variance" : "only the mean"));
        }
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchNorm2d: need eps > 0 and 0 <= momentum <= 1, got eps " + eps
                    + ", momentum " + momentum);
        }
        Tensor mean;
        Tensor var;
        if (mode == Mode.TRAINING) {
            if (m < 2) {
                throw new IllegalArgumentException("batchNorm2d: training mode needs more than one value per channel"
                        + " (x " + Shape.str(xs) + "); use a larger batch, or INFERENCE/FROZEN mode");
            }
            mean = Tensor.empty(be, x.dtype(), c);
            var = Tensor.empty(be, x.dtype(), c);
            be.batchnorm().stats(x.storage(), n, c, s, mean.storage(), var.storage());
            if (runningMean != null) {
                be.elementwise().unary(UnaryOp.AFFINE, runningMean.storage(), runningMean.storage(), 1 - momentum, 0);
                be.elementwise().axpy(momentum, mean.storage(), runningMean.storage());
                be.elementwise().unary(UnaryOp.AFFINE, runningVar.storage(), runningVar.storage(), 1 - momentum, 0);
                be.elementwise().axpy(momentum * m / (m - 1), var.storage(), runningVar.storage());
            }
        } else {
            if (runningMean == null) {
                throw new IllegalArgumentException("batchNorm2d: " + mode + " mode reads the running statistics,"
                        + " but none were given");
            }
            mean = runningMean.detach();
            var = runningVar.detach();
        }
        Tensor invStd = Kernels.unary("batchNorm2d", UnaryOp.AFFINE, var, 1, eps);
        be.elementwise().unary(UnaryOp.SQRT, invStd.storage(), invStd.storage(), 0, 0);
        be.elementwise().unary(UnaryOp.RECIPROCAL, invStd.storage(), invStd.storage(), 0, 0);
        Tensor g = gamma == null ? Tensor.ones(be, x.dtype(), c) : gamma.detach();
        // y = x scale + shift with scale = gamma invStd, shift = beta - mu scale.
        Tensor scale = Kernels.binary("batchNorm2d", org.lrml.backend.BinaryOp.MUL, g, invStd);
        Tensor shift = Kernels.binary("batchNorm2d", org.lrml.backend.BinaryOp.MUL, mean, scale);
        be.elementwise().unary(UnaryOp.NEG, shift.storage(), shift.storage(), 0, 0);
        if (beta != null) {
            be.elementwise().axpy(1.0, beta.storage(), shift.storage());
        }
        return new Prepared(be, n, c, s, mode == Mode.TRAINING, mean, invStd, g, scale, shift);
    }
}
