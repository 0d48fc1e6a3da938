package org.lrml.backend;

import java.util.List;


/**
 * The narrow seam between the autograd layer and the machines it runs on. Backends implement
 * primitives over flat {@link Storage} buffers; they know nothing of tensors, graphs or gradients
 * (each op's file writes its backward in terms of these primitives). The CPU backend is the executable
 * specification; the CUDA backend must agree with it under the tolerance rule (and bit for bit for
 * selections).
 *
 * <p>Conventions: all buffers are dense and row-major; an output buffer is overwritten unless the method
 * says "accumulates"; outputs never alias inputs unless the method says they may; sizes are elements.
 * All storages passed to one call belong to this backend and share one dtype unless stated.
 */
public interface Backend extends AutoCloseable {

    /** Short name used on the command line and in messages: "cpu" or "cuda". */
    String name();

    /** One line for {@code lrml info}: device, providers, versions. */
    String describe();

    /** Whether tensors of this dtype can live here. */
    boolean supports(DType dtype);

    // ---------------------------------------------------------------- memory

    /** A new buffer; contents unspecified. */
    Storage allocate(DType dtype, long length);

    Storage upload(float[] data);

    Storage upload(double[] data);

    /** Copies the whole storage into dst (length must match); F64 storages narrow to float. */
    void download(Storage src, float[] dst);

    /** Copies the whole storage into dst (length must match); F32 storages widen exactly. */
    void download(Storage src, double[] dst);

    void fill(Storage dst, double value);

