package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.util.Rng;

/**
 * Top-k / bottom-k against a full-sort reference (every eligible, non-NaN column sorted by the spec's order),
 * with ties, NaNs, masks, offsets, k from 1 past the eligible count, long segmented rows, and the blocked
 * similarity ranking against the ranking of the full GEMM product. Equality is exact (values and indices).
 */
class CpuRankingTest {

    /** The reference: sort all eligible non-NaN columns of each row, take k, pad with (-1, NaN). */
    static RankResult fullSort(RankSpec spec, double[] s) {
        int k = spec.k();
        double[] values = new double[spec.rows() * k];
        long[] indices = new long[spec.rows() * k];
        for (int r = 0; r < spec.rows(); r++) {
            List<Integer> cand = new ArrayList<>();
            for (int j = 0; j < spec.cols(); j++) {
                double v = s[r * spec.cols() + j];
                if (!Double.isNaN(v) && spec.eligible(r, j)) {
                    cand.add(j);
                }
            }
            final int row = r;
            cand.sort((a, b) -> {
                double va = s[row * spec.cols() + a];
                double vb = s[row * spec.cols() + b];
                if (va != vb) {
                    return spec.largest() ? (va > vb ? -1 : 1) : (va < vb ? -1 : 1);
                }
                return Integer.compare(a, b);
            });
            for (int slot = 0; slot < k; slot++) {
                if (slot < cand.size()) {
                    int j = cand.get(slot);
                    values[r * k + slot] = s[r * spec.cols() + j];
                    indices[r * k + slot] = j + spec.colOffset();
                } else {
                    values[r * k + slot] = Double.NaN;
                    indices[r * k + slot] = -1;
                }
            }
        }
        return new RankResult(spec.rows(), k, values, indices);
    }

    static void assertSame(RankResult expected, RankResult actual, String what) {
        assertEquals(expected.rows(), actual.rows(), what);
        assertEquals(expected.k(), actual.k(), what);
        for (int i = 0; i < expected.indices().length; i++) {
            int row = i / expected.k();
            int slot = i % expected.k();
            if (expected.indices()[i] != actual.indices()[i]
                    || Double.doubleToLongBits(expected.values()[i]) != Double.doubleToLongBits(actual.values()[i])) {
                throw new AssertionError(what + ": row " + row + " slot " + slot + ": expected (" + expected.indices()[i]
                        + ", " + expected.values()[i] + "), got (" + actual.indices()[i] + ", " + actual.values()[i] + ")");
            }
        }
    }

    /** Scores from a few distinct values (many ties), with some NaNs and infinities. */
    static double[] tiedScores(Rng rng, int n, double nanRate) {
        double[] s = new double[n];
        double[] pool = {-2, -0.5, 0.0, -0.0, 0.25, 1, 3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            s[i] = u < nanRate ? Double.NaN : pool[rng.nextInt(pool.length)];
        }
        return s;
    }

