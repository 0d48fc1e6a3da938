package org.lrml.backend.cuda.kernels;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Similarity;
import org.lrml.util.Setting;

/**
 * Launcher of kernels/similarity.cu: S = Q G^T (similarity_f32_v1) and its fused ranking (the Similarity family). Default versions:
 * similarity_f32_v1, similarity_topk_f32_v1.
 *
 * <p>similarityRank with k up to {@link #FUSED_MAX_K} (mining asks for a few tens) runs fused: similarity_topk_f32
 * computes S tile by tile and keeps only each row's best k per chunk of columns, then topk_merge_f32 reduces the
 * chunks, so S is never written. Larger k runs blocked: S for a block of rows (all columns, at most
 * {@link #BLOCK_ELEMENTS} elements) by similarity_f32, ranked by the top-k kernels. Both compute each S element
 * with the fma chain of the built-in sgemm_f32_v2, so either equals ranking the SGEMM's product bit for bit.
 */
public final class SimilarityKernels implements Similarity {
    public static final String STEM = "similarity";
    public static final KernelRef SIMILARITY = KernelRef.of(STEM, "similarity_f32", 1, 1);
    public static final KernelRef SIMILARITY_TOPK = KernelRef.of(STEM, "similarity_topk_f32", 1, 1);
    /** Forces the similarityRank path: auto (the default), fused or blocked. */
    public static final String PATH_PROPERTY = "lrml.cuda.similarityRank";
    /** Largest k the fused kernel keeps per row (SIMK_MAX_KC in similarity.cu). */
    public static final int FUSED_MAX_K = 32;
    /** S elements one block of the blocked path may hold (64 MiB of float32). */
    public static final long BLOCK_ELEMENTS = 1L << 24;
    private static final int THREADS = 256;
    private static final int FUSED_ROWS = 32;
    private static final int TILE = 128;
    private static final int MAX_GRID_Y = 65535;
    /** Fused blocks per SM worth aiming for (about 44 KiB of shared memory each). */
    private static final int FUSED_BLOCKS_PER_SM = 4;

    private final CudaContext ctx;
    private final TopKKernels topk;
    /** auto, fused or blocked: read once, when the backend opens. */
    private volatile String path;

    public SimilarityKernels(CudaContext ctx, TopKKernels topk) {
        this.ctx = ctx;
        this.topk = topk;
        this.path = Setting.CUDA_SIMILARITY_RANK.choice("auto", "auto", "fused", "blocked");
    }

    @Override
    public void product(Storage q, Storage g, int rows, int cols, int d, Storage s) {
        if (s.length() != (long) rows * cols) {
            throw new IllegalArgumentException("similarity: S must hold " + rows + " x " + cols + " elements, got " + s);
        }
        similarity(CudaStorage.buf(q), 0, CudaStorage.buf(g), rows, cols, d, CudaStorage.buf(s), 0, cols);
        CudaStorage.keepReachable(q, g, s);
    }

    @Override
    public RankResult rank(RankSpec spec, Storage q, Storage g, int d) {
        RankResult result = similarityRank(spec, CudaStorage.buf(q), CudaStorage.buf(g), d);
        CudaStorage.keepReachable(q, g);
        return result;
    }

    /** "kernels/similarity.cu (similarity_topk_f32_v1 for k &lt;= 32, ...)" for lrml info. */
    public static String describe() {
        return "kernels/similarity.cu " + SIMILARITY_TOPK.entry() + " (k <= " + FUSED_MAX_K + ") / " + SIMILARITY.entry()
                + " + kernels/topk.cu " + TopKKernels.SELECT.entry() + ", " + TopKKernels.MERGE.entry();
    }

    /**
     * S[sOffset + i * ldS + j] = sum_p Q[qOffset + i * d + p] G[j * d + p] for i &lt; rows, j &lt; cols; element for
     * element the value sgemm_f32_v2 computes for Q G^T.
     */
    public void similarity(Buf q, long qOffset, Buf g, int rows, int cols, int d, Buf s, long sOffset, long ldS) {
        if (rows < 0 || cols < 0 || d < 0 || ldS < cols || qOffset < 0 || sOffset < 0) {
            throw new IllegalArgumentException("similarity: bad sizes rows " + rows + ", cols " + cols + ", d " + d
                    + ", ldS " + ldS + ", offsets " + qOffset + ", " + sOffset);
        }
        if (qOffset + (long) rows * d > q.length() || (long) cols * d > g.length()
                || (rows > 0 && sOffset + (rows - 1) * ldS + cols > s.length())) {
            throw new IllegalArgumentException("similarity: " + rows + " x " + cols + " with d = " + d + " needs Q of "
                    + (qOffset + (long) rows * d) + ", G of " + (long) cols * d + " and S of "
                    + (sOffset + Math.max(0, rows - 1) * ldS + cols) + " elements, got " + q + ", " + g + ", " + s);
        }
        for (int r0 = 0; r0 < rows; r0 += MAX_GRID_Y * TILE) {
            int nr = Math.min(MAX_GRID_Y * TILE, rows - r0);
            if (cols == 0) {
                break;
            }
            KernelArgs a = new KernelArgs().ptr("q", q.address() + 4 * (qOffset + (long) r0 * d)).ptr("g", g.address())
                    .i32("rows", nr).i32("cols", cols).i32("d", d).ptr("s", s.address() + 4 * (sOffset + r0 * ldS))
                    .i64("ldS", ldS);
            ctx.launch(ctx.function(SIMILARITY), (cols + TILE - 1) / TILE, (nr + TILE - 1) / TILE, 1, THREADS, 1, 1, 0, a);
        }
    }

