package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.mining.Ranking;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** {@code lrml rank}: .npy round trips against the Ranking API, empty slots, and malformed inputs. */
class RankCommandTest {
    @TempDir
    Path tmp;

    private Path scores(String name, int n, int m, long seed) throws IOException {
        Rng rng = new Rng(seed);
        float[] s = new float[n * m];
        for (int i = 0; i < s.length; i++) {
            double u = rng.nextDouble();
            s[i] = u < 0.05 ? Float.NaN : rng.nextInt(9) * 0.125f;
        }
        Path p = tmp.resolve(name);
        Npy.write(p, NpyArray.of(s, n, m));
        return p;
    }

    private Path labels(String name, int n, int classes, long seed) throws IOException {
        Rng rng = new Rng(seed);
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(classes);
        }
        Path p = tmp.resolve(name);
        Npy.write(p, NpyArray.of(l, n));
        return p;
    }

    private String[] args(Path s, int k, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("rank", "--similarity", s.toString(), "--k", Integer.toString(k),
                "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void roundTripMatchesTheRankingApi() throws IOException {
        int n = 13;
        int m = 57;
        Path s = scores("s.npy", n, m, 1);
        Path rl = labels("rl.npy", n, 3, 2);
        Path cl = labels("cl.npy", m, 3, 3);
        Tensor st = Npy.read(s).toTensor(org.lrml.backend.Backends.cpu());
        int[] rowLabels = Npy.read(rl).toInts("rl");
        int[] colLabels = Npy.read(cl).toInts("cl");

        Path out = tmp.resolve("a");
        String stdout = CliTest.run(0, args(s, 6, out, "--row-labels", rl.toString(), "--col-labels", cl.toString(),
                "--rule", "different", "--exclude-self", "--bottom"))[0];
        assertTrue(stdout.startsWith("bottom-6 of 13 x 57 float32 (rule different, self excluded)"), stdout);
        RankResult expected = Ranking.bottom(6).labels(rowLabels, colLabels, LabelRule.DIFFERENT).excludeSelf().of(st);
        NpyArray idx = Npy.read(out.resolve("indices.npy"));
        NpyArray val = Npy.read(out.resolve("values.npy"));
        assertEquals(NpyArray.Type.I8, idx.type());
        assertEquals(NpyArray.Type.F4, val.type());
        assertArrayEquals(new int[]{n, 6}, idx.shape());
        assertArrayEquals(expected.indices(), (long[]) idx.data());
        assertArrayEquals(expected.values(), val.toDoubles());

        Path top = tmp.resolve("b");
        CliTest.run(0, args(s, 4, top, "--row-labels", rl.toString(), "--col-labels", cl.toString(), "--rule", "same",
                "--row-offset", "3", "--col-offset", "1", "--exclude-self"));
        RankResult e2 = Ranking.top(4).labels(rowLabels, colLabels, LabelRule.SAME).excludeSelf().offsets(3, 1).of(st);
        assertArrayEquals(e2.indices(), (long[]) Npy.read(top.resolve("indices.npy")).data());
    }

    @Test
    void float64ScoresAndEmptySlots() throws IOException {
        Path s = tmp.resolve("s64.npy");
        Npy.write(s, NpyArray.of(new double[]{0.5, Double.NaN, 0.25, 0.5, 1, 2}, 2, 3));
        Path out = tmp.resolve("o");
        CliTest.run(0, args(s, 4, out));
        assertArrayEquals(new long[]{0, 2, -1, -1, 2, 1, 0, -1}, (long[]) Npy.read(out.resolve("indices.npy")).data());
        NpyArray v = Npy.read(out.resolve("values.npy"));
        assertEquals(NpyArray.Type.F8, v.type());
        double[] d = v.toDoubles();
        assertEquals(0.5, d[0]);
        assertTrue(Double.isNaN(d[2]) && Double.isNaN(d[3]) && Double.isNaN(d[7]));
        assertEquals(2.0, d[4]);
    }

    private static void failsWith(String expected, String... args) {
        String err = CliTest.run(1, args)[1].strip();
        assertEquals(1, err.lines().count(), "one line expected:\n" + err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
    }

    @Test
    void malformedInputsAreOneClearLine() throws IOException {
        Path s = scores("s.npy", 4, 5, 7);
        Path out = tmp.resolve("o");
        Path ints = tmp.resolve("ints.npy");
        Npy.write(ints, NpyArray.of(new long[]{1, 2, 3, 4}, 2, 2));
        failsWith("S must be float32 or float64, got int64", args(ints, 2, out));
        Path cube = tmp.resolve("cube.npy");
        Npy.write(cube, NpyArray.of(new float[8], 2, 2, 2));
        failsWith("S must be a 2-D array n x m, got shape [2, 2, 2]", args(cube, 2, out));
        failsWith("--k must be at least 1, got 0", args(s, 0, out));
        failsWith("unknown --rule 'similar'", args(s, 2, out, "--rule", "similar"));
        failsWith("--rule same needs both --row-labels and --col-labels", args(s, 2, out, "--rule", "same"));
        Path rl = labels("rl.npy", 4, 2, 1);
        Path shortCl = labels("cl.npy", 3, 2, 1);
        failsWith("used only with --rule same or --rule different", args(s, 2, out, "--row-labels", rl.toString()));
        failsWith("labels of the 5 columns of S must be a 1-D array of length 5, got shape [3]",
                args(s, 2, out, "--row-labels", rl.toString(), "--col-labels", shortCl.toString(), "--rule", "same"));
        Path floatLabels = tmp.resolve("fl.npy");
        Npy.write(floatLabels, NpyArray.of(new float[5], 5));
        failsWith("must hold integers (int32 or int64), got float32",
                args(s, 2, out, "--row-labels", rl.toString(), "--col-labels", floatLabels.toString(), "--rule", "same"));
        failsWith("no such file", args(tmp.resolve("nope.npy"), 2, out));
    }
}
