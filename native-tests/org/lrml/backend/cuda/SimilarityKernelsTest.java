package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.kernels.SimilarityKernels;
import org.lrml.backend.cuda.kernels.TopKKernels;
import org.lrml.mining.Ranking;
import org.lrml.mining.Similarity;
import org.lrml.mining.TupleMiner;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * kernels/similarity.cu: S = Q G^T equals the built-in SGEMM's product bit for bit (and the CPU's within the
 * tolerance rule); the fused similarity + top-k and the blocked path both equal ranking the CUDA SGEMM's S bit for
 * bit (values and indices), for top and bottom, every mask, tied and NaN-bearing descriptors, sizes that leave
 * partial tiles; and against the CPU's similarityRank, values agree within the tolerance rule and indices wherever
 * the CPU's values are not within tolerance of a tie.
 */
@Tag("gpu")
class SimilarityKernelsTest {
    private static Backend cuda;
    private static SimilarityKernels kernels;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
        CudaContext ctx = ((CudaBackend) cuda).context();
        kernels = new SimilarityKernels(ctx, new TopKKernels(ctx));
    }

    /** Descriptors from a few values (exact products, so S holds many exact ties). */
    static float[] tiedDescriptors(Rng rng, int n) {
        float[] v = {-1f, -0.5f, 0f, 0.5f, 1f};
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = v[rng.nextInt(v.length)];
        }
        return f;
    }

    static float[] normal(Rng rng, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rng.nextGaussian();
        }
        return f;
    }

    /** S = Q G^T by the CUDA backend's built-in SGEMM (the kernel similarity.cu must match bit for bit). */
    static Storage gemmS(Storage q, Storage g, int rows, int cols, int d) {
        Storage s = cuda.allocate(DType.F32, (long) rows * cols);
        Builtin.gemm(cuda).gemm(GemmSpec.of(false, true, rows, cols, d), q, g, s);
        return s;
    }

    @Test
    void similarityEqualsTheSgemmBitForBitAndTheCpuWithinTolerance() {
        Rng rng = new Rng(1);
        int[][] sizes = {{131, 67, 259}, {128, 128, 64}, {1, 300, 17}, {257, 1, 33}, {5, 7, 1}, {200, 130, 8},
                {33, 45, 4}, {3, 2, 0}};
        for (int[] s : sizes) {
            int rows = s[0];
            int cols = s[1];
            int d = s[2];
            float[] q = normal(rng, rows * d);
            float[] g = normal(rng, cols * d);
            Storage qs = cuda.upload(q);
            Storage gs = cuda.upload(g);
            float[] viaGemm = Compare.floats(cuda, gemmS(qs, gs, rows, cols, d));
            // Written into the middle of a larger buffer with a padded leading dimension.
            int ld = cols + 3;
            float[] background = Compare.uniform(5, rows * ld + 7, 3, 4);
            Storage out = cuda.upload(background);
            kernels.similarity(CudaStorage.of(qs).buf(), 0, CudaStorage.of(gs).buf(), rows, cols, d,
                    CudaStorage.of(out).buf(), 5, ld);
            float[] all = Compare.floats(cuda, out);
            float[] got = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(all, 5 + i * ld, got, i * cols, cols);
            }
            String what = "similarity " + rows + " x " + cols + " x " + d;
            for (int i = 0; i < all.length; i++) {
                boolean written = i >= 5 && (i - 5) / ld < rows && (i - 5) % ld < cols;
                if (!written) {
                    assertEquals(Float.floatToRawIntBits(background[i]), Float.floatToRawIntBits(all[i]),
                            what + ": element " + i + " outside the output changed");
                }
            }
            if (d == 0) {
                for (float v : got) {
                    assertEquals(0, Float.floatToRawIntBits(v), what + ": an empty dot product is +0");
                }
                continue;
            }
            Compare.identical(what + " versus sgemm", viaGemm, got);
            Storage cpuS = Compare.cpu().allocate(DType.F32, (long) rows * cols);
            Compare.cpu().gemm().gemm(GemmSpec.of(false, true, rows, cols, d), Compare.cpu().upload(q), Compare.cpu().upload(g),
                    cpuS);
            Compare.close(what + " versus the CPU", new int[]{rows, cols}, Compare.values(Compare.cpu(), cpuS),
                    Compare.widen(got));
        }
    }

    /** The fused (k <= 32) or blocked path against ranking the SGEMM's S, bit for bit. */
    private static void assertEqualsRankOfGemm(RankSpec spec, float[] q, float[] g, int d, boolean fused, long budget,
                                               String what) {
        Storage qs = cuda.upload(q);
        Storage gs = cuda.upload(g);
        RankResult expected = cuda.ranking().rank(spec, gemmS(qs, gs, spec.rows(), spec.cols(), d));
        Buf qb = CudaStorage.of(qs).buf();
        Buf gb = CudaStorage.of(gs).buf();
        RankResult actual = fused ? kernels.similarityRankFused(spec, qb, gb, d)
                : kernels.similarityRankBlocked(spec, qb, gb, d, budget);
        TopKKernelsTest.assertIdentical(expected, actual, what + (fused ? " fused " : " blocked ") + spec + ", d = " + d);
    }

    @Test
    void fusedRankingEqualsRankingTheSgemmProduct() {
        Rng rng = new Rng(2);
        int[][] sizes = {{37, 300, 17}, {70, 1000, 64}, {5, 129, 3}, {33, 257, 8}, {1, 5, 1}, {64, 128, 12}};
        for (int[] s : sizes) {
            int rows = s[0];
            int cols = s[1];
            int d = s[2];
            for (boolean tied : new boolean[]{false, true}) {
                float[] q = tied ? tiedDescriptors(rng, rows * d) : normal(rng, rows * d);
                float[] g = tied ? tiedDescriptors(rng, cols * d) : normal(rng, cols * d);
                for (int k : new int[]{1, 5, 32}) {
                    for (boolean largest : new boolean[]{true, false}) {
                        assertEqualsRankOfGemm(RankSpec.of(rows, cols, k, largest), q, g, d, true, 0,
                                tied ? "tied" : "normal");
                    }
                }
            }
        }
    }

    @Test
    void fusedRankingHonoursEveryMaskAndSkipsNaN() {
        Rng rng = new Rng(3);
        int rows = 41;
        int cols = 700;
        int d = 9;
        float[] q = tiedDescriptors(rng, rows * d);
        float[] g = tiedDescriptors(rng, cols * d);
        q[5 * d + 2] = Float.NaN;   // row 5 of S is all NaN: nothing selected
        g[100 * d] = Float.NaN;     // column 100 is NaN in every row
        int[] rl = TopKKernelsTest.labels(rng, rows, 5);
        int[] cl = TopKKernelsTest.labels(rng, cols, 5);
        for (LabelRule rule : LabelRule.values()) {
            for (boolean self : new boolean[]{false, true}) {
                for (long[] off : new long[][]{{0, 0}, {300, 290}}) {
                    RankSpec spec = new RankSpec(rows, cols, 20, rule != LabelRule.SAME, rule == LabelRule.ANY ? null : rl,
                            rule == LabelRule.ANY ? null : cl, rule, self, off[0], off[1]);
                    assertEqualsRankOfGemm(spec, q, g, d, true, 0, "masks");
                }
            }
        }
        RankResult r = kernels.similarityRankFused(RankSpec.of(rows, cols, 3, true), CudaStorage.of(cuda.upload(q)).buf(),
                CudaStorage.of(cuda.upload(g)).buf(), d);
        assertEquals(-1, r.index(5, 0), "a NaN row selects nothing");
        for (long i : r.indices()) {
            assertTrue(i != 100, "the NaN column was selected");
        }
    }

    @Test
    void blockedRankingEqualsRankingTheSgemmProduct() {
        Rng rng = new Rng(4);
        int rows = 45;
        int cols = 1300;
        int d = 13;
        float[] q = normal(rng, rows * d);
        float[] g = tiedDescriptors(rng, cols * d);
        int[] rl = TopKKernelsTest.labels(rng, rows, 3);
        int[] cl = TopKKernelsTest.labels(rng, cols, 3);
        // Budgets from one row per block to all rows in one; k below and above the fused limit and over one pass.
        for (long budget : new long[]{1, 5000, SimilarityKernels.BLOCK_ELEMENTS}) {
            for (int k : new int[]{7, 40, 1100}) {
                assertEqualsRankOfGemm(RankSpec.of(rows, cols, k, true), q, g, d, false, budget, "plain");
                assertEqualsRankOfGemm(new RankSpec(rows, cols, k, false, rl, cl, LabelRule.DIFFERENT, true, 0, 0), q, g,
                        d, false, budget, "masked");
            }
        }
    }

    @Test
    void agreesWithTheCpuWithinToleranceAndOnIndicesAwayFromTies() {
        Rng rng = new Rng(5);
        int rows = 29;
        int cols = 911;
        int d = 67;
        float[] q = normal(rng, rows * d);
        float[] g = normal(rng, cols * d);
        for (int k : new int[]{5, 32, 60}) {
            for (boolean largest : new boolean[]{true, false}) {
                RankSpec spec = RankSpec.of(rows, cols, k, largest);
                RankResult actual = cuda.similarity().rank(spec, cuda.upload(q), cuda.upload(g), d);
                // One more slot from the CPU: the value just outside the list decides whether the last slot is a tie.
                RankResult cpu = Compare.cpu().similarity().rank(RankSpec.of(rows, cols, k + 1, largest),
                        Compare.cpu().upload(q), Compare.cpu().upload(g), d);
                double[] expectedValues = new double[rows * k];
                double[] actualValues = new double[rows * k];
                int checkedIndices = 0;
                for (int r = 0; r < rows; r++) {
                    for (int s = 0; s < k; s++) {
                        double v = cpu.value(r, s);
                        expectedValues[r * k + s] = v;
                        actualValues[r * k + s] = actual.value(r, s);
                        boolean nearTie = (s > 0 && Tolerance.F32.accepts(cpu.value(r, s - 1), v))
                                || Tolerance.F32.accepts(v, cpu.value(r, s + 1));
                        if (!nearTie) {
                            assertEquals(cpu.index(r, s), actual.index(r, s), "row " + r + ", slot " + s + " of " + spec);
                            checkedIndices++;
                        }
                    }
                }
                Compare.close("similarityRank values " + spec, new int[]{rows, k}, expectedValues, actualValues);
                assertTrue(checkedIndices > rows * k / 2, "too few slots away from ties (" + checkedIndices + ") to prove"
                        + " anything for " + spec);
            }
        }
    }

    @Test
    void theRankingApiOnCudaTensorsEqualsRankingTheSimilarityOp() {
        Rng rng = new Rng(6);
        Tensor x = Tensor.of(cuda, normal(rng, 150 * 24), 150, 24);
        int[] labels = TopKKernelsTest.labels(rng, 150, 6);
        for (int k : new int[]{4, 50}) {
            RankResult viaSimilarity = Ranking.top(k).labels(labels, labels, LabelRule.DIFFERENT).excludeSelf()
                    .of(Similarity.apply(x, x));
            RankResult fusedOrBlocked = Ranking.top(k).labels(labels, labels, LabelRule.DIFFERENT).excludeSelf()
                    .similarity(x, x);
            TopKKernelsTest.assertIdentical(viaSimilarity, fusedOrBlocked, "Ranking.similarity k = " + k);
        }
    }

    @Test
    void miningOnCudaEqualsMiningOnTheCpuWhenSimilaritiesAreExact() {
        // Entries from {-1, -0.5, 0, 0.5, 1}: every partial sum of S is exact in float32, so both backends hold the
        // same S (up to the sign of zero, which ranks as a tie either way) and must mine the same tuples.
        Rng rng = new Rng(7);
        int poolSize = 300;
        int d = 6;
        float[] pool = tiedDescriptors(rng, poolSize * d);
        int[] labels = TopKKernelsTest.labels(rng, poolSize, 12);
        int[] poolIndex = new int[poolSize];
        for (int i = 0; i < poolSize; i++) {
            poolIndex[i] = i;
        }
        int[] queryIndex = new int[41];
        float[] queries = new float[queryIndex.length * d];
        for (int i = 0; i < queryIndex.length; i++) {
            queryIndex[i] = 7 * i;
            System.arraycopy(pool, 7 * i * d, queries, i * d, d);
        }
        for (TupleMiner.Config cfg : new TupleMiner.Config[]{TupleMiner.Config.defaults(),
                new TupleMiner.Config(5, TupleMiner.NegativeMode.BOTTOM, TupleMiner.PositiveMode.HARDEST, 4),
                new TupleMiner.Config(11, TupleMiner.NegativeMode.HARDEST, TupleMiner.PositiveMode.HARDEST, 8)}) {
            TupleMiner.Mined cpu = TupleMiner.mine(cfg, Tensor.of(Compare.cpu(), queries, queryIndex.length, d), queryIndex,
                    Tensor.of(Compare.cpu(), pool, poolSize, d), poolIndex, labels, new Rng(9));
            TupleMiner.Mined gpu = TupleMiner.mine(cfg, Tensor.of(cuda, queries, queryIndex.length, d), queryIndex,
                    Tensor.of(cuda, pool, poolSize, d), poolIndex, labels, new Rng(9));
            assertTrue(cpu.tuples().m() > 0, cfg + ": nothing mined, so the comparison would prove nothing");
            assertEquals(cpu.tuples(), gpu.tuples(), cfg.toString());
            assertEquals(cpu.skippedFewNegatives(), gpu.skippedFewNegatives(), cfg.toString());
            assertEquals(cpu.skippedNoPositive(), gpu.skippedNoPositive(), cfg.toString());
        }
    }

    @Test
    void thePathPropertyForcesEitherPath() {
        Rng rng = new Rng(8);
        int rows = 19;
        int cols = 333;
        int d = 5;
        Storage q = cuda.upload(normal(rng, rows * d));
        Storage g = cuda.upload(normal(rng, cols * d));
        RankSpec small = RankSpec.of(rows, cols, 7, true);
        RankResult auto = cuda.similarity().rank(small, q, g, d);
        SimilarityKernels kernels = (SimilarityKernels) cuda.similarity();
        try {
            kernels.usePath("blocked");
            TopKKernelsTest.assertIdentical(auto, cuda.similarity().rank(small, q, g, d), "forced blocked");
            kernels.usePath("fused");
            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                    () -> cuda.similarity().rank(RankSpec.of(rows, cols, 40, true), q, g, d));
            assertTrue(tooMany.getMessage().contains("at most 32"), tooMany.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> kernels.usePath("quick"));
            assertTrue(unknown.getMessage().contains("expected auto, fused (k <= 32) or blocked"), unknown.getMessage());
        } finally {
            kernels.usePath("auto");
        }
    }

    @Test
    void mismatchedOperandsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.similarity().rank(RankSpec.of(3, 4, 2, true), cuda.upload(new float[6]), cuda.upload(new float[7]), 2));
        assertTrue(e.getMessage().contains("needs Q of 6 and G of 8"), e.getMessage());
    }
}
