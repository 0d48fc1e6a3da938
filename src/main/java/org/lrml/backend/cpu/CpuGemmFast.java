package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;
import org.lrml.util.Setting;

/**
 * Float32 GEMM fast path, organised like BLIS/GotoBLAS: op(A) and op(B) are packed into micro-panels
 * (MR rows of A interleaved along k; NR columns of B interleaved along k, both zero-padded at the edges),
 * then a register-blocked micro-kernel ({@link CpuGemmVector}, or {@link #scalarKernel} without the Vector
 * API) computes MR x NR tiles of C, tiles grouped into MC x NC blocks that threads take in parallel.
 *
 * <p><b>Contract the rest of the engine relies on.</b> The value of C[i][j] depends only on row i of
 * op(A), column j of op(B), k, alpha, beta and C[i][j]: k is cut into blocks of {@value #KC} from 0
 * (boundaries that depend on k alone); within a block the products are folded in increasing k by fused
 * multiply-adds starting from 0; the block sums are applied in increasing block order as
 * C = fma(blockSum, alpha, base), base = beta C (or 0 when beta = 0) for the first block and C after. So the
 * result is bit-for-bit the same for any thread count, any partition of rows or columns, and any column
 * block of a larger product (a blocked similarity computation equals the full one), and the vector and
 * scalar kernels agree bit for bit.
 */
final class CpuGemmFast {
    /** k block: an A micro-panel (KC x MR floats, 8 KiB) stays in L1 while B micro-panels (32 KiB each) stream from L2. */
    static final int KC = 256;
    private static final boolean VECTOR = probeVector();
    /** The tile shape; the scalar kernel uses the AVX-512 shape (the values do not depend on it). */
    static final int MR = VECTOR ? CpuGemmVector.MR : 8;
    static final int NR = VECTOR ? CpuGemmVector.NR : 32;
    /**
     * Rows and columns of C per parallel block (multiples of MR and NR). Within a block, each k block runs the A
     * micro-panels in the outer loop (one stays in L1 while the block's KC x NC slice of B, 512 KiB, streams from L2)
     * and the B micro-panels inside. Measured against the earlier 64 x 256 blocks with B micro-panels outside, both
     * in one JVM, alternating, 2 threads: 274 -> 305 GFLOP/s at n = 1024, 288 -> 325 at 2048, 303 -> 329 at 4096
     * (docs/cpu-perf.md). The values do not depend on the blocking (see the contract above).
     */
    private static final int MC = 16 * MR;
    private static final int NC = 16 * NR;
    /** Below this many multiply-adds a product runs on the calling thread (a fork costs more). */
    private static final long SERIAL_FMAS = 1L << 18;
    /** Packed A and packed B. */
    private static final CpuScratch BUFFERS = new CpuScratch(2);

    private CpuGemmFast() {
    }

    /** The Vector API kernel unless -Dlrml.cpu.vector=false or the module is missing. */
    private static boolean probeVector() {
        if (!Setting.CPU_VECTOR.booleanValue(true)) {
            return false;
        }
        try {
            return CpuGemmVector.NR > 0;
        } catch (LinkageError e) {
            // jdk.incubator.vector is not in the module graph: the scalar kernel computes the same values.
            return false;
        }
    }

    /** Which kernel serves float32 products here (printed by {@code lrml info}). */
    static String describe() {
        return VECTOR ? "packed " + CpuGemmVector.describe() + ", KC " + KC
                : "packed scalar " + MR + "x" + NR + " FMA kernel (slow: jdk.incubator.vector is not loaded; run"
                + " java with --add-modules jdk.incubator.vector)";
    }

    static boolean vectorActive() {
        return VECTOR;
    }

    static void gemm(GemmSpec s, float[] a, float[] b, float[] c) {
        gemm(s, a, b, c, VECTOR, true);
    }