    /** dst[dstOffset + i] = src[srcOffset + i] for i < length; same dtype. */
    void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long length);

    /** dst[i] = (dst.dtype) src[i]; lengths equal, dtypes may differ. */
    void convert(Storage src, Storage dst);

    /** Waits until all queued work has finished (a no-op on the CPU). */
    void synchronize();

    // ---------------------------------------------------------------- elementwise

    /** y[i] = op(x[i]; p0, p1). y may be x (in place). */
    void unary(UnaryOp op, Storage x, Storage y, double p0, double p1);

    /**
     * out = op(a, b) with broadcasting. All three shapes have the same rank; each dimension of a and b
     * equals the output's or is 1 (the caller pads ranks). out may not alias a or b unless shapes match.
     */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /** y += alpha * x, same length (gradient accumulation, in a fixed order). */
    void axpy(double alpha, Storage x, Storage y);

    // ---------------------------------------------------------------- reductions

    /**
     * out = op over the axes where {@code axes[d]} is true, of x with the given shape; out has the shape
     * with those axes set to 1 (so its length is the product of the kept dims). Sums accumulate in a
     * fixed order per output element (repeatable); MAX/MIN propagate NaN.
     */
    void reduce(ReduceOp op, Storage x, int[] shape, boolean[] axes, Storage out);

    // ---------------------------------------------------------------- layout

    /**
     * Strided copy: for every index tuple i of shape, dst[dstOffset + sum i_d dstStrides_d] =
     * src[srcOffset + sum i_d srcStrides_d]. Permute, slice, concat and broadcast-expand are all this.
     */
    void copyStrided(Storage src, long srcOffset, int[] srcStrides,
                     Storage dst, long dstOffset, int[] dstStrides, int[] shape);

    /** dst row i = src row rows[i]; rows of rowLength elements; every index must be in range. */
    void gatherRows(Storage src, int rowLength, int[] rows, Storage dst);

    /** dst row rows[i] += src row i, applied in increasing i (repeatable); accumulates. */
    void scatterAddRows(Storage src, int rowLength, int[] rows, Storage dst);

    // ---------------------------------------------------------------- dense linear algebra

    /** See {@link GemmSpec}. */
    void gemm(GemmSpec spec, Storage a, Storage b, Storage c);

    // ---------------------------------------------------------------- convolution and pooling (NCHW)

    /** y = conv(x, w), no bias. */
    void conv2dForward(ConvGeometry g, Storage x, Storage w, Storage y);

    /** dx = d conv / dx applied to dy (overwrites dx). */
    void conv2dBackwardData(ConvGeometry g, Storage dy, Storage w, Storage dx);

    /** dw = d conv / dw applied to dy (overwrites dw). */
    void conv2dBackwardFilter(ConvGeometry g, Storage x, Storage dy, Storage dw);

    void maxPool2dForward(PoolGeometry g, Storage x, Storage y);

    /**
     * dx = routing of dy to each window's arg-max (first maximum in row-major window order, the same
     * rule as the forward); windows that overlap sum their contributions in a fixed order.
     */
    void maxPool2dBackward(PoolGeometry g, Storage x, Storage dy, Storage dx);

    void avgPool2dForward(PoolGeometry g, Storage x, Storage y);

    void avgPool2dBackward(PoolGeometry g, Storage dy, Storage dx);

    // ---------------------------------------------------------------- batch normalisation, x viewed as (n, c, s)

    /** Per-channel mean and biased variance over n and s. */
    void batchNormStats(Storage x, int n, int c, int s, Storage mean, Storage var);

    /** y = x * scale[c] + shift[c]. y may be x. */
    void channelAffine(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y);

    /** sumDy[c] = sum dy; sumDyXhat[c] = sum dy * (x - mean[c]) * invStd[c]. */
    void batchNormBackwardReduce(Storage dy, Storage x, Storage mean, Storage invStd, int n, int c, int s,
                                 Storage sumDy, Storage sumDyXhat);

    /**
     * Training-mode input gradient with M = n s:
     * dx = gamma[c] invStd[c] (dy - sumDy[c]/M - xhat sumDyXhat[c]/M), xhat = (x - mean[c]) invStd[c].
     */
    void batchNormBackwardInput(Storage dy, Storage x, Storage mean, Storage invStd, Storage gamma,
                                Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx);

    // ---------------------------------------------------------------- softmax and dropout

    /** Row-wise softmax (or log-softmax) over the last axis of a rows x cols matrix, max-subtracted. */
    void softmax(Storage x, int rows, int cols, boolean log, Storage y);

    /**
     * mask[i] = 1/(1-p) if u(seed, i) >= p else 0, with u a counter-based uniform in [0, 1) that every
     * backend computes identically (so CPU and CUDA drop the same units for the same seed).
     */
    void dropoutMask(long seed, double p, Storage mask);

    // ---------------------------------------------------------------- ranking and tuple losses (LRML core)

    /** Top-k / bottom-k per row of the scores block, see {@link RankSpec}. */
    RankResult rank(RankSpec spec, Storage scores);

    /**
     * Ranking of similarities S = Q G^T (Q: spec.rows x d, G: spec.cols x d) without keeping the whole
     * S; the result equals {@link #rank} of the full product computed by {@link #gemm}.
     */
    RankResult similarityRank(RankSpec spec, Storage q, Storage g, int d);

    /**
     * A tuple loss over descriptors x (n x d, rows used as given) and tuples (m rows of q, p, n_1..n_k),
     * averaged over tuples. Writes dL/dx into dx (overwritten; rows no tuple touches become 0) unless dx is
     * null. Gradient contributions to each row are summed in a fixed order (bit-for-bit repeatable).
     *
     * @return the batch loss
     */
    double tupleLoss(LossSpec spec, Storage x, int n, int d, int[] tuples, int m, int k, Storage dx);

    // ---------------------------------------------------------------- optimiser steps, one call for all tensors

    /**
     * SGD with momentum on each (param, grad, velocity) triple, in place, PyTorch semantics:
     * g = grad + wd[i] param; v = momentum v + (1 - dampening) g (v = g on the first step when
     * {@code firstStep}); step = nesterov ? g + momentum v : v; param -= lr[i] step.
     * velocities may be null when momentum is 0.
     */
    void sgdStep(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd,
                 double momentum, double dampening, boolean nesterov, boolean firstStep);

    /**
     * Adam / AdamW on each tensor, in place, PyTorch semantics with bias correction at step t (1-based).
     * decoupled = false (Adam): g = grad + wd param; decoupled = true (AdamW): param *= 1 - lr wd first.
     */
    void adamStep(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v,
                  double[] lr, double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t);

    /** Releases everything this backend holds (device context, modules, cached memory). */
    @Override
    void close();
}
