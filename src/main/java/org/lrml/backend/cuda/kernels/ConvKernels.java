package org.lrml.backend.cuda.kernels;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.ConvProvider;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;

/**
 * Launcher of kernels/conv.cu: convolution as im2col + SGEMM, in chunks of images whose column matrix fits a
 * fixed scratch budget. Default versions: im2col_f32_v1, col2im_f32_v1; the products use {@link GemmKernels}.
 * Letters: K = (cIn / groups) kh kw, P = outH outW, nb images per chunk; per group g the columns are one
 * K x (nb P) matrix, so each pass is one batched GEMM (batch = groups) per chunk:
 * <pre>
 *   forward          Y_g (cOut/groups x nb P) = W_g (cOut/groups x K) col_g        then (cOut, nb, P) -> (nb, cOut, P)
 *   backward data    dcol_g (K x nb P) = W_g^T dY_g                                 then col2im (gather, no atomics)
 *   backward filter  dW_g (cOut/groups x K) += dY_g col_g^T over chunks in order   (beta = 0 for the first)
 * </pre>
 */
public final class ConvKernels implements ConvProvider {
    public static final String STEM = "conv";
    public static final KernelRef IM2COL = KernelRef.of(STEM, "im2col_f32", 1, 1);
    public static final KernelRef COL2IM = KernelRef.of(STEM, "col2im_f32", 1, 1);
    private static final int BLOCK = 256;
    /** Floats of column scratch per chunk (128 MiB); a single image larger than this gets a chunk of its own. */
    static final long COLUMN_BUDGET = 1L << 25;

    private final CudaContext ctx;
    private final GemmKernels gemm;
    private final LayoutKernels layout;

    public ConvKernels(CudaContext ctx, GemmKernels gemm, LayoutKernels layout) {
        this.ctx = ctx;
        this.gemm = gemm;
        this.layout = layout;
    }

    private static long k(ConvGeometry g) {
        return (long) g.cInPerGroup() * g.kh() * g.kw();
    }

    private static long p(ConvGeometry g) {
        return (long) g.outH() * g.outW();
    }

    /** Images per chunk: as many as keep the column matrix within the budget, at least one. */
    static int chunk(ConvGeometry g) {
        long perImage = g.groups() * k(g) * p(g);
        return (int) Math.max(1, Math.min(g.n(), COLUMN_BUDGET / Math.max(1, perImage)));
    }

    private static void check(String pass, ConvGeometry g, Buf x, Buf w, Buf y) {
        checkLengths(pass, g, x, w, y);
        if (p(g) * g.n() > Integer.MAX_VALUE || k(g) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d " + pass + " " + g + ": too large for the built-in kernels");
        }
    }

    /** The three buffers must have exactly the geometry's element counts (every convolution provider checks this). */
    public static void checkLengths(String pass, ConvGeometry g, Buf x, Buf w, Buf y) {
        long nx = (long) g.n() * g.cIn() * g.h() * g.w();
        long nw = (long) g.cOut() * g.cInPerGroup() * g.kh() * g.kw();
        long ny = (long) g.n() * g.cOut() * p(g);
        if (x.length() != nx || w.length() != nw || y.length() != ny) {
            throw new IllegalArgumentException("conv2d " + pass + " " + g + ": expected x " + nx + ", weight " + nw + ", y "
                    + ny + " elements, got " + x + ", " + w + ", " + y);
        }
    }

    @Override
    public void forward(ConvGeometry g, Buf x, Buf w, Buf y) {
        check("forward", g, x, w, y);
        int chunk = chunk(g);
        long kk = k(g);
        long pp = p(g);
        int cog = g.cOutPerGroup();
        try (CudaContext.Scratch colS = ctx.scratch(4L * g.groups() * kk * chunk * pp, "conv2d forward: columns");
             CudaContext.Scratch tmpS = ctx.scratch(4L * g.cOut() * chunk * pp, "conv2d forward: output by channel")) {
            for (int b0 = 0; b0 < g.n(); b0 += chunk) {
                int nb = Math.min(chunk, g.n() - b0);
                int cols = (int) (nb * pp);
                Buf col = colS.floats(g.groups() * kk * cols);
                Buf tmp = tmpS.floats((long) g.cOut() * cols);
                im2col(g, x, col, b0, nb);
                gemm.gemm(new GemmSpec(g.groups(), false, false, cog, cols, (int) kk, 1.0,
                        0, (int) kk, cog * kk, 0, cols, kk * cols, 0.0, 0, cols, (long) cog * cols), w, col, tmp);
                // (cOut, nb, P) -> y[b0 ..] laid out (nb, cOut, P)
                layout.copyStrided(tmp, 0, new long[]{pp, (long) nb * pp, 1}, y, (long) b0 * g.cOut() * pp,
                        new long[]{g.cOut() * pp, pp, 1}, new long[]{nb, g.cOut(), pp});
            }
        }
    }

