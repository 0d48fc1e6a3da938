package org.lrml.backend.cuda.kernels;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Pool;

/**
 * Launcher of kernels/pool.cu: max and average pooling, forward and gather-form backward, in the full window
 * geometry of {@link PoolGeometry}. Default versions: maxpool2d_fwd_f32_v2, maxpool2d_fwd_idx_f32_v1,
 * maxpool2d_bwd_f32_v2, avgpool2d_fwd_f32_v2, avgpool2d_bwd_f32_v2.
 */
public final class PoolKernels implements Pool {
    public static final String STEM = "pool";
    public static final KernelRef MAX_FORWARD = KernelRef.of(STEM, "maxpool2d_fwd_f32", 2, 2);
    public static final KernelRef MAX_FORWARD_INDICES = KernelRef.of(STEM, "maxpool2d_fwd_idx_f32", 1, 1);
    public static final KernelRef MAX_BACKWARD = KernelRef.of(STEM, "maxpool2d_bwd_f32", 2, 2);
    public static final KernelRef AVG_FORWARD = KernelRef.of(STEM, "avgpool2d_fwd_f32", 2, 2);
    public static final KernelRef AVG_BACKWARD = KernelRef.of(STEM, "avgpool2d_bwd_f32", 2, 2);
    private static final int BLOCK = 256;

    private final CudaContext ctx;

    public PoolKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void maxForward(PoolGeometry g, Storage x, Storage y) {
        maxForward(g, CudaStorage.buf(x), CudaStorage.buf(y));
        CudaStorage.keepReachable(x, y);
    }

    @Override
    public void maxForwardWithIndices(PoolGeometry g, Storage x, Storage y, long[] indices) {
        maxForwardWithIndices(g, CudaStorage.buf(x), CudaStorage.buf(y), indices);
        CudaStorage.keepReachable(x, y);
    }

    @Override
    public void maxBackward(PoolGeometry g, Storage x, Storage dy, Storage dx) {
        maxBackward(g, CudaStorage.buf(x), CudaStorage.buf(dy), CudaStorage.buf(dx));
        CudaStorage.keepReachable(x, dy, dx);
    }

    @Override
    public void avgForward(PoolGeometry g, Storage x, Storage y) {
        avgForward(g, CudaStorage.buf(x), CudaStorage.buf(y));
        CudaStorage.keepReachable(x, y);
    }

    @Override
    public void avgBackward(PoolGeometry g, Storage dy, Storage dx) {
        avgBackward(g, CudaStorage.buf(dy), CudaStorage.buf(dx));
        CudaStorage.keepReachable(dy, dx);
    }

    private static long planes(PoolGeometry g) {
        return (long) g.n() * g.c();
    }

    private static void check(String op, PoolGeometry g, Buf x, Buf y) {
        long nx = planes(g) * g.h() * g.w();
        long ny = planes(g) * g.outH() * g.outW();
        if (x.length() != nx || y.length() != ny) {
            throw new IllegalArgumentException(op + " " + g + ": expected input " + nx + " and output " + ny
                    + " elements, got " + x + " and " + y);
        }
    }

    private static KernelArgs shape(PoolGeometry g) {
        return new KernelArgs().structOfInts("s", g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padTop(),
                g.padLeft(), g.dilH(), g.dilW(), g.outH(), g.outW(), g.h() + g.padBottom(), g.w() + g.padRight(),
                g.countIncludePad() ? 1 : 0);
    }

    public void maxForward(PoolGeometry g, Buf x, Buf y) {
        check("maxPool2d forward", g, x, y);
        ctx.launch1d(ctx.function(MAX_FORWARD), y.length(), BLOCK,
                shape(g).ptr("x", x.address()).ptr("y", y.address()).i64("planes", planes(g)));
    }

    /**
     * The forward with each window's arg-max: the kernel writes plane-local indices (ih w + iw, -1 for an empty
     * window) to scratch; they are downloaded (waiting for the queue) and offset by their plane into flat
     * indices of x.
     */
    public void maxForwardWithIndices(PoolGeometry g, Buf x, Buf y, long[] indices) {
        check("maxPool2d forward with indices", g, x, y);
        if (indices.length != y.length()) {
            throw new IllegalArgumentException("maxPool2d forward with indices " + g + ": " + indices.length
                    + " indices for " + y.length() + " outputs");
        }
        int n = indices.length;
        try (CudaContext.Scratch arg = ctx.scratch(4L * n, "maxPool2d indices: " + n + " window arg-maxima")) {
            ctx.launch1d(ctx.function(MAX_FORWARD_INDICES), y.length(), BLOCK, shape(g).ptr("x", x.address())
                    .ptr("y", y.address()).ptr("arg", arg.address()).i64("planes", planes(g)));
            int[] local = ctx.downloadInts(arg.address(), n, "maxPool2d indices");
            long outPlane = (long) g.outH() * g.outW();
            long inPlane = (long) g.h() * g.w();
            for (int i = 0; i < n; i++) {
                indices[i] = local[i] < 0 ? -1 : i / outPlane * inPlane + local[i];
            }
        }
    }

    public void maxBackward(PoolGeometry g, Buf x, Buf dy, Buf dx) {
        check("maxPool2d backward", g, x, dy);
        check("maxPool2d backward", g, dx, dy);
        ctx.launch1d(ctx.function(MAX_BACKWARD), dx.length(), BLOCK, shape(g).ptr("x", x.address())
                .ptr("dy", dy.address()).ptr("dx", dx.address()).i64("planes", planes(g)));
    }

    public void avgForward(PoolGeometry g, Buf x, Buf y) {
        check("avgPool2d forward", g, x, y);
        ctx.launch1d(ctx.function(AVG_FORWARD), y.length(), BLOCK,
                shape(g).ptr("x", x.address()).ptr("y", y.address()).i64("planes", planes(g)));
    }

    public void avgBackward(PoolGeometry g, Buf dy, Buf dx) {
        check("avgPool2d backward", g, dx, dy);
        ctx.launch1d(ctx.function(AVG_BACKWARD), dx.length(), BLOCK,
                shape(g).ptr("dy", dy.address()).ptr("dx", dx.address()).i64("planes", planes(g)));
    }
}
