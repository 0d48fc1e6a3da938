package org.lrml.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.lrml.loss.Tuples;
import org.lrml.mining.TupleMiner.Config;
import org.lrml.mining.TupleMiner.Mined;
import org.lrml.mining.TupleMiner.NegativeMode;
import org.lrml.mining.TupleMiner.PositiveMode;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Rng;

/**
 * The miner against a brute-force walk of the fully sorted similarity rows (same GEMM values, so ties
 * resolve identically), plus the invariants of spec section 2.
 */
class TupleMinerTest {

    /** A toy training set: descriptors of every image, labels 0..classes-1, and chosen queries and pool. */
    record World(int[] labels, Tensor all, int[] queryIndex, int[] poolIndex, Tensor queries, Tensor pool) {
    }

    static World world(long seed, int n, int classes, int nq, int np, int d) {
        Rng rng = new Rng(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
        }
        Tensor all = TestData.randn(seed, DType.F32, n, d);
        int[] q = rng.sample(n, nq);
        // The pool shares images with the queries, so "not the query itself" matters.
        int[] p = rng.sample(n, np);
        System.arraycopy(q, 0, p, 0, Math.min(nq / 2, np));
        Set<Integer> seen = new HashSet<>();
        List<Integer> pool = new ArrayList<>();
        for (int v : p) {
            if (seen.add(v)) {
                pool.add(v);
            }
        }
        int[] pi = pool.stream().mapToInt(Integer::intValue).toArray();
        return new World(labels, all, q, pi, org.lrml.ops.IndexSelect.apply(all, q), org.lrml.ops.IndexSelect.apply(all, pi));
    }

