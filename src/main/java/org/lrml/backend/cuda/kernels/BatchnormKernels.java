package org.lrml.backend.cuda.kernels;

import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Batchnorm;

/**
 * Launcher of kernels/batchnorm.cu, x viewed as (n, c, s). Default versions: bn_stats_f32_v1,
 * channel_affine_f32_v1, bn_bwd_reduce_f32_v1, bn_bwd_input_f32_v1. Channel reductions use one block per
 * channel with a fixed-order tree.
 */
public final class BatchnormKernels implements Batchnorm {
    public static final String STEM = "batchnorm";
    public static final KernelRef STATS = KernelRef.of(STEM, "bn_stats_f32", 1, 1);
    public static final KernelRef CHANNEL_AFFINE = KernelRef.of(STEM, "channel_affine_f32", 1, 1);
    public static final KernelRef BACKWARD_REDUCE = KernelRef.of(STEM, "bn_bwd_reduce_f32", 1, 1);
    public static final KernelRef BACKWARD_INPUT = KernelRef.of(STEM, "bn_bwd_input_f32", 1, 1);
    private static final int BLOCK = 256;
    private static final int MAX_GRID = 65535;

    private final CudaContext ctx;

    public BatchnormKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void stats(Storage x, int n, int c, int s, Storage mean, Storage var) {
        stats(CudaStorage.buf(x), n, c, s, CudaStorage.buf(mean), CudaStorage.buf(var));
        CudaStorage.keepReachable(x, mean, var);
    }

    @Override
    public void channelAffine(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y) {
        channelAffine(CudaStorage.buf(x), n, c, s, CudaStorage.buf(scale), CudaStorage.buf(shift), CudaStorage.buf(y));
        CudaStorage.keepReachable(x, scale, shift, y);
    }

    @Override
    public void backwardReduce(Storage dy, Storage x, Storage mean, Storage invStd, int n, int c, int s, Storage sumDy, Storage sumDyXhat) {
        backwardReduce(CudaStorage.buf(dy), CudaStorage.buf(x), CudaStorage.buf(mean), CudaStorage.buf(invStd), n, c, s, CudaStorage.buf(sumDy), CudaStorage.buf(sumDyXhat));
        CudaStorage.keepReachable(dy, x, mean, invStd, sumDy, sumDyXhat);
    }

    @Override
    public void backwardInput(Storage dy, Storage x, Storage mean, Storage invStd, Storage gamma, Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx) {
        backwardInput(CudaStorage.buf(dy), CudaStorage.buf(x), CudaStorage.buf(mean), CudaStorage.buf(invStd), CudaStorage.buf(gamma), CudaStorage.buf(sumDy), CudaStorage.buf(sumDyXhat), n, c, s, CudaStorage.buf(dx));
        CudaStorage.keepReachable(dy, x, mean, invStd, gamma, sumDy, sumDyXhat, dx);
    }

    private static void check(String op, long n, long c, long s, Buf x, Buf... perChannel) {
        if (n < 0 || c < 1 || s < 0 || x.length() != n * c * s) {
            throw new IllegalArgumentException(op + ": " + x + " is not (n, c, s) = (" + n + ", " + c + ", " + s + ")");
        }
        for (Buf p : perChannel) {
            if (p.length() != c) {
                throw new IllegalArgumentException(op + ": per-channel buffer " + p + " must hold c = " + c + " values");
            }
        }
    }

    private void perChannel(KernelRef k, long n, long c, long s, KernelArgs args) {
        int block = ReduceKernels.blockFor(n * s);
        ctx.launch(ctx.function(k), (int) Math.min(c, MAX_GRID), 1, 1, block, 1, 1, 0, args);
    }

    public void stats(Buf x, int n, int c, int s, Buf mean, Buf var) {
        check("batchNormStats", n, c, s, x, mean, var);
        if ((long) n * s == 0) {
            throw new IllegalArgumentException("batchNormStats: no elements per channel (n = " + n + ", s = " + s + ")");
        }
        perChannel(STATS, n, c, s, new KernelArgs().ptr("x", x.address()).ptr("mean", mean.address())
                .ptr("var", var.address()).i64("n", n).i64("c", c).i64("s", s));
    }

    public void channelAffine(Buf x, int n, int c, int s, Buf scale, Buf shift, Buf y) {
        check("channelAffine", n, c, s, x, scale, shift);
        check("channelAffine", n, c, s, y);
        ctx.launch1d(ctx.function(CHANNEL_AFFINE), x.length(), BLOCK, new KernelArgs().ptr("x", x.address())
                .ptr("scale", scale.address()).ptr("shift", shift.address()).ptr("y", y.address())
                .i64("n", n).i64("c", c).i64("s", s));
    }

    public void backwardReduce(Buf dy, Buf x, Buf mean, Buf invStd, int n, int c, int s, Buf sumDy, Buf sumDyXhat) {
        check("batchNormBackwardReduce", n, c, s, x, mean, invStd, sumDy, sumDyXhat);
        check("batchNormBackwardReduce", n, c, s, dy);
        perChannel(BACKWARD_REDUCE, n, c, s, new KernelArgs().ptr("dy", dy.address()).ptr("x", x.address())
                .ptr("mean", mean.address()).ptr("invStd", invStd.address()).ptr("sumDy", sumDy.address())
                .ptr("sumDyXhat", sumDyXhat.address()).i64("n", n).i64("c", c).i64("s", s));
    }

    public void backwardInput(Buf dy, Buf x, Buf mean, Buf invStd, Buf gamma, Buf sumDy, Buf sumDyXhat, int n, int c,
                              int s, Buf dx) {
        check("batchNormBackwardInput", n, c, s, x, mean, invStd, gamma, sumDy, sumDyXhat);
        check("batchNormBackwardInput", n, c, s, dy);
        check("batchNormBackwardInput", n, c, s, dx);
        ctx.launch1d(ctx.function(BACKWARD_INPUT), x.length(), BLOCK, new KernelArgs().ptr("dy", dy.address())
                .ptr("x", x.address()).ptr("mean", mean.address()).ptr("invStd", invStd.address())
                .ptr("gamma", gamma.address()).ptr("sumDy", sumDy.address()).ptr("sumDyXhat", sumDyXhat.address())
                .ptr("dx", dx.address()).i64("n", n).i64("c", c).i64("s", s));
    }
}