    /**
     * As {@link #gemm(GemmSpec, float[], float[], float[])} with the kernel chosen and threads allowed or not
     * (tests compare the combinations bit for bit).
     */
    static void gemm(GemmSpec s, float[] a, float[] b, float[] c, boolean vector, boolean threads) {
        if (vector && !VECTOR) {
            throw new IllegalStateException("gemm: the Vector API kernel is not available in this JVM");
        }
        if (s.m() == 0 || s.n() == 0) {
            return;
        }
        long fmas = (long) s.m() * s.n() * Math.max(1, s.k());
        if (threads && s.batch() > 1 && fmas * s.batch() >= SERIAL_FMAS && fmas < 64 * SERIAL_FMAS) {
            // Many small products: one per task, each on one thread with its own buffers.
            CpuParallel.forChunks(s.batch(), bt -> one(s, bt, a, b, c, vector, false, null, false));
        } else {
            // A shared by every product (stride 0, as a convolution's weights over a batch of images) is packed
            // once: packing an O x C weight matrix per image can cost as much as a small image's product.
            boolean sharedA = s.batch() > 1 && s.strideA() == 0 && s.k() > 0;
            float[] ap = sharedA ? BUFFERS.get(0, (s.m() + MR - 1) / MR * MR * s.k()) : null;
            for (int bt = 0; bt < s.batch(); bt++) {
                one(s, bt, a, b, c, vector, threads && fmas >= SERIAL_FMAS, ap, sharedA && bt > 0);
            }
        }
    }