    @Override
    public void backwardData(ConvGeometry g, Buf dy, Buf w, Buf dx) {
        check("backward data", g, dx, w, dy);
        int chunk = chunk(g);
        long kk = k(g);
        long pp = p(g);
        int cog = g.cOutPerGroup();
        try (CudaContext.Scratch colS = ctx.scratch(4L * g.groups() * kk * chunk * pp, "conv2d backward data: columns");
             CudaContext.Scratch dyS = ctx.scratch(4L * g.cOut() * chunk * pp, "conv2d backward data: dy by channel")) {
            for (int b0 = 0; b0 < g.n(); b0 += chunk) {
                int nb = Math.min(chunk, g.n() - b0);
                int cols = (int) (nb * pp);
                Buf dcol = colS.floats(g.groups() * kk * cols);
                Buf dyT = dyS.floats((long) g.cOut() * cols);
                transposeDy(g, dy, dyT, b0, nb);
                gemm.gemm(new GemmSpec(g.groups(), true, false, (int) kk, cols, cog, 1.0,
                        0, (int) kk, cog * kk, 0, cols, (long) cog * cols, 0.0, 0, cols, kk * cols), w, dyT, dcol);
                col2im(g, dcol, dx, b0, nb);
            }
        }
    }

    @Override
    public void backwardFilter(ConvGeometry g, Buf x, Buf dy, Buf dw) {
        check("backward filter", g, x, dw, dy);
        int chunk = chunk(g);
        long kk = k(g);
        long pp = p(g);
        int cog = g.cOutPerGroup();
        try (CudaContext.Scratch colS = ctx.scratch(4L * g.groups() * kk * chunk * pp, "conv2d backward filter: columns");
             CudaContext.Scratch dyS = ctx.scratch(4L * g.cOut() * chunk * pp, "conv2d backward filter: dy by channel")) {
            for (int b0 = 0; b0 < g.n(); b0 += chunk) {
                int nb = Math.min(chunk, g.n() - b0);
                int cols = (int) (nb * pp);
                Buf col = colS.floats(g.groups() * kk * cols);
                Buf dyT = dyS.floats((long) g.cOut() * cols);
                im2col(g, x, col, b0, nb);
                transposeDy(g, dy, dyT, b0, nb);
                double beta = b0 == 0 ? 0.0 : 1.0;
                gemm.gemm(new GemmSpec(g.groups(), false, true, cog, (int) kk, cols, 1.0,
                        0, cols, (long) cog * cols, 0, cols, kk * cols, beta, 0, (int) kk, cog * kk), dyT, col, dw);
            }
        }
    }

    /** dy[b0 .. b0 + nb] laid out (nb, cOut, P) -> dyT laid out (cOut, nb, P). */
    private void transposeDy(ConvGeometry g, Buf dy, Buf dyT, int b0, int nb) {
        long pp = p(g);
        layout.copyStrided(dy, (long) b0 * g.cOut() * pp, new long[]{pp, g.cOut() * pp, 1}, dyT, 0,
                new long[]{(long) nb * pp, pp, 1}, new long[]{g.cOut(), nb, pp});
    }

    private static KernelArgs shape(ConvGeometry g) {
        return new KernelArgs().structOfInts("s", g.cIn(), g.h(), g.w(), g.groups(), g.cInPerGroup(), g.kh(), g.kw(),
                g.strideH(), g.strideW(), g.padH(), g.padW(), g.dilH(), g.dilW(), g.outH(), g.outW());
    }

    void im2col(ConvGeometry g, Buf x, Buf col, int b0, int nb) {
        KernelArgs args = shape(g).ptr("x", x.address()).ptr("col", col.address()).i64("b0", b0).i64("nb", nb);
        ctx.launch1d(ctx.function(IM2COL), g.groups() * k(g) * nb * p(g), BLOCK, args);
    }

    void col2im(ConvGeometry g, Buf dcol, Buf dx, int b0, int nb) {
        KernelArgs args = shape(g).ptr("dcol", dcol.address()).ptr("dx", dx.address()).i64("b0", b0).i64("nb", nb);
        ctx.launch1d(ctx.function(COL2IM), (long) nb * g.cIn() * g.h() * g.w(), BLOCK, args);
    }
}
