package org.lrml.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.tensor.Tensor;
import org.lrml.eval.DescriptorRows;
import org.lrml.util.Rng;

/**
 * The Lucene HNSW index against the engine's exact search: high recall on a small random set, re-ranked results
 * identical (rows and values, bit for bit) to the engine's exact search over the same candidates, dimensions above
 * Lucene's 1024 through the wide format, ids, and refusals.
 */
class VectorIndexTest {

    static float[] unitRows(long seed, int n, int d) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                float v = (float) rng.nextGaussian();
                x[i * d + j] = v;
                sq += v * v;
            }
            float inv = (float) (1 / Math.sqrt(sq));
            for (int j = 0; j < d; j++) {
                x[i * d + j] *= inv;
            }
        }
        return x;
    }

    static VectorIndexBuilder.Options options() {
        return new VectorIndexBuilder.Options(16, 100, 2, null, false);
    }

    /** The engine's exact top-k of each query over db (m x d). */
    static RankResult exact(float[] q, int n, float[] db, int m, int d, int k) {
        return Ranking.top(k).similarity(Tensor.of(Backends.cpu(), q, n, d), Tensor.of(Backends.cpu(), db, m, d));
    }

    @Test
    void recallAgainstExactSearchAndRerankingEqualsExactSearchOverTheCandidates(@TempDir Path dir) throws IOException {
        int m = 3000;
        int n = 40;
        int d = 24;
        int k = 10;
        float[] x = unitRows(1, m, d);
        float[] q = unitRows(2, n, d);
        VectorIndexBuilder.Summary s = VectorIndexBuilder.build(DescriptorRows.of(x, m, d), null, dir.resolve("idx"),
                options(), (a, b) -> { });
        assertEquals(VectorSimilarityFunction.DOT_PRODUCT, s.similarity());
        assertEquals("Lucene99HnswVectorsFormat", s.format());
        try (VectorIndex index = VectorIndex.open(dir.resolve("idx"))) {
            assertEquals(m, index.size());
            assertEquals(1, index.segments(), "merged into one graph");
            assertEquals("Lucene99HnswVectorsFormat", index.format());
            RankResult truth = exact(q, n, x, m, d, k);
            IndexSearch.Result approx = IndexSearch.run(index, DescriptorRows.of(q, n, d), IndexSearch.Options.of(k, 64,
                    false));
            assertTrue(Recall.at(truth, approx.rows(), k, k) >= 0.95, "recall@10 " + Recall.at(truth, approx.rows(), k, k));
            for (int i = 0; i < n * k; i++) {
                if (approx.rows()[i] >= 0) {
                    float dot = dot(q, (i / k) * d, x, (int) approx.rows()[i] * d, d);
                    assertEquals(dot, approx.values()[i], 1e-5, "Lucene's score turned back into the dot product");
                }
            }

            IndexSearch.Result reranked = IndexSearch.run(index, DescriptorRows.of(q, n, d), IndexSearch.Options.of(k,
                    64, true));
            for (int i = 0; i < n; i++) {
                float[] query = java.util.Arrays.copyOfRange(q, i * d, (i + 1) * d);
                VectorIndex.Hits cand = index.search(query, 64);
                int[] sorted = cand.rows().clone();
                java.util.Arrays.sort(sorted);
                float[] g = new float[sorted.length * d];
                for (int c = 0; c < sorted.length; c++) {
                    System.arraycopy(x, sorted[c] * d, g, c * d, d);
                }
                RankResult r = exact(query, 1, g, sorted.length, d, k);
                for (int slot = 0; slot < k; slot++) {
                    assertEquals(sorted[(int) r.index(0, slot)], reranked.rows()[i * k + slot], "query " + i);
                    assertEquals(Float.floatToIntBits((float) r.value(0, slot)),
                            Float.floatToIntBits(reranked.values()[i * k + slot]), "query " + i + " value bits");
                }
            }
        }
    }

    static float dot(float[] a, int ao, float[] b, int bo, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) a[ao + j] * b[bo + j];
        }
        return (float) s;
    }

    @Test
    void wideDescriptorsGoThroughTheWideFormatAndTiesGoToTheLowerRow(@TempDir Path dir) throws IOException {
        int m = 120;
        int d = 1536;
        float[] x = unitRows(3, m, d);
        // Row 70 repeats row 10: an exact tie, which re-ranking must give to row 10.
        System.arraycopy(x, 10 * d, x, 70 * d, d);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            ids.add("image-" + i);
        }
        VectorIndexBuilder.Summary s = VectorIndexBuilder.build(DescriptorRows.of(x, m, d), ids, dir.resolve("wide"),
                new VectorIndexBuilder.Options(8, 40, 1, null, false), (a, b) -> { });
        assertEquals(WideHnswVectorsFormat.NAME, s.format());
        try (VectorIndex index = VectorIndex.open(dir.resolve("wide"))) {
            assertEquals(WideHnswVectorsFormat.NAME, index.format());
            assertEquals(d, index.dimension());
            float[] q = java.util.Arrays.copyOfRange(x, 10 * d, 11 * d);
            IndexSearch.Result r = IndexSearch.run(index, DescriptorRows.of(q, 1, d), IndexSearch.Options.of(3, 50, true));
            assertEquals(10, r.rows()[0]);
            assertEquals(70, r.rows()[1]);
            assertEquals("image-10", index.id(r.docs()[0]));
            assertArrayEquals(java.util.Arrays.copyOfRange(x, 70 * d, 71 * d), index.vectors(new int[]{r.docs()[1]}));
        }
    }

    @Test
    void vectorsThatAreNotUnitAreRankedByMaximumInnerProduct(@TempDir Path dir) throws IOException {
        int m = 200;
        int d = 8;
        float[] x = unitRows(4, m, d);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 1 + (i / d) % 5;
        }
        VectorIndexBuilder.Summary s = VectorIndexBuilder.build(DescriptorRows.of(x, m, d), null, dir.resolve("mip"),
                options(), (a, b) -> { });
        assertEquals(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, s.similarity());
        float[] q = unitRows(5, 6, d);
        try (VectorIndex index = VectorIndex.open(dir.resolve("mip"))) {
            RankResult truth = exact(q, 6, x, m, d, 5);
            IndexSearch.Result r = IndexSearch.run(index, DescriptorRows.of(q, 6, d), IndexSearch.Options.of(5, 200,
                    true));
            assertArrayEquals(truth.indices(), r.rows(), "ef = database size: re-ranking is the exact search");
        }
    }

    @Test
    void shardsWithRowOffsetsMergeIntoTheExactSearchOfTheWholeDatabase(@TempDir Path dir) throws IOException {
        int m = 500;
        int d = 12;
        int k = 8;
        float[] x = unitRows(7, m, d);
        float[] q = unitRows(8, 9, d);
        int split = 230;
        VectorIndexBuilder.build(DescriptorRows.of(java.util.Arrays.copyOf(x, split * d), split, d), null,
                dir.resolve("s0"), options(), (a, b) -> { });
        VectorIndexBuilder.build(DescriptorRows.of(java.util.Arrays.copyOfRange(x, split * d, m * d), m - split, d),
                null, dir.resolve("s1"), new VectorIndexBuilder.Options(16, 100, 2, null, false, split), (a, b) -> { });
        try (VectorIndex s0 = VectorIndex.open(dir.resolve("s0")); VectorIndex s1 = VectorIndex.open(dir.resolve("s1"))) {
            assertEquals(Integer.toString(split), s1.metadata().get("lrml.rowOffset"));
            // ef covers each shard whole: the candidates are the database, so re-ranking is the exact search.
            IndexSearch.Result r = IndexSearch.run(List.of(s0, s1), DescriptorRows.of(q, 9, d),
                    IndexSearch.Options.of(k, split, true));
            RankResult truth = exact(q, 9, x, m, d, k);
            assertArrayEquals(truth.indices(), r.rows());
            for (int i = 0; i < truth.values().length; i++) {
                assertEquals(Float.floatToIntBits((float) truth.values()[i]), Float.floatToIntBits(r.values()[i]));
            }
            boolean both = false;
            for (int i = 0; i < r.rows().length; i++) {
                assertEquals(r.rows()[i] < split ? 0 : 1, r.shards()[i], "shard of row " + r.rows()[i]);
                both |= r.shards()[i] == 1;
            }
            assertTrue(both, "both shards contribute");
        }
    }

    @Test
    void refusalsLeaveNothingBehind(@TempDir Path dir) throws IOException {
        int d = 4;
        float[] x = unitRows(6, 10, d);
        VectorIndexBuilder.build(DescriptorRows.of(x, 10, d), null, dir.resolve("a"), options(), (a, b) -> { });
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> VectorIndexBuilder.build(DescriptorRows.of(x, 10, d), null, dir.resolve("a"), options(), (a, b) -> { }));
        assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        VectorIndexBuilder.build(DescriptorRows.of(x, 10, d), null, dir.resolve("a"),
                new VectorIndexBuilder.Options(16, 100, 1, null, true), (a, b) -> { });

        float[] bad = x.clone();
        bad[7] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> VectorIndexBuilder.build(DescriptorRows.of(bad, 10, d), null, dir.resolve("b"), options(), (a, b) -> { }));
        assertTrue(nan.getMessage().contains("descriptor 1 has NaN at dimension 3"), nan.getMessage());
        assertFalse(Files.exists(dir.resolve("b")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("a"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary folders left");
        }
        IOException none = assertThrows(IOException.class, () -> VectorIndex.open(dir.resolve("b")));
        assertTrue(none.getMessage().contains("no such index folder"), none.getMessage());
        Files.createDirectories(dir.resolve("empty"));
        IOException notLucene = assertThrows(IOException.class, () -> VectorIndex.open(dir.resolve("empty")));
        assertTrue(notLucene.getMessage().contains("not a Lucene index"), notLucene.getMessage());
    }
}
