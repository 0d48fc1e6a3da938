package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrml.backend.Backend;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.util.Rng;

/**
 * kernels/topk.cu against the CPU's CpuRanking, bit for bit (values and indices): many ties (signed zeros,
 * infinities), NaNs, k = 1, k = cols, k beyond the eligible count, k over one pass (1024), every label rule with
 * exclude-self and offsets, top and bottom, rows long enough to be cut into segments (10^5 and 10^6 columns).
 */
@Tag("gpu")
class TopKKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    /** Both backends' ranking of the same float32 scores must be identical. */
    static void assertSameOnBoth(RankSpec spec, float[] scores, String what) {
        RankResult expected = Compare.cpu().ranking().rank(spec, Compare.cpu().upload(scores));
        RankResult actual = cuda.ranking().rank(spec, cuda.upload(scores));
        assertIdentical(expected, actual, what + " " + spec);
    }

    /** Values (bit patterns; NaN matches NaN) and indices equal; the expected result must select something. */
    static void assertIdentical(RankResult expected, RankResult actual, String what) {
        assertEquals(expected.rows(), actual.rows(), what + ": rows");
        assertEquals(expected.k(), actual.k(), what + ": k");
        boolean selected = false;
        for (int i = 0; i < expected.indices().length; i++) {
            selected |= expected.indices()[i] >= 0;
            if (expected.indices()[i] != actual.indices()[i]
                    || Double.doubleToLongBits(expected.values()[i]) != Double.doubleToLongBits(actual.values()[i])) {
                throw new AssertionError(what + ": row " + i / expected.k() + ", slot " + i % expected.k()
                        + ": expected (column " + expected.indices()[i] + ", value " + expected.values()[i]
                        + "), got (column " + actual.indices()[i] + ", value " + actual.values()[i] + ")");
            }
        }
        if (expected.indices().length > 0 && !selected) {
            throw new AssertionError(what + ": the expected ranking selects nothing, so the comparison would prove"
                    + " nothing");
        }
    }

    /** Scores drawn from a few values (many exact ties, both zeros, infinities), with NaNs at the given rate. */
    static float[] tied(Rng rng, int n, double nanRate) {
        float[] pool = {-2f, -0.5f, 0f, -0f, 0.25f, 1f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = rng.nextDouble() < nanRate ? Float.NaN : pool[rng.nextInt(pool.length)];
        }
        return s;
    }

    static float[] gaussian(Rng rng, int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) rng.nextGaussian();
        }
        return s;
    }

    static int[] labels(Rng rng, int n, int classes) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(classes);
        }
        return l;
    }

    @ParameterizedTest(name = "{0} x {1}, k = {2}")
    @CsvSource({"1,1,1", "3,7,1", "5,17,17", "4,9,30", "37,129,5", "130,33,8", "2,1000,100", "9,4099,1024",
            "3,2500,1500", "300,5,3"})
    void tiesNansAndInfinitiesMatchTheCpu(int rows, int cols, int k) {
        Rng rng = new Rng(rows * 1000L + cols);
        for (boolean largest : new boolean[]{true, false}) {
            assertSameOnBoth(RankSpec.of(rows, cols, k, largest), tied(rng, rows * cols, 0.1), "ties");
        }
    }

    @Test
    void randomContinuousScoresMatchTheCpu() {
        Rng rng = new Rng(7);
        for (int trial = 0; trial < 25; trial++) {
            int rows = 1 + rng.nextInt(20);
            int cols = 1 + rng.nextInt(3000);
            int k = 1 + rng.nextInt(Math.min(cols + 5, 1200));
            assertSameOnBoth(RankSpec.of(rows, cols, k, rng.nextDouble() < 0.5), gaussian(rng, rows * cols),
                    "trial " + trial);
        }
    }

    @Test
    void everyLabelRuleWithExcludeSelfAndOffsets() {
        Rng rng = new Rng(11);
        int rows = 23;
        int cols = 517;
        float[] s = tied(rng, rows * cols, 0.05);
        int[] rl = labels(rng, rows, 4);
        int[] cl = labels(rng, cols, 4);
        for (LabelRule rule : LabelRule.values()) {
            for (boolean self : new boolean[]{false, true}) {
                for (long[] off : new long[][]{{0, 0}, {100, 90}, {7, 0}, {0, 3}}) {
                    for (int k : new int[]{1, 6, 200}) {
                        for (boolean largest : new boolean[]{true, false}) {
                            RankSpec spec = new RankSpec(rows, cols, k, largest, rule == LabelRule.ANY ? null : rl,
                                    rule == LabelRule.ANY ? null : cl, rule, self, off[0], off[1]);
                            assertSameOnBoth(spec, s, "masks");
                        }
                    }
                }
            }
        }
    }

    @Test
    void kOneKEqualsColsAndKBeyondTheEligibleCount() {
        Rng rng = new Rng(13);
        int rows = 17;
        int cols = 301;
        float[] s = gaussian(rng, rows * cols);
        assertSameOnBoth(RankSpec.of(rows, cols, 1, true), s, "k = 1");
        assertSameOnBoth(RankSpec.of(rows, cols, cols, false), s, "k = cols");
        // Rare labels: most rows have far fewer same-label columns than k, so the tail slots are empty.
        int[] rl = labels(rng, rows, 40);
        int[] cl = labels(rng, cols, 40);
        RankSpec rare = new RankSpec(rows, cols, 20, true, rl, cl, LabelRule.SAME, true, 0, 0);
        assertSameOnBoth(rare, s, "k > eligible");
        RankResult r = cuda.ranking().rank(rare, cuda.upload(s));
        boolean someEmpty = false;
        for (long i : r.indices()) {
            someEmpty |= i == -1;
        }
        assertTrue(someEmpty, "the rare-label case must leave slots empty");
    }

    @Test
    void longRowsAreSegmentedAndStillExact() {
        Rng rng = new Rng(17);
        // 3 rows of 100003: a few rows, so each is cut into segments merged by topk_merge_f32.
        int cols = 100_003;
        float[] s = gaussian(rng, 3 * cols);
        for (int k : new int[]{1, 5, 100, 1024}) {
            assertSameOnBoth(RankSpec.of(3, cols, k, true), s, "long rows");
        }
        assertSameOnBoth(RankSpec.of(3, cols, 1500, false), s, "long rows, two passes");
        int[] rl = labels(rng, 3, 3);
        int[] cl = labels(rng, cols, 3);
        assertSameOnBoth(new RankSpec(3, cols, 50, true, rl, cl, LabelRule.DIFFERENT, true, 5, 2), s,
                "long rows with masks");
        // Ties across segment boundaries: the lower column must win whichever segment holds it.
        assertSameOnBoth(RankSpec.of(3, cols, 300, true), tied(rng, 3 * cols, 0.01), "long tied rows");
    }

    @Test
    void aRowOfAMillionColumns() {
        Rng rng = new Rng(19);
        int cols = 1_000_003;
        float[] s = gaussian(rng, 2 * cols);
        assertSameOnBoth(RankSpec.of(2, cols, 100, true), s, "10^6 columns");
        assertSameOnBoth(RankSpec.of(2, cols, 5, false), s, "10^6 columns, bottom");
    }

    @Test
    void scoresOfTheWrongLengthAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.ranking().rank(RankSpec.of(3, 4, 2, true), cuda.upload(new float[11])));
        assertTrue(e.getMessage().contains("needs a score block of 12"), e.getMessage());
    }

    @Test
    void noColumnsGivesEmptySlots() {
        RankResult r = cuda.ranking().rank(RankSpec.of(2, 0, 3, true), cuda.upload(new float[0]));
        for (int i = 0; i < 6; i++) {
            assertEquals(-1, r.indices()[i]);
            assertTrue(Double.isNaN(r.values()[i]));
        }
    }
}