    static CpuStorage storage(double[] s, boolean f32) {
        if (!f32) {
            return new CpuStorage(CpuBackend.INSTANCE, s.clone());
        }
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            f[i] = (float) s[i];
        }
        return new CpuStorage(CpuBackend.INSTANCE, f);
    }

    /** Values as the storage holds them (float32 rounded), for the reference. */
    static double[] held(CpuStorage st) {
        double[] d = new double[(int) st.length()];
        for (int i = 0; i < d.length; i++) {
            d[i] = st.get(i);
        }
        return d;
    }

    static int[] labels(Rng rng, int n, int classes) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(classes);
        }
        return l;
    }

    private static void check(RankSpec spec, CpuStorage scores, String what) {
        assertSame(fullSort(spec, held(scores)), CpuRanking.rank(spec, scores), what + " " + spec);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,7,1", "5,17,17", "4,9,30", "37,129,5", "130,33,8", "2,1000,100", "9,4099,1024"})
    void tiesAndNansMatchFullSort(int rows, int cols, int k) {
        Rng rng = new Rng(rows * 1000L + cols);
        for (boolean f32 : new boolean[]{true, false}) {
            for (boolean largest : new boolean[]{true, false}) {
                CpuStorage s = storage(tiedScores(rng, rows * cols, 0.1), f32);
                check(RankSpec.of(rows, cols, k, largest), s, (f32 ? "f32 " : "f64 ") + "ties");
            }
        }
    }

    @Test
    void randomContinuousScoresMatchFullSort() {
        Rng rng = new Rng(7);
        for (int trial = 0; trial < 40; trial++) {
            int rows = 1 + rng.nextInt(20);
            int cols = 1 + rng.nextInt(300);
            int k = 1 + rng.nextInt(cols + 5);
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextGaussian();
            }
            check(RankSpec.of(rows, cols, k, rng.nextDouble() < 0.5), storage(v, trial % 2 == 0), "trial " + trial);
        }
    }

    @Test
    void kOneKEqualsColsAndKBeyondEligible() {
        Rng rng = new Rng(11);
        int rows = 6;
        int cols = 13;
        CpuStorage s = storage(tiedScores(rng, rows * cols, 0.3), false);
        for (int k : new int[]{1, cols, cols + 7}) {
            check(RankSpec.of(rows, cols, k, true), s, "k=" + k);
            check(RankSpec.of(rows, cols, k, false), s, "k=" + k);
        }
        // A row of only NaNs has no eligible column: every slot is empty.
        double[] nan = new double[cols];
        Arrays.fill(nan, Double.NaN);
        RankResult r = CpuRanking.rank(RankSpec.of(1, cols, 3, true), storage(nan, true));
        assertArrayEquals(new long[]{-1, -1, -1}, r.indices());
        assertTrue(Double.isNaN(r.value(0, 0)) && Double.isNaN(r.value(0, 2)));
    }

    @Test
    void tiesGoToTheLowerColumnAndZeroSignsTie() {
        double[] s = {1, 2, 2, -0.0, 0.0, 2, Double.NaN, 1};
        RankResult top = CpuRanking.rank(RankSpec.of(1, 8, 5, true), storage(s, false));
        assertArrayEquals(new long[]{1, 2, 5, 0, 7}, top.indices());
        RankResult bottom = CpuRanking.rank(RankSpec.of(1, 8, 4, false), storage(s, false));
        assertArrayEquals(new long[]{3, 4, 0, 7}, bottom.indices());
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(bottom.value(0, 0)), "values keep their sign");
    }

    @Test
    void everyRuleAndExcludeSelfWithOffsets() {
        Rng rng = new Rng(13);
        int rows = 23;
        int cols = 41;
        int[] rl = labels(rng, rows, 4);
        int[] cl = labels(rng, cols, 4);
        CpuStorage s = storage(tiedScores(rng, rows * cols, 0.05), true);
        for (LabelRule rule : LabelRule.values()) {
            for (boolean self : new boolean[]{false, true}) {
                for (long[] off : new long[][]{{0, 0}, {10, 0}, {0, 7}, {30, 12}, {100, 1000}}) {
                    for (boolean largest : new boolean[]{true, false}) {
                        RankSpec spec = new RankSpec(rows, cols, 6, largest, rule == LabelRule.ANY ? null : rl,
                                rule == LabelRule.ANY ? null : cl, rule, self, off[0], off[1]);
                        check(spec, s, "masks");
                    }
                }
            }
        }
        // Excluding self really removes the diagonal of a square block (top-1 would otherwise be it).
        double[] eye = new double[25];
        for (int i = 0; i < 5; i++) {
            eye[i * 5 + i] = 10;
        }
        RankResult r = CpuRanking.rank(new RankSpec(5, 5, 1, true, null, null, LabelRule.ANY, true, 0, 0), storage(eye, false));
        for (int i = 0; i < 5; i++) {
            assertTrue(r.index(i, 0) != i && r.value(i, 0) == 0, "row " + i + " selected itself");
        }
    }

    @Test
    void longRowsSplitIntoSegmentsMatchFullSort() {
        Rng rng = new Rng(17);
        int cols = 2 * CpuRanking.SEGMENT + 12_345;
        CpuStorage s = storage(tiedScores(rng, 3 * cols, 0.01), true);
        int[] rl = labels(rng, 3, 3);
        int[] cl = labels(rng, cols, 3);
        for (int k : new int[]{1, 100, 1024, 1500}) {
            check(RankSpec.of(3, cols, k, k % 2 == 0), s, "segmented k=" + k);
        }
        check(new RankSpec(3, cols, 300, true, rl, cl, LabelRule.DIFFERENT, true, 5, 3), s, "segmented masks");
    }

    @Test
    void aRowOfAMillionColumnsWithK1024() {
        Rng rng = new Rng(19);
        int cols = 1_000_003;
        double[] v = new double[cols];
        for (int i = 0; i < cols; i++) {
            v[i] = rng.nextInt(5000) * 0.25;
        }
        check(RankSpec.of(1, cols, 1024, true), storage(v, true), "1M columns");
    }

    @Test
    void threadsAndRowSplitsDoNotChangeTheResult() {
        // The same ranking computed inside a worker runs every loop inline (one thread).
        Rng rng = new Rng(23);
        int rows = 200;
        int cols = 777;
        CpuStorage s = storage(tiedScores(rng, rows * cols, 0.05), true);
        RankSpec spec = RankSpec.of(rows, cols, 50, true);
        RankResult parallel = CpuRanking.rank(spec, s);
        RankResult[] inline = new RankResult[1];
        CpuParallel.forChunks(2, c -> {
            if (c == 0) {
                inline[0] = CpuRanking.rank(spec, s);
            }
        });
        assertSame(parallel, inline[0], "inline vs parallel");
    }

    // ------------------------------------------------------------------ blocked similarity ranking

    /** Q and G with small integer entries (exact products, many tied similarities) or normal entries. */
    static CpuStorage descriptors(Rng rng, int n, int d, boolean integers, boolean f32) {
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = integers ? rng.nextInt(3) - 1 : rng.nextGaussian();
        }
        return storage(v, f32);
    }

    static CpuStorage fullProduct(CpuStorage q, CpuStorage g, int rows, int cols, int d) {
        CpuStorage s = q.isF32() ? new CpuStorage(CpuBackend.INSTANCE, new float[rows * cols])
                : new CpuStorage(CpuBackend.INSTANCE, new double[rows * cols]);
        CpuGemm.gemm(GemmSpec.of(false, true, rows, cols, d), q, g, s);
        return s;
    }

    @ParameterizedTest
    @CsvSource({"7,300,5,10,37", "7,300,5,10,500", "33,517,16,20,1000", "3,2000,7,64,256", "61,130,3,200,100000",
            "1,1,1,1,1", "20,50,8,1,1"})
    void blockedSimilarityRankEqualsRankOfFullProduct(int rows, int cols, int d, int k, int budget) {
        Rng rng = new Rng(rows * 31L + cols);
        int[] rl = labels(rng, rows, 3);
        int[] cl = labels(rng, cols, 3);
        for (boolean f32 : new boolean[]{true, false}) {
            for (boolean integers : new boolean[]{true, false}) {
                CpuStorage q = descriptors(rng, rows, d, integers, f32);
                CpuStorage g = descriptors(rng, cols, d, integers, f32);
                CpuStorage full = fullProduct(q, g, rows, cols, d);
                for (RankSpec spec : new RankSpec[]{
                        RankSpec.of(rows, cols, k, true),
                        RankSpec.of(rows, cols, k, false),
                        new RankSpec(rows, cols, k, true, rl, cl, LabelRule.SAME, true, 0, 0),
                        new RankSpec(rows, cols, k, false, rl, cl, LabelRule.DIFFERENT, true, 3, 1)}) {
                    String what = "blocked (budget " + budget + ", " + (f32 ? "f32" : "f64")
                            + (integers ? ", tied" : "") + ") " + spec;
                    assertSame(CpuRanking.rank(spec, full), CpuRanking.similarityRank(spec, q, g, d, budget), what);
                }
            }
        }
    }

    @Test
    void defaultBudgetAndWrongSizesAreReported() {
        Rng rng = new Rng(29);
        CpuStorage q = descriptors(rng, 5, 4, false, true);
        CpuStorage g = descriptors(rng, 9, 4, false, true);
        RankSpec spec = RankSpec.of(5, 9, 3, true);
        assertSame(CpuRanking.rank(spec, fullProduct(q, g, 5, 9, 4)), CpuRanking.similarityRank(spec, q, g, 4), "default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuRanking.similarityRank(spec, q, g, 5));
        assertTrue(e.getMessage().contains("similarityRank") && e.getMessage().contains("D = 5"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> CpuRanking.rank(RankSpec.of(5, 10, 3, true), q));
        assertTrue(e2.getMessage().contains("needs a score block of 50"), e2.getMessage());
    }
}
