package org.lrml.train.sfm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.data.Normalization;
import org.lrml.data.SfmSplit;
import org.lrml.loss.Tuples;
import org.lrml.mining.TupleMiner;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * SfM-120k's mining rule against a brute-force walk of each query's fully sorted similarities: the given
 * positive, then the most similar pool images of other clusters, at most one per cluster, hardest first, never
 * the query's cluster; and the bottom-k option.
 */
class PairMiningTest {
    private static final int N = 40;
    private static final int CLUSTERS = 8;
    private static final int D = 8;

    /** 40 images in 8 clusters of 5; pair i matches image i with the next image of its cluster. */
    private static SfmTrainingSet set() {
        List<String> cids = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        int[] clusters = new int[N];
        int[] q = new int[N];
        int[] p = new int[N];
        for (int i = 0; i < N; i++) {
            cids.add(String.format("%08d", i));
            files.add(Path.of("unused", cids.get(i)));
            clusters[i] = i / 5;
            q[i] = i;
            p[i] = (i / 5) * 5 + (i % 5 + 1) % 5;
        }
        SfmSplit split = new SfmSplit("train", cids, clusters, q, p, files);
        return new SfmTrainingSet(new SfmImages(split, 64, Normalization.IMAGENET));
    }

    private static float[] descriptors(long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[N * D];
        for (int i = 0; i < N; i++) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) rng.nextGaussian();
                norm += x[i * D + j] * x[i * D + j];
            }
            for (int j = 0; j < D; j++) {
                x[i * D + j] /= (float) Math.sqrt(norm);
            }
        }
        return x;
    }

    private static Tensor rows(float[] all, int[] rows) {
        float[] out = new float[rows.length * D];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(all, rows[i] * D, out, i * D, D);
        }
        return Tensor.of(Backends.cpu(), out, rows.length, D);
    }

    private static double dot(float[] x, int a, int b) {
        double s = 0;
        for (int j = 0; j < D; j++) {
            s += (double) x[a * D + j] * x[b * D + j];
        }
        return s;
    }

    @Test
    void givenPositiveAndHardestNegativesOnePerClusterNeverTheQuerys() {
        for (long seed = 1; seed <= 5; seed++) {
            SfmTrainingSet set = set();
            float[] x = descriptors(seed);
            Rng rng = new Rng(seed);
            int[] queries = set.drawQueries(rng, 12);
            int[] pool = set.drawPool(rng, 30);
            TupleMiner.Config cfg = TupleMiner.Config.defaults();
            TupleMiner.Mined mined = new PairMining(cfg).mine(set, rows(x, queries), queries, rows(x, pool), pool, rng);
            Tuples t = mined.tuples();
            int k = cfg.negatives();
            assertEquals(queries.length, t.m(), "every query has 5 other clusters in a 30-image pool");
            int[] clusters = set.labels();
            for (int i = 0; i < t.m(); i++) {
                int qRow = t.query(i);
                assertEquals(queries[i], qRow);
                assertEquals((qRow / 5) * 5 + (qRow % 5 + 1) % 5, t.positive(i), "the pair's given positive");
                // Brute force: the pool by decreasing similarity, other clusters, first image of each cluster.
                List<Integer> order = new ArrayList<>(Arrays.stream(pool).boxed().toList());
                order.sort(Comparator.comparingDouble((Integer r) -> -dot(x, qRow, r)));
                Set<Integer> used = new HashSet<>();
                used.add(clusters[qRow]);
                List<Integer> expected = new ArrayList<>();
                for (int r : order) {
                    if (expected.size() < k && used.add(clusters[r])) {
                        expected.add(r);
                    }
                }
                final int tuple = i;
                int[] got = IntStream.range(0, k).map(j -> t.negative(tuple, j)).toArray();
                assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), got,
                        "seed " + seed + " query " + qRow);
            }
        }
    }

    @Test
    void bottomTakesTheLeastSimilarOfOtherClusters() {
        SfmTrainingSet set = set();
        float[] x = descriptors(9);
        Rng rng = new Rng(9);
        int[] queries = set.drawQueries(rng, 6);
        int[] pool = set.drawPool(rng, 40);
        TupleMiner.Config cfg = new TupleMiner.Config(3, TupleMiner.NegativeMode.BOTTOM, TupleMiner.PositiveMode.RANDOM, 4);
        Tuples t = new PairMining(cfg).mine(set, rows(x, queries), queries, rows(x, pool), pool, rng).tuples();
        int[] clusters = set.labels();
        for (int i = 0; i < t.m(); i++) {
            int qRow = t.query(i);
            int[] expected = Arrays.stream(pool).boxed().filter(r -> clusters[r] != clusters[qRow])
                    .sorted(Comparator.comparingDouble((Integer r) -> dot(x, qRow, r))).limit(3)
                    .mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, new int[]{t.negative(i, 0), t.negative(i, 1), t.negative(i, 2)}, "query " + qRow);
        }
    }

    @Test
    void queriesWithTooFewOtherClustersAreSkippedAndForeignQueriesRefused() {
        SfmTrainingSet set = set();
        float[] x = descriptors(3);
        Rng rng = new Rng(3);
        int[] queries = set.drawQueries(rng, 4);
        int[] pool = {0, 5, 10, 15};
        TupleMiner.Mined mined = new PairMining(TupleMiner.Config.defaults()).mine(set, rows(x, queries), queries,
                rows(x, pool), pool, rng);
        assertEquals(0, mined.tuples().m());
        assertEquals(4, mined.skippedFewNegatives());
        int[] other = {1, 2};
        assertThrows(IllegalStateException.class, () -> new PairMining(TupleMiner.Config.defaults()).mine(set,
                rows(x, other), other, rows(x, pool), pool, rng));
    }
}