    /** Pool columns of one query row sorted by similarity (descending when largest), ties lower column first. */
    static List<Integer> sortedColumns(double[] s, int row, int cols, boolean largest) {
        List<Integer> c = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            c.add(j);
        }
        c.sort((a, b) -> {
            double va = s[row * cols + a];
            double vb = s[row * cols + b];
            if (va != vb) {
                return (va > vb) == largest ? -1 : 1;
            }
            return Integer.compare(a, b);
        });
        return c;
    }

    /** The expected tuples by walking full sorted rows; null entries are skipped queries. */
    static int[][] bruteForce(World w, Config cfg, int[] randomPositives) {
        double[] s = Similarity.apply(w.queries(), w.pool()).toDoubleArray();
        int cols = w.poolIndex().length;
        int k = cfg.negatives();
        int[][] out = new int[w.queryIndex().length][];
        for (int i = 0; i < out.length; i++) {
            int ql = w.labels()[w.queryIndex()[i]];
            List<Integer> negs = new ArrayList<>();
            Set<Integer> used = new HashSet<>();
            boolean hardest = cfg.negativeMode() == NegativeMode.HARDEST;
            List<Integer> sorted = sortedColumns(s, i, cols, hardest);
            for (int j : sorted) {
                int l = w.labels()[w.poolIndex()[j]];
                if (l != ql && negs.size() < k && (!hardest || used.add(l))) {
                    negs.add(w.poolIndex()[j]);
                }
            }
            // Fewer other labels than K: fill with the most similar other-label images not taken yet.
            for (int j : sorted) {
                int l = w.labels()[w.poolIndex()[j]];
                if (hardest && l != ql && negs.size() < k && !negs.contains(w.poolIndex()[j])) {
                    negs.add(w.poolIndex()[j]);
                }
            }
            if (negs.size() < k) {
                continue;
            }
            int positive = -1;
            if (cfg.positiveMode() == PositiveMode.HARDEST) {
                for (int j : sortedColumns(s, i, cols, false)) {
                    if (w.labels()[w.poolIndex()[j]] == ql && w.poolIndex()[j] != w.queryIndex()[i]) {
                        positive = w.poolIndex()[j];
                        break;
                    }
                }
            } else {
                positive = randomPositives[i];
            }
            if (positive < 0) {
                continue;
            }
            int[] row = new int[2 + k];
            row[0] = w.queryIndex()[i];
            row[1] = positive;
            for (int j = 0; j < k; j++) {
                row[2 + j] = negs.get(j);
            }
            out[i] = row;
        }
        return out;
    }

    static void assertMatches(int[][] expected, Mined mined, String what) {
        Tuples t = mined.tuples();
        int next = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == null) {
                continue;
            }
            assertTrue(next < t.m(), what + ": too few tuples");
            assertEquals(i, mined.queryRows()[next], what + ": tuple " + next + " query row");
            int[] row = new int[t.width()];
            System.arraycopy(t.table(), next * t.width(), row, 0, t.width());
            assertArrayEquals(expected[i], row, what + ": query row " + i);
            next++;
        }
        assertEquals(next, t.m(), what + ": tuple count");
    }

    @Test
    void hardestNegativesOnePerLabelAndHardestPositive() {
        World w = world(1, 400, 12, 37, 150, 6);
        for (int candidates : new int[]{1, 4}) {
            for (int k : new int[]{1, 5, 11}) {
                Config cfg = new Config(k, NegativeMode.HARDEST, PositiveMode.HARDEST, candidates);
                Mined mined = TupleMiner.mine(cfg, w.queries(), w.queryIndex(), w.pool(), w.poolIndex(), w.labels(), new Rng(9));
                int[][] expected = bruteForce(w, cfg, null);
                assertMatches(expected, mined, "K=" + k + " candidates/negative " + candidates);
                for (int t = 0; t < mined.tuples().m(); t++) {
                    Set<Integer> labels = new HashSet<>();
                    int ql = w.labels()[mined.tuples().query(t)];
                    for (int i = 0; i < k; i++) {
                        int l = w.labels()[mined.tuples().negative(t, i)];
                        assertNotEquals(ql, l, "a negative shares the query's label");
                        assertTrue(labels.add(l), "two negatives of one label in tuple " + t);
                    }
                    assertEquals(ql, w.labels()[mined.tuples().positive(t)]);
                    assertNotEquals(mined.tuples().query(t), mined.tuples().positive(t), "positive equals query");
                }
                int skipped = mined.skippedFewNegatives() + mined.skippedNoPositive();
                assertEquals(w.queryIndex().length, mined.tuples().m() + skipped);
                if (k == 11) {
                    // 11 other labels exist, but a pool of 150 does not always hold all of them for every query.
                    assertTrue(mined.tuples().m() > 0, "K = 11 with 12 labels should still fill some queries");
                }
            }
        }
    }

    @Test
    void bottomNegativesAreTheLeastSimilarOfOtherLabels() {
        World w = world(2, 300, 5, 29, 90, 5);
        Config cfg = new Config(5, NegativeMode.BOTTOM, PositiveMode.HARDEST, 4);
        Mined mined = TupleMiner.mine(cfg, w.queries(), w.queryIndex(), w.pool(), w.poolIndex(), w.labels(), new Rng(3));
        assertMatches(bruteForce(w, cfg, null), mined, "bottom");
        assertTrue(mined.tuples().m() > 20, "most queries should yield a tuple, got " + mined.tuples().m());
    }

    @Test
    void randomPositivesShareTheLabelAreNeverTheQueryAndFollowTheSeed() {
        World w = world(3, 250, 6, 40, 100, 4);
        Config cfg = Config.defaults();
        Mined a = TupleMiner.mine(cfg, w.queries(), w.queryIndex(), w.pool(), w.poolIndex(), w.labels(), new Rng(5));
        Mined b = TupleMiner.mine(cfg, w.queries(), w.queryIndex(), w.pool(), w.poolIndex(), w.labels(), new Rng(5));
        assertEquals(a.tuples(), b.tuples(), "same seed, same tuples");
        int[] positives = new int[w.queryIndex().length];
        for (int t = 0; t < a.tuples().m(); t++) {
            positives[a.queryRows()[t]] = a.tuples().positive(t);
            assertEquals(w.labels()[a.tuples().query(t)], w.labels()[a.tuples().positive(t)]);
            assertNotEquals(a.tuples().query(t), a.tuples().positive(t));
        }
        assertMatches(bruteForce(w, cfg, positives), a, "hardest negatives with random positives");
        // Many draws for one query reach many of its label's images, never itself.
        Set<Integer> seen = new HashSet<>();
        for (int seed = 0; seed < 60; seed++) {
            Mined m = TupleMiner.mine(cfg, w.queries(), w.queryIndex(), w.pool(), w.poolIndex(), w.labels(), new Rng(seed));
            seen.add(m.tuples().positive(0));
            assertNotEquals(m.tuples().query(0), m.tuples().positive(0));
        }
        assertTrue(seen.size() > 10, "random positives hit only " + seen);
    }

    @Test
    void queriesWithoutPositiveOrEnoughNegativesAreSkippedAndCounted() {
        // Labels: image 0 alone in label 7; images 1..9 label 0; 10..12 label 1; 13 label 2.
        int[] labels = {7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2};
        Tensor all = TestData.randn(4, DType.F64, labels.length, 3);
        int[] q = {0, 1, 10, 13};
        int[] p = new int[labels.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        Tensor queries = org.lrml.ops.IndexSelect.apply(all, q);
        // K = 2 different labels: query 0 (label 7) sees labels 0, 1, 2; query 1 sees 7, 1, 2; 10 sees 7, 0, 2;
        // 13 sees 7, 0, 1. Query 0 has no other image of label 7 and query 13 none of label 2: both skipped.
        Mined m = TupleMiner.mine(new Config(2, NegativeMode.HARDEST, PositiveMode.RANDOM, 1), queries, q, all, p, labels,
                new Rng(1));
        assertEquals(2, m.skippedNoPositive());
        assertEquals(0, m.skippedFewNegatives());
        assertArrayEquals(new int[]{1, 2}, m.queryRows());
        // K = 4 exceeds the three other labels each query sees: one per label first, then the next most
        // similar other-label images, so the two queries with a positive still get tuples.
        Mined four = TupleMiner.mine(new Config(4, NegativeMode.HARDEST, PositiveMode.RANDOM, 1), queries, q, all, p,
                labels, new Rng(1));
        assertEquals(0, four.skippedFewNegatives());
        assertEquals(2, four.tuples().m());
        for (int t = 0; t < four.tuples().m(); t++) {
            Set<Integer> negLabels = new HashSet<>();
            for (int j = 0; j < 4; j++) {
                assertNotEquals(labels[four.tuples().query(t)], labels[four.tuples().negative(t, j)]);
                negLabels.add(labels[four.tuples().negative(t, j)]);
            }
            assertEquals(3, negLabels.size(), "every other label is used before one repeats");
        }
        // K = 12: queries 1 (5 other-label images) and 10 (11) have too few negatives.
        Mined few = TupleMiner.mine(new Config(12, NegativeMode.HARDEST, PositiveMode.RANDOM, 1), queries, q, all, p,
                labels, new Rng(1));
        assertEquals(2, few.skippedFewNegatives());
        assertEquals(2, few.skippedNoPositive());
        assertEquals(0, few.tuples().m());
    }

    @Test
    void inconsistentInputsAreReported() {
        World w = world(5, 50, 3, 5, 20, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TupleMiner.mine(Config.defaults(), w.queries(), new int[]{1, 2}, w.pool(), w.poolIndex(), w.labels(),
                        new Rng(1)));
        assertTrue(e.getMessage().contains("2 query indices for 5"), e.getMessage());
        int[] badPool = w.poolIndex().clone();
        badPool[3] = 999;
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> TupleMiner.mine(Config.defaults(), w.queries(), w.queryIndex(), w.pool(), badPool, w.labels(), new Rng(1)));
        assertTrue(e2.getMessage().contains("pool row 3 has global index 999"), e2.getMessage());
    }
}
