package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.testutil.NpyFiles;

/** 'lrml index' and 'lrml search' end to end: the same files as 'lrml rank' writes, ids, and one-line errors. */
class IndexSearchCommandTest {

    static float[] unitRows(long seed, int n, int d) {
        org.lrml.util.Rng rng = new org.lrml.util.Rng(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) rng.nextGaussian();
                sq += x[i * d + j] * x[i * d + j];
            }
            for (int j = 0; j < d; j++) {
                x[i * d + j] /= (float) Math.sqrt(sq);
            }
        }
        return x;
    }

    static String errorLine(String command, String... args) {
        String err = CliTest.run(1, args)[1].strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("lrml " + command + ": error: "), err);
        return err;
    }

    @Test
    void indexThenSearchWritesRankStyleFilesAndIds(@TempDir Path dir) throws IOException {
        int m = 400;
        int d = 16;
        int n = 7;
        float[] x = unitRows(1, m, d);
        float[] q = java.util.Arrays.copyOf(x, n * d); // the first rows as queries: each finds itself first
        NpyFiles.write(dir.resolve("x.npy"), x, m, d, true);
        Npy.write(dir.resolve("q.npy"), NpyArray.of(q, n, d));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            ids.add("img" + i);
        }
        Files.write(dir.resolve("ids.txt"), ids);
        String[] io = CliTest.run(0, "index", "--descriptors", dir.resolve("x.npy").toString(), "--ids",
                dir.resolve("ids.txt").toString(), "--out", dir.resolve("idx").toString(), "--threads", "2");
        assertTrue(io[0].contains("indexed 400 descriptors of 16 dimensions"), io[0]);
        assertFalse(io[1].contains("WARNING"), "Lucene's vectorization notice is silenced: " + io[1]);

        io = CliTest.run(0, "search", "--index", dir.resolve("idx").toString(), "--queries",
                dir.resolve("q.npy").toString(), "--k", "5", "--ef", "50", "--rerank", "--out",
                dir.resolve("res").toString());
        assertTrue(io[0].contains("searched 7 queries, k 5, ef 50, re-ranked exactly"), io[0]);
        NpyArray idx = Npy.read(dir.resolve("res/indices.npy"));
        NpyArray val = Npy.read(dir.resolve("res/values.npy"));
        assertArrayEquals(new int[]{n, 5}, idx.shape());
        assertEquals(NpyArray.Type.I8, idx.type());
        assertEquals(NpyArray.Type.F4, val.type());
        List<String> tsv = Files.readAllLines(dir.resolve("res/ids.tsv"));
        assertEquals(n, tsv.size());
        long[] rows = (long[]) idx.data();
        for (int i = 0; i < n; i++) {
            // Queries are float32 rows, the database their float16 roundings: each query's own row still wins.
            assertEquals(i, rows[i * 5], "query " + i);
            assertTrue(tsv.get(i).startsWith("img" + i + "\t"), tsv.get(i));
        }
    }

    @Test
    void shardsBuiltWithRowOffsetsAreSearchedTogether(@TempDir Path dir) throws IOException {
        int d = 8;
        float[] a = unitRows(3, 60, d);
        float[] b = unitRows(4, 40, d);
        Npy.write(dir.resolve("a.npy"), NpyArray.of(a, 60, d));
        Npy.write(dir.resolve("b.npy"), NpyArray.of(b, 40, d));
        Npy.write(dir.resolve("q.npy"), NpyArray.of(java.util.Arrays.copyOf(b, 2 * d), 2, d));
        CliTest.run(0, "index", "--descriptors", dir.resolve("a.npy").toString(), "--out", dir.resolve("a").toString());
        CliTest.run(0, "index", "--descriptors", dir.resolve("b.npy").toString(), "--row-offset", "60", "--out",
                dir.resolve("b").toString());
        CliTest.run(0, "search", "--index", dir.resolve("a").toString(), "--index", dir.resolve("b").toString(),
                "--queries", dir.resolve("q.npy").toString(), "--k", "3", "--rerank", "--out", dir.resolve("r").toString());
        long[] rows = (long[]) Npy.read(dir.resolve("r/indices.npy")).data();
        assertEquals(60, rows[0], "the first row of shard b is global row 60");
        assertEquals(61, rows[3]);
    }

    @Test
    void mistakesAreOneLineNamingTheFlagOrFile(@TempDir Path dir) throws IOException {
        float[] x = unitRows(2, 20, 4);
        Npy.write(dir.resolve("x.npy"), NpyArray.of(x, 20, 4));
        Npy.write(dir.resolve("labels.npy"), NpyArray.of(new int[20], 20));
        Npy.write(dir.resolve("q3.npy"), NpyArray.of(new float[6], 2, 3));
        Files.write(dir.resolve("short.txt"), List.of("a", "b"));
        String x0 = dir.resolve("x.npy").toString();

        String ints = errorLine("index", "index", "--descriptors", dir.resolve("labels.npy").toString(), "--out",
                dir.resolve("i").toString());
        assertTrue(ints.contains("--descriptors") && ints.contains("labels.npy") && ints.contains("int32"), ints);
        String ids = errorLine("index", "index", "--descriptors", x0, "--ids", dir.resolve("short.txt").toString(),
                "--out", dir.resolve("i").toString());
        assertTrue(ids.contains("--ids") && ids.contains("has 2 lines for 20 descriptors"), ids);
        String m = errorLine("index", "index", "--descriptors", x0, "--m", "1", "--out", dir.resolve("i").toString());
        assertTrue(m.contains("maxConn (M) must be in 2..512, got 1"), m);

        CliTest.run(0, "index", "--descriptors", x0, "--out", dir.resolve("i").toString());
        String exists = errorLine("index", "index", "--descriptors", x0, "--out", dir.resolve("i").toString());
        assertTrue(exists.contains("already exists") && exists.contains("--overwrite"), exists);

        String dim = errorLine("search", "search", "--index", dir.resolve("i").toString(), "--queries",
                dir.resolve("q3.npy").toString(), "--k", "2", "--out", dir.resolve("r").toString());
        assertTrue(dim.contains("--queries") && dim.contains("dimension 3") && dim.contains("4-dimensional"), dim);
        String ef = errorLine("search", "search", "--index", dir.resolve("i").toString(), "--queries", x0, "--k", "10",
                "--ef", "5", "--out", dir.resolve("r").toString());
        assertTrue(ef.contains("--ef 5 is below --k 10"), ef);
        String none = errorLine("search", "search", "--index", dir.resolve("nothing").toString(), "--queries", x0,
                "--k", "2", "--out", dir.resolve("r").toString());
        assertTrue(none.contains("nothing: no such index folder"), none);
        assertFalse(Files.exists(dir.resolve("r/indices.npy")));
    }
}
