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
 * Launcher of kernels/pool.cu: max and average pooling, forward and gather-form backward. Default versions:
 * maxpool2d_fwd_f32_v1, maxpool2d_bwd_f32_v1, avgpool2d_fwd_f32_v1, avgpool2d_bwd_f32_v1.
 */
public final class PoolKernels implements Pool {
    public static final String STEM = "pool";
    public static final KernelRef MAX_FORWARD = KernelRef.of(STEM, "maxpool2d_fwd_f32", 1, 1);
    public static final KernelRef MAX_BACKWARD = KernelRef.of(STEM, "maxpool2d_bwd_f32", 1, 1);
    public static final KernelRef AVG_FORWARD = KernelRef.of(STEM, "avgpool2d_fwd_f32", 1, 1);
    public static final KernelRef AVG_BACKWARD = KernelRef.of(STEM, "avgpool2d_bwd_f32", 1, 1);
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
        return new KernelArgs().structOfInts("s", g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padH(),
                g.padW(), g.outH(), g.outW(), g.countIncludePad() ? 1 : 0);
    }

    public void maxForward(PoolGeometry g, Buf x, Buf y) {
        check("maxPool2d forward", g, x, y);
        ctx.launch1d(ctx.function(MAX_FORWARD), y.length(), BLOCK,
                shape(g).ptr("x", x.address()).ptr("y", y.address()).i64("planes", planes(g)));
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
