package org.lrml.backend;

import org.lrml.backend.family.Batchnorm;
import org.lrml.backend.family.Conv;
import org.lrml.backend.family.Dropout;
import org.lrml.backend.family.Elementwise;
import org.lrml.backend.family.Gemm;
import org.lrml.backend.family.Layout;
import org.lrml.backend.family.Optim;
import org.lrml.backend.family.Pool;
import org.lrml.backend.family.Ranking;
import org.lrml.backend.family.Reduce;
import org.lrml.backend.family.Similarity;
import org.lrml.backend.family.Softmax;
import org.lrml.backend.family.TupleLoss;

/**
 * The narrow seam between the autograd layer and the machines it runs on: memory and device management here,
 * and one accessor per op family ({@link org.lrml.backend.family}), each family an interface that the CPU class
 * ({@code backend/cpu/Cpu<Family>}) and the CUDA launcher ({@code backend/cuda/kernels/<Family>Kernels}, or the
 * vendor library the providers table chose) implement directly. Backends work on flat {@link Storage} buffers;
 * they know nothing of tensors, graphs or gradients (each op's file writes its backward in terms of these
 * primitives), and this package imports nothing above it ({@code ArchitectureTest}). The CPU backend is the
 * executable specification; the CUDA backend must agree with it under the tolerance rule (and bit for bit for
 * selections).
 *
 * <p>Conventions: all buffers are dense and row-major; sizes are elements; the families document the rest.
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

    /** dst[dstOffset + i] = src[srcOffset + i] for i &lt; length; same dtype. */
    void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long length);

    /** dst[i] = (dst.dtype) src[i]; lengths equal, dtypes may differ. */
    void convert(Storage src, Storage dst);

    /** Waits until all queued work has finished (a no-op on the CPU). */
    void synchronize();

    /**
     * A clock on the device's own timeline (CUDA events), for profilers; null where host time is device time.
     *
     * @return the device's clock, or null (the CPU)
     */
    default DeviceClock deviceClock() {
        return null;
    }

    // ---------------------------------------------------------------- op families (org.lrml.backend.family)

    /** unary maps, broadcasting binary maps, axpy. */
    Elementwise elementwise();

    /** sums, means, max and min over axes. */
    Reduce reduce();

    /** strided copies, row gathers and scatter-adds. */
    Layout layout();

    /** batched matrix products. */
    Gemm gemm();

    /** 2-D convolution forward and backward. */
    Conv conv();

    /** max and average pooling forward and backward. */
    Pool pool();

    /** batch-norm statistics, channel affine and backward. */
    Batchnorm batchnorm();

    /** row-wise softmax and log-softmax. */
    Softmax softmax();

    /** counter-based dropout masks. */
    Dropout dropout();

    /** S = Q G^T, alone or fused with top-k. */
    Similarity similarity();

    /** top-k and bottom-k per row. */
    Ranking ranking();

    /** the fused LRML, contrastive and triplet losses with their gradient. */
    TupleLoss tupleLoss();

    /** SGD and Adam steps over all tensors at once. */
    Optim optim();

    /** Releases everything this backend holds (device context, modules, cached memory). */
    @Override
    void close();
}