    /**
     * The Similarity family's rank: fused for k &lt;= FUSED_MAX_K, blocked otherwise; {@code -D}{@value #PATH_PROPERTY}
     * {@code =fused} or {@code =blocked} forces one (to compare them in benchmarks).
     */
    public RankResult similarityRank(RankSpec spec, Buf q, Buf g, int d) {
        return switch (path) {
            case "auto" -> spec.k() <= FUSED_MAX_K ? similarityRankFused(spec, q, g, d)
                    : similarityRankBlocked(spec, q, g, d, BLOCK_ELEMENTS);
            case "fused" -> similarityRankFused(spec, q, g, d);
            default -> similarityRankBlocked(spec, q, g, d, BLOCK_ELEMENTS);
        };
    }

    /**
     * Takes another path from now on: auto, fused or blocked (a hook for tests and benchmarks on one open backend;
     * everything else sets -Dlrml.cuda.similarityRank before the backend opens).
     */
    public void usePath(String newPath) {
        this.path = checkPath(newPath);
    }

    private static String checkPath(String p) {
        return switch (p) {
            case "auto", "fused", "blocked" -> p;
            default -> throw new IllegalArgumentException("-D" + PATH_PROPERTY + "=" + p + ": expected auto, fused (k <= "
                    + FUSED_MAX_K + ") or blocked");
        };
    }

    /** The fused path (k &lt;= FUSED_MAX_K). */
    public RankResult similarityRankFused(RankSpec spec, Buf q, Buf g, int d) {
        check(spec, q, g, d);
        if (spec.k() > FUSED_MAX_K) {
            throw new IllegalArgumentException("similarityRank: the fused kernel keeps at most " + FUSED_MAX_K
                    + " per row, asked " + spec + "; use the blocked path (-D" + PATH_PROPERTY + "=auto or blocked)");
        }
        int rows = spec.rows();
        int cols = spec.cols();
        int k = spec.k();
        if (rows == 0 || cols == 0) {
            return TopKKernels.empty(spec);
        }
        try (TopKKernels.Job job = topk.new Job(spec)) {
            int sms = Math.max(1, ctx.info().multiprocessors());
            int rowTiles = (rows + FUSED_ROWS - 1) / FUSED_ROWS;
            int colTiles = (cols + TILE - 1) / TILE;
            long target = 2L * sms * FUSED_BLOCKS_PER_SM;
            int chunks = (int) Math.max(1, Math.min(colTiles, (target + rowTiles - 1) / rowTiles));
            int tilesPerChunk = (colTiles + chunks - 1) / chunks;
            chunks = (colTiles + tilesPerChunk - 1) / tilesPerChunk;
            long listLen = (long) chunks * k;
            try (CudaContext.Scratch cand = ctx.scratch(8L * rows * listLen, "similarityRank: " + rows + " rows x "
                         + chunks + " chunks x " + k + " candidate keys")) {
                long items = (long) rowTiles * chunks;
                KernelArgs a = new KernelArgs().ptr("q", q.address()).ptr("g", g.address()).i32("rows", rows)
                        .i32("cols", cols).i32("d", d).i32("tilesPerChunk", tilesPerChunk).i32("chunks", chunks)
                        .i32("largest", spec.largest() ? 1 : 0).i32("kc", k).ptr("rowLabels", job.rowLabelsAt(0))
                        .ptr("colLabels", job.colLabelsAt()).i32("rule", job.rule())
                        .i32("excludeSelf", spec.excludeSelf() ? 1 : 0).i64("selfShift", job.selfShift())
                        .ptr("cand", cand.address());
                int blocks = (int) Math.min(items, (long) sms * FUSED_BLOCKS_PER_SM * 4);
                ctx.launch(ctx.function(SIMILARITY_TOPK), blocks, 1, 1, THREADS, 1, 1, 0, a);
                job.mergeLists(cand.address(), listLen);
            }
            return job.result();
        }
    }

    /** The blocked path, with at most {@code budget} S elements per block (any k). */
    public RankResult similarityRankBlocked(RankSpec spec, Buf q, Buf g, int d, long budget) {
        check(spec, q, g, d);
        if (budget < 1) {
            throw new IllegalArgumentException("similarityRank: block budget must be positive, got " + budget);
        }
        int rows = spec.rows();
        int cols = spec.cols();
        if (rows == 0 || cols == 0) {
            return TopKKernels.empty(spec);
        }
        try (TopKKernels.Job job = topk.new Job(spec)) {
            int rb = (int) Math.max(1, Math.min(rows, budget / Math.max(1, cols)));
            try (CudaContext.Scratch block = ctx.scratch(4L * rb * cols, "similarityRank: an S block of "
                    + rb + " x " + cols)) {
                Buf s = block.floats((long) rb * cols);
                for (int r0 = 0; r0 < rows; r0 += rb) {
                    int nr = Math.min(rb, rows - r0);
                    similarity(q, (long) r0 * d, g, nr, cols, d, s, 0, cols);
                    job.selectRows(s, 0, r0, nr, cols);
                }
            }
            return job.result();
        }
    }

    private static void check(RankSpec spec, Buf q, Buf g, int d) {
        if (d < 0) {
            throw new IllegalArgumentException("similarityRank: negative descriptor length " + d);
        }
        if (q.length() != (long) spec.rows() * d || g.length() != (long) spec.cols() * d) {
            throw new IllegalArgumentException("similarityRank: " + spec + " with D = " + d + " needs Q of "
                    + (long) spec.rows() * d + " and G of " + (long) spec.cols() * d + " elements, got " + q + " and " + g);
        }
    }
}
