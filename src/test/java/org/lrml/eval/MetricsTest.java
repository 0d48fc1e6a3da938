package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.util.Rng;

/** Metrics against hand-computed values and against a second, deliberately naive implementation. */
class MetricsTest {

    /** A ranking given as a list of database indices. */
    static RankedList ranking(int... items) {
        return new RankedList() {
            @Override
            public int size() {
                return items.length;
            }

            @Override
            public int item(int rank) {
                return items[rank];
            }

            @Override
            public float score(int rank) {
                return -rank;
            }
        };
    }

    @Test
    void standardApByHand() {
        // Positives at ranks 0, 2, 5 of 3 positives: (1/1 + 2/3 + 3/6) / 3 = 0.7222...
        int[] ranks = {0, 2, 5};
        assertEquals((1.0 + 2.0 / 3 + 3.0 / 6) / 3, Metrics.averagePrecision(ranks, 3, 3), 1e-15);
        // One of the positives never retrieved: the same sum over npos = 4.
        assertEquals((1.0 + 2.0 / 3 + 3.0 / 6) / 4, Metrics.averagePrecision(ranks, 3, 4), 1e-15);
        assertEquals(1.0, Metrics.averagePrecision(new int[]{0, 1}, 2, 2), 0);
    }

    @Test
    void oxfordApByHand() {
        // Ranks 1 and 3, two positives: i=0: p0 = 0/1, p1 = 1/2 -> 0.25; i=1: p0 = 1/3, p1 = 2/4 -> 5/12;
        // AP = (0.25 + 5/12) / 2 = 1/3.
        assertEquals(1.0 / 3, Metrics.oxfordAveragePrecision(new int[]{1, 3}, 2, 2), 1e-15);
        // A positive at rank 0 contributes (1 + 1) / 2 / npos.
        assertEquals(1.0, Metrics.oxfordAveragePrecision(new int[]{0}, 1, 1), 0);
        assertEquals(1.0, Metrics.oxfordAveragePrecision(new int[]{0, 1, 2}, 3, 3), 0);
        // Ranks 0, 2, 3 of 3: 2/2 + (1/2 + 2/3)/2 + (2/3 + 3/4)/2, all / 3.
        double expected = (1.0 + (0.5 + 2.0 / 3) / 2 + (2.0 / 3 + 0.75) / 2) / 3;
        assertEquals(expected, Metrics.oxfordAveragePrecision(new int[]{0, 2, 3}, 3, 3), 1e-15);
    }

    @Test
    void junkIsRemovedBeforeRanking() {
        // Ranking 7 3 5 1 2: item 3 is junk, 5 and 2 positive -> junk-free ranking 7 5 1 2, positives at 1, 3.
        byte[] rel = new byte[8];
        rel[3] = Relevance.JUNK;
        rel[5] = Relevance.POSITIVE;
        rel[2] = Relevance.POSITIVE;
        int[] ranks = new int[8];
        int found = Metrics.positiveRanks(ranking(7, 3, 5, 1, 2), rel, ranks);
        assertEquals(2, found);
        assertEquals(1, ranks[0]);
        assertEquals(3, ranks[1]);
    }

    @Test
    void recallAndMapAtRByHand() {
        int[] ranks = {1, 2, 6};
        assertFalse(Metrics.hitAt(ranks, 3, 1));
        assertTrue(Metrics.hitAt(ranks, 3, 2));
        assertFalse(Metrics.hitAt(ranks, 0, 8), "no positive found means no hit");
        // R = 3: ranks 1 and 2 are within the first 3 -> (1/2 + 2/3) / 3.
        assertEquals((0.5 + 2.0 / 3) / 3, Metrics.mapAtR(ranks, 3, 3), 1e-15);
        assertEquals(2.0 / 4, Metrics.precisionAt(ranks, 3, 4), 0);
    }

    @Test
    void queriesWithoutPositivesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.averagePrecision(new int[0], 0, 0));
        assertTrue(e.getMessage().contains("npos = 0"), e.getMessage());
    }

    /** Precision at every cut-off, straight from the definition, on a relevance vector in rank order. */
    static double[] naive(boolean[] relevant) {
        int npos = 0;
        for (boolean r : relevant) {
            npos += r ? 1 : 0;
        }
        double ap = 0;
        double mapR = 0;
        double oxford = 0;
        int hits = 0;
        for (int k = 0; k < relevant.length; k++) {
            double precisionBefore = k == 0 ? 1.0 : hits / (double) k;
            if (relevant[k]) {
                hits++;
                double precision = hits / (double) (k + 1);
                ap += precision / npos;
                if (k < npos) {
                    mapR += precision / npos;
                }
                oxford += (precisionBefore + precision) / 2 / npos;
            }
        }
        return new double[]{ap, mapR, oxford};
    }

    @Test
    void agreesWithNaiveImplementationOnRandomRankings() {
        Rng rng = new Rng(11);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + rng.nextInt(97);
            boolean[] rel = new boolean[m];
            int[] ranks = new int[m];
            int count = 0;
            for (int i = 0; i < m; i++) {
                rel[i] = rng.nextDouble() < 0.3;
                if (rel[i]) {
                    ranks[count++] = i;
                }
            }
            if (count == 0) {
                continue;
            }
            double[] ref = naive(rel);
            assertEquals(ref[0], Metrics.averagePrecision(ranks, count, count), 1e-12, "AP trial " + trial);
            assertEquals(ref[1], Metrics.mapAtR(ranks, count, count), 1e-12, "mAP@R trial " + trial);
            assertEquals(ref[2], Metrics.oxfordAveragePrecision(ranks, count, count), 1e-12, "Oxford AP trial " + trial);
            for (int k : new int[]{1, 2, 4, 8}) {
                boolean any = false;
                for (int i = 0; i < Math.min(k, m); i++) {
                    any |= rel[i];
                }
                assertEquals(any, Metrics.hitAt(ranks, count, k), "recall@" + k + " trial " + trial);
            }
        }
    }
}
