package org.lrml.backend.cuda.kernels;

import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Dropout;

/**
 * Launcher of kernels/dropout.cu. Default version: dropout_mask_f32_v1, which computes Rng.uniformAt(seed, i) in
 * the same 64-bit arithmetic as the CPU, so both backends drop the same units for the same seed.
 */
public final class DropoutKernels implements Dropout {
    public static final String STEM = "dropout";
    public static final KernelRef MASK = KernelRef.of(STEM, "dropout_mask_f32", 1, 1);
    private static final int BLOCK = 256;

    private final CudaContext ctx;

    public DropoutKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void mask(long seed, double p, Storage mask) {
        mask(seed, p, CudaStorage.buf(mask));
        CudaStorage.keepReachable(mask);
    }

    /** mask[i] = 1/(1-p) (rounded to float once, here) if uniformAt(seed, i) >= p, else 0. */
    public void mask(long seed, double p, Buf mask) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        }
        float scale = (float) (1.0 / (1.0 - p));
        ctx.launch1d(ctx.function(MASK), mask.length(), BLOCK, new KernelArgs().i64("seed", seed).f64("p", p)
                .f32("scale", scale).ptr("mask", mask.address()).i64("n", mask.length()));
    }
}