    /**
     * One product of the batch. packedA: a buffer for the packed op(A) (null: this thread's scratch); aPacked: it
     * already holds op(A) from the batch's previous product (A shared), so it is not packed again.
     */
    private static void one(GemmSpec s, int bt, float[] a, float[] b, float[] c, boolean vector, boolean parallel,
                            float[] packedA, boolean aPacked) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int ao = Math.toIntExact(s.aOffset() + bt * s.strideA());
        int bo = Math.toIntExact(s.bOffset() + bt * s.strideB());
        int co = Math.toIntExact(s.cOffset() + bt * s.strideC());
        float alpha = (float) s.alpha();
        float beta = (float) s.beta();
        int ldc = s.ldc();
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = co + i * ldc + j;
                    c[ci] = beta == 0f ? 0f : beta * c[ci];
                }
            }
            return;
        }
        int mPanels = (m + MR - 1) / MR;
        int nPanels = (n + NR - 1) / NR;
        int mPad = mPanels * MR;
        int nPad = nPanels * NR;
        float[] ap = packedA != null ? packedA : BUFFERS.get(0, mPad * k);
        float[] bp = BUFFERS.get(1, nPad * k);
        boolean transA = s.transA();
        boolean transB = s.transB();
        int lda = s.lda();
        int ldb = s.ldb();

        int aGroups = (mPanels + 7) / 8;
        int bGroups = (nPanels + 7) / 8;
        java.util.function.IntConsumer pack = g -> {
            if (g < aGroups) {
                if (aPacked) {
                    return;
                }
                for (int pnl = g * 8; pnl < Math.min(mPanels, g * 8 + 8); pnl++) {
                    packA(a, ao, lda, transA, m, k, pnl, mPad, ap);
                }
            } else {
                int h = g - aGroups;
                for (int pnl = h * 8; pnl < Math.min(nPanels, h * 8 + 8); pnl++) {
                    packB(b, bo, ldb, transB, n, k, pnl, nPad, bp);
                }
            }
        };
        int mBlocks = (m + MC - 1) / MC;
        int nBlocks = (n + NC - 1) / NC;
        java.util.function.IntConsumer compute = blk -> {
            int i0 = (blk % mBlocks) * MC;
            int j0 = (blk / mBlocks) * NC;
            block(ap, mPad, bp, nPad, c, co, ldc, m, n, k, i0, Math.min(m, i0 + MC), j0, Math.min(n, j0 + NC),
                    alpha, beta, vector);
        };
        if (parallel) {
            CpuParallel.forChunks(aGroups + bGroups, pack);
            CpuParallel.forChunks(mBlocks * nBlocks, compute);
        } else {
            for (int g = 0; g < aGroups + bGroups; g++) {
                pack.accept(g);
            }
            for (int blk = 0; blk < mBlocks * nBlocks; blk++) {
                compute.accept(blk);
            }
        }
    }

    /**
     * Packs rows [pnl MR, pnl MR + MR) of op(A) for every k block: block p0 starts at mPad p0, the panel at
     * pnl MR kc within it, element (r, p) at p MR + r. Rows past m are zero.
     */
    static void packA(float[] a, int ao, int lda, boolean transA, int m, int k, int pnl, int mPad, float[] ap) {
        int i0 = pnl * MR;
        int rows = Math.min(MR, m - i0);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            int dst = mPad * p0 + i0 * kc;
            if (transA) {
                // Stored k x m: each k gives MR contiguous rows.
                for (int p = 0; p < kc; p++) {
                    int src = ao + (p0 + p) * lda + i0;
                    int d = dst + p * MR;
                    for (int r = 0; r < rows; r++) {
                        ap[d + r] = a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        ap[d + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < rows) {
                        int src = ao + (i0 + r) * lda + p0;
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs columns [pnl NR, pnl NR + NR) of op(B) for every k block: block p0 starts at nPad p0, the panel
     * at pnl NR kc within it, element (p, j) at p NR + j. Columns past n are zero.
     */
    static void packB(float[] b, int bo, int ldb, boolean transB, int n, int k, int pnl, int nPad, float[] bp) {
        int j0 = pnl * NR;
        int cols = Math.min(NR, n - j0);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            int dst = nPad * p0 + j0 * kc;
            if (transB) {
                // Stored n x k: column j of op(B) is row j, contiguous along k.
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bo + (j0 + j) * ldb + p0;
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR + j] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR + j] = 0f;
                        }
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bo + (p0 + p) * ldb + j0;
                    int d = dst + p * NR;
                    System.arraycopy(b, src, bp, d, cols);
                    for (int j = cols; j < NR; j++) {
                        bp[d + j] = 0f;
                    }
                }
            }
        }
    }

    /** C rows [i0, i1) x columns [j0, j1) for all k: the unit of parallel work. */
    private static void block(float[] ap, int mPad, float[] bp, int nPad, float[] c, int co, int ldc, int m, int n,
                              int k, int i0, int i1, int j0, int j1, float alpha, float beta, boolean vector) {
        float[] edge = new float[MR * NR];
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean first = p0 == 0;
            for (int i = i0; i < i1; i += MR) {
                int aOff = mPad * p0 + i * kc;
                int mr = Math.min(MR, m - i);
                for (int j = j0; j < j1; j += NR) {
                    int bOff = nPad * p0 + j * kc;
                    int nr = Math.min(NR, n - j);
                    int cOff = co + i * ldc + j;
                    if (vector) {
                        CpuGemmVector.kernel(kc, ap, aOff, bp, bOff, c, cOff, ldc, mr, nr, alpha, beta, first, edge);
                    } else {
                        scalarKernel(kc, ap, aOff, bp, bOff, c, cOff, ldc, mr, nr, alpha, beta, first, edge);
                    }
                }
            }
        }
    }

    /** The micro-kernel without the Vector API: the same fused multiply-adds in the same order, lane by lane. */
    static void scalarKernel(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                             int mr, int nr, float alpha, float beta, boolean first, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            for (int r = 0; r < mr; r++) {
                float av = a[ai + r];
                int row = r * NR;
                for (int j = 0; j < nr; j++) {
                    acc[row + j] = Math.fma(av, b[bi + j], acc[row + j]);
                }
            }
        }
        storeTile(acc, NR, c, co, ldc, mr, nr, alpha, beta, first);
    }

    /** C = fma(acc, alpha, base) for the mr x nr corner of an accumulator tile (row stride accStride). */
    static void storeTile(float[] acc, int accStride, float[] c, int co, int ldc, int mr, int nr, float alpha,
                          float beta, boolean first) {
        for (int r = 0; r < mr; r++) {
            int ci = co + r * ldc;
            int ai = r * accStride;
            for (int j = 0; j < nr; j++) {
                float base = first ? (beta == 0f ? 0f : beta * c[ci + j]) : c[ci + j];
                c[ci + j] = Math.fma(acc[ai + j], alpha, base);
            }
        }
    }
}
