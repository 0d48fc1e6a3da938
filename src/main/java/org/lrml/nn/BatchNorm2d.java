package org.lrml.nn;

import org.lrml.backend.Backends;
import org.lrml.backend.UnaryOp;
import org.lrml.ops.BatchNorm2d.Mode;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * Batch normalisation over the channels of (N, C, H, W) (see {@link org.lrml.ops.BatchNorm2d} for the math).
 * Parameters "weight" (gamma, ones) and "bias" (beta, zeros) unless not affine; buffers "running_mean"
 * (zeros), "running_var" (ones) and "num_batches_tracked" (0), PyTorch's names and starting values.
 *
 * <p>Mode: {@link Mode#TRAINING} while the module trains, {@link Mode#INFERENCE} in evaluation mode, and
 * {@link Mode#FROZEN} after {@link #freeze(boolean) freeze(true)} whatever the training flag says: the running
 * statistics normalise and are never updated, while gamma and beta keep training (retrieval fine-tuning).
 */
public final class BatchNorm2d extends Module {
    private final double eps;
    private final double momentum;
    private final boolean affine;
    private boolean frozen;

    /** eps 1e-5, momentum 0.1, affine: PyTorch's defaults. */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1, true);
    }

    public BatchNorm2d(int channels, double eps, double momentum, boolean affine) {
        if (channels < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: need channels >= 1, eps > 0, 0 <= momentum <= 1; got "
                    + channels + ", " + eps + ", " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            if (affine) {
                registerParameter("weight", Tensor.ones(Backends.defaultBackend(), DType.F32, channels));
                registerParameter("bias", Tensor.zeros(Backends.defaultBackend(), DType.F32, channels));
            }
            registerBuffer("running_mean", Tensor.zeros(Backends.defaultBackend(), DType.F32, channels));
            registerBuffer("running_var", Tensor.ones(Backends.defaultBackend(), DType.F32, channels));
            registerBuffer("num_batches_tracked", Tensor.zeros(Backends.defaultBackend(), DType.F32, 1));
        }
    }

    /** The epsilon added to the variance (an exporter writes it; ONNX BatchNormalization's epsilon). */
    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** Whether gamma ("weight") and beta ("bias") exist. */
    public boolean isAffine() {
        return affine;
    }

    /** Frozen statistics (true) or back to following the training flag (false). */
    public BatchNorm2d freeze(boolean on) {
        frozen = on;
        return this;
    }

    /** The mode the next forward uses. */
    public Mode mode() {
        return frozen ? Mode.FROZEN : isTraining() ? Mode.TRAINING : Mode.INFERENCE;
    }

    @Override
    public Tensor forward(Tensor x) {
        Mode mode = countBatch();
        return org.lrml.ops.BatchNorm2d.apply(x, affine ? param("weight") : null, affine ? param("bias") : null,
                buffer("running_mean"), buffer("running_var"), mode, momentum, eps);
    }

    /**
     * relu(forward(x)) as one op (ops.BatchNorm2d.applyRelu: fused where the backend fuses it, the same values).
     * Bypasses this module's hooks: containers use it only for modules without hooks.
     */
    public Tensor forwardRelu(Tensor x) {
        Mode mode = countBatch();
        return org.lrml.ops.BatchNorm2d.applyRelu(x, affine ? param("weight") : null, affine ? param("bias") : null,
                buffer("running_mean"), buffer("running_var"), mode, momentum, eps);
    }

    /** The mode of this call; in training mode num_batches_tracked counts it. */
    private Mode countBatch() {
        Mode mode = mode();
        if (mode == Mode.TRAINING) {
            Tensor count = buffer("num_batches_tracked");
            count.backend().elementwise().unary(UnaryOp.AFFINE, count.storage(), count.storage(), 1, 1);
        }
        return mode;
    }
}
