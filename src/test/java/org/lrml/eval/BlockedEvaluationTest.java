package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Float16;
import org.lrml.io.MappedNpy;
import org.lrml.testutil.NpyFiles;
import org.lrml.util.Rng;

/**
 * Blocked evaluation over a memory-mapped database equals the in-memory evaluation ({@link DescriptorEval}) exactly
 * when every item is kept, for label ground truth (with and without leave-one-out), revisited-style setups with junk
 * and distractors, float32 and float16 files, and block sizes that split the database unevenly; with a shorter
 * keep it equals the full ranking cut after keep items.
 */
class BlockedEvaluationTest {

    /** Descriptors from five values: many exactly tied similarities, so tie-breaking by index is exercised. */
    static float[] tied(long seed, int n) {
        float[] v = {-1f, -0.5f, 0f, 0.5f, 1f};
        Rng rng = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = v[rng.nextInt(v.length)];
        }
        return f;
    }

    static float[] normal(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rng.nextGaussian();
        }
        return f;
    }

    static int[] labels(long seed, int n, int classes) {
        Rng rng = new Rng(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(classes);
        }
        return l;
    }

    static void assertSame(EvalResult expected, EvalResult actual) {
        String what = actual.title();
        assertArrayEquals(expected.perQueryAp(), actual.perQueryAp(), what + " per-query AP");
        assertEquals(expected.map(), actual.map(), 0, what + " mAP");
        assertArrayEquals(expected.recall(), actual.recall(), 0, what + " recall");
        assertEquals(expected.mapAtR(), actual.mapAtR(), 0, what + " mAP@R");
        assertEquals(expected.queries(), actual.queries(), what);
        assertEquals(expected.skippedQueries(), actual.skippedQueries(), what);
        assertEquals(expected.database(), actual.database(), what);
        assertEquals(expected.protocol(), actual.protocol(), what);
        assertEquals(expected.setup(), actual.setup(), what);
    }

    private static BlockedEvaluation.Options options(int keep, int blockRows) {
        return BlockedEvaluation.Options.defaults().withKeep(keep).withBlockRows(blockRows);
    }

    @Test
    void labelsFromAMappedFileEqualTheInMemoryEvaluation(@TempDir Path dir) throws IOException {
        int n = 37;
        int m = 3001;
        int d = 24;
        float[] q = tied(1, n * d);
        float[] x = tied(2, m * d);
        int[] ql = labels(3, n, 6);
        int[] xl = labels(4, m, 6);
        EvalResult expected = DescriptorEval.evaluate(q, x, ql, xl, d, false);
        Path file = dir.resolve("db.npy");
        NpyFiles.write(file, x, m, d, false);
        try (MappedNpy mapped = MappedNpy.open(file)) {
            for (int blockRows : new int[]{1000, 317, 4096}) {
                List<EvalResult> r = BlockedEvaluation.evaluate(q, n, DescriptorRows.mapped(mapped),
                        List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD,
                                new LabelItemRelevance(ql, xl, false))), options(m, blockRows), (a, b) -> { });
                assertSame(expected, r.get(0));
            }
        }
    }

    @Test
    void leaveOneOutEqualsTheInMemoryEvaluation() throws IOException {
        int m = 400;
        int d = 16;
        float[] x = normal(5, m * d);
        int[] l = labels(6, m, 4);
        EvalResult expected = DescriptorEval.evaluate(x, x, l, l, d, true);
        List<EvalResult> r = BlockedEvaluation.evaluate(x, m, DescriptorRows.of(x, m, d),
                List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD,
                        new LabelItemRelevance(l, l, true))), options(5000, 128), (a, b) -> { });
        assertSame(expected, r.get(0));
    }

    @Test
    void float16FilesEqualTheInMemoryEvaluationOfTheRoundedValues(@TempDir Path dir) throws IOException {
        int n = 11;
        int m = 700;
        int d = 33;
        float[] q = normal(7, n * d);
        float[] x = normal(8, m * d);
        float[] rounded = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            rounded[i] = Float16.toFloat(Float16.fromFloat(x[i]));
        }
        int[] ql = labels(9, n, 3);
        int[] xl = labels(10, m, 3);
        EvalResult expected = DescriptorEval.evaluate(q, rounded, ql, xl, d, false);
        Path file = dir.resolve("db16.npy");
        NpyFiles.write(file, x, m, d, true);
        try (MappedNpy mapped = MappedNpy.open(file)) {
            List<EvalResult> r = BlockedEvaluation.evaluate(q, n, DescriptorRows.mapped(mapped),
                    List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD,
                            new LabelItemRelevance(ql, xl, false))), options(m, 99), (a, b) -> { });
            assertSame(expected, r.get(0));
        }
    }

    /** Three revisited-style setups (easy / medium / hard from random easy, hard and junk lists). */
    static List<Benchmark> revisitedSetups(long seed, int images, int queries, List<String> names) {
        Rng rng = new Rng(seed);
        List<List<Benchmark.Query>> perSetup = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < queries; i++) {
            List<Integer> easy = new ArrayList<>();
            List<Integer> hard = new ArrayList<>();
            List<Integer> junk = new ArrayList<>();
            for (int j = 0; j < images; j++) {
                int u = rng.nextInt(20);
                (u == 0 ? easy : u == 1 ? hard : u == 2 ? junk : new ArrayList<Integer>()).add(j);
            }
            if (i % 5 == 4) {
                easy.clear(); // a query without easy positives is skipped in Easy
            }
            int[] e = easy.stream().mapToInt(Integer::intValue).toArray();
            int[] h = hard.stream().mapToInt(Integer::intValue).toArray();
            int[] jk = junk.stream().mapToInt(Integer::intValue).toArray();
            String image = "q" + i;
            perSetup.get(0).add(new Benchmark.Query(image, null, e, concat(jk, h)));
            perSetup.get(1).add(new Benchmark.Query(image, null, concat(e, h), jk));
            perSetup.get(2).add(new Benchmark.Query(image, null, h, concat(jk, e)));
        }
        List<Benchmark> out = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            out.add(new Benchmark("rsynthetic", RevisitedOxfordParis.SETUPS.get(s), ApForm.OXFORD, names,
                    perSetup.get(s)));
        }
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static List<String> names(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(prefix + i);
        }
        return l;
    }

    @Test
    void revisitedSetupsWithDistractorsEqualTheInMemoryEvaluation(@TempDir Path dir) throws IOException {
        int images = 400;
        int distractors = 1500;
        int n = 14;
        int d = 20;
        float[] q = tied(11, n * d);
        float[] bench = tied(12, images * d);
        float[] extra = tied(13, distractors * d);
        List<Benchmark> setups = revisitedSetups(14, images, n, names("img", images));
        // In memory: the distractors are more database images that no query lists (negatives for all).
        List<String> all = new ArrayList<>(names("img", images));
        all.addAll(names("distractor", distractors));
        List<DescriptorEval.Setup> full = new ArrayList<>();
        for (Benchmark b : setups) {
            Benchmark widened = new Benchmark(b.name(), b.setup(), b.apForm(), all, b.queries());
            full.add(new DescriptorEval.Setup(b.name(), b.setup(), b.apForm(), widened.relevance()));
        }
        float[] db = new float[(images + distractors) * d];
        System.arraycopy(bench, 0, db, 0, bench.length);
        System.arraycopy(extra, 0, db, bench.length, extra.length);
        List<EvalResult> expected = DescriptorEval.evaluate(q, n, db, images + distractors, d, full);

        Path file = dir.resolve("r1m.npy");
        NpyFiles.write(file, extra, distractors, d, false);
        try (MappedNpy mapped = MappedNpy.open(file)) {
            DescriptorRows rows = DescriptorRows.concat(DescriptorRows.of(bench, images, d), DescriptorRows.mapped(mapped));
            List<BlockedEvaluation.Setup> blocked = new ArrayList<>();
            for (Benchmark b : setups) {
                blocked.add(new BlockedEvaluation.Setup(b.name(), b.setup(), b.apForm(),
                        new BenchmarkItemRelevance(b, images + distractors)));
            }
            // 300-row blocks: one block straddles the benchmark's images and the distractors.
            List<EvalResult> r = BlockedEvaluation.evaluate(q, n, rows, blocked, options(1 << 20, 300), (a, b) -> { });
            for (int s = 0; s < 3; s++) {
                assertSame(expected.get(s), r.get(s));
            }
            assertTrue(r.get(0).skippedQueries() > 0, "some queries have no easy positive");
        }
    }

    @Test
    void aShorterKeepEqualsTheFullRankingCutAfterKeepItems() throws IOException {
        int n = 9;
        int m = 2500;
        int d = 12;
        int keep = 40;
        float[] q = tied(15, n * d);
        float[] x = tied(16, m * d);
        int[] ql = labels(17, n, 50);
        int[] xl = labels(18, m, 50);
        LabelItemRelevance rel = new LabelItemRelevance(ql, xl, false);
        QueryScores cut = new QueryScores("descriptors", "", ApForm.STANDARD, n);
        try (Ranker ranker = new Ranker(x, m, d)) {
            ranker.rank(q, n, () -> (query, ranking) -> {
                int[] ranks = new int[keep];
                int found = 0;
                for (int r = 0; r < keep; r++) {
                    if (rel.of(query, ranking.item(r)) == Relevance.POSITIVE) {
                        ranks[found++] = r;
                    }
                }
                synchronized (cut) {
                    cut.record(query, ranks, found, rel.positives(query));
                }
            });
        }
        EvalResult expected = cut.result(m, d, 0);
        List<EvalResult> r = BlockedEvaluation.evaluate(q, n, DescriptorRows.of(x, m, d),
                List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD, rel)), options(keep, 333),
                (a, b) -> { });
        assertSame(expected, r.get(0));
        EvalResult whole = DescriptorEval.evaluate(q, x, ql, xl, d, false);
        assertTrue(r.get(0).map() < whole.map(), "positives below the kept prefix count as not retrieved");
    }

    @Test
    void progressCoversTheDatabaseAndBadInputIsRefused() throws IOException {
        int m = 50;
        int d = 4;
        float[] x = normal(19, m * d);
        int[] l = labels(20, m, 2);
        long[] last = {0, 0};
        BlockedEvaluation.evaluate(x, m, DescriptorRows.of(x, m, d), List.of(new BlockedEvaluation.Setup("d", "",
                ApForm.STANDARD, new LabelItemRelevance(l, l, true))), options(10, 1), (a, b) -> {
                    last[0] = a;
                    last[1] = b;
                });
        assertEquals(m, last[0]);
        assertEquals(m, last[1]);

        float[] bad = x.clone();
        bad[4 * 33 + 2] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockedEvaluation.evaluate(x, m, DescriptorRows.of(bad, m, d), List.of(new BlockedEvaluation.Setup(
                        "d", "", ApForm.STANDARD, new LabelItemRelevance(l, l, false))), options(10, 7), (a, b) -> { }));
        assertTrue(e.getMessage().contains("database descriptor 33") && e.getMessage().contains("dimension 2"),
                e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> BlockedEvaluation.evaluate(x, m, DescriptorRows.of(x, m, d), List.of(new BlockedEvaluation.Setup(
                        "d", "", ApForm.STANDARD, new LabelItemRelevance(l, new int[m + 1], false))), options(10, 7),
                        (a, b) -> { }));
        assertTrue(size.getMessage().contains("51 database items"), size.getMessage());
    }
}
