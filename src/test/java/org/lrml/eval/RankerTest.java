package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.lrml.util.Rng;

/**
 * The blocked ranker against a brute-force ranking. Descriptors are multiples of 1/2 in [-2, 2], so every
 * product and partial sum is exact in float32 whatever the GEMM's order: similarities, and with them the
 * many ties, are then the same as the reference's exactly.
 */
class RankerTest {

    static float[] quantized(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rng.nextInt(9) - 4) / 2f;
        }
        return x;
    }

    static int[] referenceRanking(float[] q, int query, float[] db, int m, int d) {
        float[] s = new float[m];
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int p = 0; p < d; p++) {
                acc += (double) q[query * d + p] * db[i * d + p];
            }
            s[i] = (float) acc;
        }
        return DescendingSortTest.reference(s, 0, m);
    }

    @Test
    void rankingsMatchBruteForceAcrossBlockAndChunkBoundaries() {
        Rng rng = new Rng(3);
        int d = 7;
        int n = 2 * Ranker.QUERY_BLOCK + 5;
        int m = 2 * Ranker.DB_CHUNK + 3;
        float[] q = quantized(rng, n * d);
        float[] db = quantized(rng, m * d);
        int[][] got = new int[n][];
        float[][] scores = new float[n][];
        AtomicIntegerArray calls = new AtomicIntegerArray(n);
        try (Ranker ranker = new Ranker(db, m, d)) {
            ranker.rank(q, n, () -> (query, ranking) -> {
                calls.incrementAndGet(query);
                got[query] = new int[ranking.size()];
                scores[query] = new float[ranking.size()];
                for (int r = 0; r < ranking.size(); r++) {
                    got[query][r] = ranking.item(r);
                    scores[query][r] = ranking.score(r);
                }
            });
        }
        for (int query = 0; query < n; query++) {
            assertEquals(1, calls.get(query), "query " + query + " delivered once");
            int[] expected = referenceRanking(q, query, db, m, d);
            assertArrayEquals(expected, got[query], "ranking of query " + query);
            for (int r = 1; r < m; r++) {
                assertTrue(scores[query][r - 1] >= scores[query][r], "scores descend, query " + query + " rank " + r);
            }
        }
    }

    @Test
    void topKIsThePrefixOfTheRanking() {
        Rng rng = new Rng(4);
        int d = 5;
        int n = 3;
        int m = 301;
        float[] q = quantized(rng, n * d);
        float[] db = quantized(rng, m * d);
        Ranker.TopK top;
        try (Ranker ranker = new Ranker(db, m, d)) {
            top = ranker.topK(q, n, 10);
        }
        for (int query = 0; query < n; query++) {
            int[] expected = referenceRanking(q, query, db, m, d);
            for (int r = 0; r < 10; r++) {
                assertEquals(expected[r], top.item(query, r), "query " + query + " rank " + r);
                float s = 0;
                for (int p = 0; p < d; p++) {
                    s += q[query * d + p] * db[top.item(query, r) * d + p];
                }
                assertEquals(s, top.similarity(query, r), 0f);
            }
        }
    }

    @Test
    void nonFiniteDescriptorsAreNamed() {
        float[] db = {1, 0, 0, Float.NaN};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ranker(db, 2, 2));
        assertTrue(e.getMessage().contains("database descriptor 1") && e.getMessage().contains("dimension 1"),
                e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new Ranker(new float[5], 2, 2));
        assertTrue(size.getMessage().contains("5 values for 2 x 2"), size.getMessage());
    }
}
