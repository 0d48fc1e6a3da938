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
    public static final KernelRef GEM_SUM = KernelRef.of(STEM, "gem_sum_f32", 1, 1);
    public static final KernelRef GEM_SUM_BACKWARD = KernelRef.of(STEM, "gem_sum_bwd_f32", 1, 1);
    private static final int BLOCK = 256;
    private static final int MAX_GRID = 65535;

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

    @Override
    public void gemSum(Storage x, int planes, int hw, Storage p, double eps, Storage t, Storage sums) {
        gemSum(CudaStorage.buf(x), planes, hw, CudaStorage.buf(p), eps, CudaStorage.buf(t), CudaStorage.buf(sums));
        CudaStorage.keepReachable(x, p, t, sums);
    }

    @Override
    public void gemSumBackward(Storage x, Storage t, Storage ds, int planes, int hw, Storage p, double eps,
                               Storage dx, Storage q) {
        gemSumBackward(CudaStorage.buf(x), CudaStorage.buf(t), CudaStorage.buf(ds), planes, hw, CudaStorage.buf(p), eps,
                CudaStorage.buf(dx), CudaStorage.buf(q));
        CudaStorage.keepReachable(x, t, ds, p, dx, q);
    }

    /** One block per plane: t = max(x, eps)^p, sums = each plane's sum of t (fixed-order tree in double). */
    public void gemSum(Buf x, int planes, int hw, Buf p, double eps, Buf t, Buf sums) {
        long n = (long) planes * hw;
        if (x.length() != n || t.length() != n || sums.length() != planes || p.length() != 1) {
            throw new IllegalArgumentException("gemSum: x " + x + ", t " + t + ", sums " + sums + " and p " + p
                    + " do not fit " + planes + " planes of " + hw + " elements");
        }
        if (planes == 0) {
            return;
        }
        ctx.launch(ctx.function(GEM_SUM), (int) Math.min(planes, MAX_GRID), 1, 1, ReduceKernels.blockFor(hw), 1, 1, 0,
                new KernelArgs().ptr("x", x.address()).ptr("p", p.address()).f64("eps", eps).ptr("t", t.address())
                        .ptr("sums", sums.address()).i64("planes", planes).i64("hw", hw));
    }

    /** One thread per element: dx = (ds p) z^(p-1) [eps &lt;= x], q = (ds t) ln z. */
    public void gemSumBackward(Buf x, Buf t, Buf ds, int planes, int hw, Buf p, double eps, Buf dx, Buf q) {
        long n = (long) planes * hw;
        if (x.length() != n || t.length() != n || dx.length() != n || q.length() != n || ds.length() != planes
                || p.length() != 1) {
            throw new IllegalArgumentException("gemSum backward: x " + x + ", t " + t + ", ds " + ds + ", dx " + dx
                    + ", q " + q + " and p " + p + " do not fit " + planes + " planes of " + hw + " elements");
        }
        ctx.launch1d(ctx.function(GEM_SUM_BACKWARD), n, BLOCK, new KernelArgs().ptr("x", x.address())
                .ptr("t", t.address()).ptr("ds", ds.address()).ptr("p", p.address()).f64("eps", eps)
                .ptr("dx", dx.address()).ptr("q", q.address()).i64("planes", planes).i64("hw", hw));
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
