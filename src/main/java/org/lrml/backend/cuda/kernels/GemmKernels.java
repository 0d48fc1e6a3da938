package org.lrml.backend.cuda.kernels;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;

/**
 * Launcher of kernels/gemm.cu, the built-in SGEMM provider. Default version: sgemm_f32_v2 (128x128 tiles, 8x8
 * register blocking); v1 (16x16 tiles) with -Dlrml.cuda.kernel.sgemm_f32=1. Operands are bounds-checked on the
 * host; matrices taller than the grid allows are split into row chunks.
 */
public final class GemmKernels implements GemmProvider {
    public static final String STEM = "gemm";
    public static final KernelRef SGEMM = KernelRef.of(STEM, "sgemm_f32", 2, 1, 2);
    private static final int MAX_GRID_YZ = 65535;

    private final CudaContext ctx;

    public GemmKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** "sgemm_f32_v2 (kernels/gemm.cu)", for lrml info. */
    public static String describe() {
        return SGEMM.entry() + " (kernels/gemm.cu)";
    }

    @Override
    public void gemm(GemmSpec s, Buf a, Buf b, Buf c) {
        check(s, a, b, c);
        if (s.m() == 0 || s.n() == 0) {
            return;
        }
        if (s.batch() > 1 && outputsOverlap(s)) {
            // The z-blocks of one launch run side by side: batches that write the same C would race. Queue them
            // one launch each, in order, on the stream (as the cuBLAS path does).
            for (int bt = 0; bt < s.batch(); bt++) {
                gemm(new GemmSpec(1, s.transA(), s.transB(), s.m(), s.n(), s.k(), s.alpha(), s.aOffset() + bt * s.strideA(),
                        s.lda(), 0, s.bOffset() + bt * s.strideB(), s.ldb(), 0, s.beta(), s.cOffset() + bt * s.strideC(),
                        s.ldc(), 0), a, b, c);
            }
            return;
        }
        int version = ctx.version(SGEMM);
        int tile = version == 1 ? 16 : 128;
        // A grid covers at most 65535 row tiles; taller problems run as row chunks (offsets move down A and C).
        long rowsPerLaunch = (long) MAX_GRID_YZ * tile;
        for (long m0 = 0; m0 < s.m(); m0 += rowsPerLaunch) {
            int mc = (int) Math.min(rowsPerLaunch, s.m() - m0);
            long aShift = s.transA() ? m0 : m0 * s.lda();
            long cShift = m0 * s.ldc();
            launch(version, tile, s, mc, a, s.aOffset() + aShift, b, c, s.cOffset() + cShift);
        }
    }

    /** Whether consecutive batches' C regions (m rows of ldc, the last n wide) share elements. */
    static boolean outputsOverlap(GemmSpec s) {
        return s.strideC() < (long) (s.m() - 1) * s.ldc() + s.n();
    }

    private void launch(int version, int tile, GemmSpec s, int m, Buf a, long aOffset, Buf b, Buf c, long cOffset) {
        KernelArgs args = new KernelArgs().i32("transA", s.transA() ? 1 : 0).i32("transB", s.transB() ? 1 : 0)
                .i32("m", m).i32("n", s.n()).i32("k", s.k()).f32("alpha", (float) s.alpha())
                .ptr("A", a.address()).i64("aOffset", aOffset).i32("lda", s.lda()).i64("strideA", s.strideA())
                .ptr("B", b.address()).i64("bOffset", s.bOffset()).i32("ldb", s.ldb()).i64("strideB", s.strideB())
                .f32("beta", (float) s.beta())
                .ptr("C", c.address()).i64("cOffset", cOffset).i32("ldc", s.ldc()).i64("strideC", s.strideC())
                .i32("batch", s.batch());
        int gx = (s.n() + tile - 1) / tile;
        int gy = (m + tile - 1) / tile;
        int gz = Math.min(s.batch(), MAX_GRID_YZ);
        if (version == 1) {
            ctx.launch(ctx.function(SGEMM), gx, gy, gz, 16, 16, 1, 0, args);
        } else {
            ctx.launch(ctx.function(SGEMM), gx, gy, gz, 256, 1, 1, 0, args);
        }
    }

    /**
     * The elements each operand's last matrix reaches must lie inside its buffer (as CpuGemm.check); every GEMM
     * provider checks this on the host before the device sees the call.
     */
    public static void check(GemmSpec s, Buf a, Buf b, Buf c) {
        long lastA = s.aOffset() + (s.batch() - 1) * s.strideA() + (s.transA()
                ? (long) Math.max(s.k() - 1, 0) * s.lda() + s.m() : (long) Math.max(s.m() - 1, 0) * s.lda() + s.k());
        long lastB = s.bOffset() + (s.batch() - 1) * s.strideB() + (s.transB()
                ? (long) Math.max(s.n() - 1, 0) * s.ldb() + s.k() : (long) Math.max(s.k() - 1, 0) * s.ldb() + s.n());
        long lastC = s.cOffset() + (s.batch() - 1) * s.strideC() + (long) Math.max(s.m() - 1, 0) * s.ldc() + s.n();
        if (lastA > a.length() || lastB > b.length() || lastC > c.length() || s.aOffset() < 0 || s.bOffset() < 0
                || s.cOffset() < 0 || s.strideA() < 0 || s.strideB() < 0 || s.strideC() < 0) {
            throw new IllegalArgumentException("gemm: operands too small for " + s + " (A " + a.length() + ", B "
                    + b.length() + ", C " + c.length() + " elements)");
        }
    }
}
