package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.eval.Benchmark;
import org.lrml.eval.BenchmarkEval;
import org.lrml.eval.EvalResult;
import org.lrml.eval.RevisitedOxfordParis;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.report.MetricsJson;
import org.lrml.testutil.NpyFiles;
import org.lrml.util.Rng;

/** 'lrml eval' in blocked mode: the same numbers as the in-memory mode, distractors, revisited files, errors. */
class BlockedEvalCommandTest {
    static final Path GOLDEN = EvalCommandTest.GOLDEN;
    static final Path RPARIS = Path.of("src/test/resources/protocols/rparis6k/gnd_rparis6k.pkl");

    private static String[] labelArgs(Path out) {
        return new String[]{"eval", "--query-descriptors", GOLDEN.resolve("q.npy").toString(), "--db-descriptors",
                GOLDEN.resolve("db.npy").toString(), "--query-labels", GOLDEN.resolve("q_labels.npy").toString(),
                "--db-labels", GOLDEN.resolve("db_labels.npy").toString(), "--out", out.toString()};
    }

    private static String[] plus(String[] a, String... more) {
        String[] c = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, c, a.length, more.length);
        return c;
    }

    @Test
    void blockedLabelModeWritesTheInMemoryNumbers(@TempDir Path dir) throws IOException {
        CliTest.run(0, labelArgs(dir.resolve("memory")));
        String[] io = CliTest.run(0, plus(labelArgs(dir.resolve("blocked")), "--keep", "5000", "--block-rows", "50"));
        assertTrue(io[0].contains("mAP") && io[0].contains("wrote"), io[0]);
        Map<String, Object> mem = MetricsJson.read(dir.resolve("memory/metrics.json"));
        Map<String, Object> blk = MetricsJson.read(dir.resolve("blocked/metrics.json"));
        for (String k : new String[]{"mAP", "recall@1", "recall@2", "recall@4", "recall@8", "mAP@R", "queries",
                "database", "dim"}) {
            assertEquals(mem.get(k), blk.get(k), k);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> scan = (Map<String, Object>) blk.get("scan");
        assertEquals(211, scan.get("keep"));
        assertEquals(50, scan.get("block_rows"));
        assertEquals("cpu", scan.get("backend"));
        assertEquals(0, scan.get("distractors"));
    }

    @Test
    void distractorsInFloat16AreNegativesAppendedToTheDatabase(@TempDir Path dir) throws IOException {
        // The definition, in memory: the database followed by the distractors, labelled with a label no query has.
        NpyArray db = Npy.read(GOLDEN.resolve("db.npy"));
        int[] dbLabels = Npy.read(GOLDEN.resolve("db_labels.npy")).toInts("labels");
        int extra = 300;
        Rng rng = new Rng(5);
        float[] distractors = new float[extra * 6];
        for (int i = 0; i < distractors.length; i++) {
            distractors[i] = org.lrml.io.Float16.toFloat(org.lrml.io.Float16.fromFloat((float) rng.nextGaussian()));
        }
        float[] all = java.util.Arrays.copyOf(db.toFloats(), (211 + extra) * 6);
        System.arraycopy(distractors, 0, all, 211 * 6, distractors.length);
        int[] allLabels = java.util.Arrays.copyOf(dbLabels, 211 + extra);
        java.util.Arrays.fill(allLabels, 211, allLabels.length, -12345);
        Npy.write(dir.resolve("all.npy"), NpyArray.of(all, 211 + extra, 6));
        Npy.write(dir.resolve("all_labels.npy"), NpyArray.of(allLabels, 211 + extra));
        CliTest.run(0, "eval", "--query-descriptors", GOLDEN.resolve("q.npy").toString(), "--db-descriptors",
                dir.resolve("all.npy").toString(), "--query-labels", GOLDEN.resolve("q_labels.npy").toString(),
                "--db-labels", dir.resolve("all_labels.npy").toString(), "--out", dir.resolve("memory").toString());

        Path half = dir.resolve("distractors16.npy");
        NpyFiles.write(half, distractors, extra, 6, true);
        CliTest.run(0, plus(labelArgs(dir.resolve("blocked")), "--distractors", half.toString(), "--block-rows", "64"));
        Map<String, Object> mem = MetricsJson.read(dir.resolve("memory/metrics.json"));
        Map<String, Object> blk = MetricsJson.read(dir.resolve("blocked/metrics.json"));
        for (String k : new String[]{"mAP", "recall@1", "recall@2", "recall@4", "recall@8", "mAP@R", "queries",
                "database"}) {
            assertEquals(mem.get(k), blk.get(k), k);
        }
        assertEquals(511, blk.get("database"));
        assertEquals("descriptors+distractors", blk.get("protocol"));
        @SuppressWarnings("unchecked")
        Map<String, Object> scan = (Map<String, Object>) blk.get("scan");
        assertEquals(extra, scan.get("distractors"));
        CliTest.run(0, labelArgs(dir.resolve("plain")));
        assertTrue((Double) blk.get("mAP") < (Double) MetricsJson.read(dir.resolve("plain/metrics.json")).get("mAP"),
                "distractors push positives down");
    }

    @Test
    void revisitedFromDescriptorFilesMatchesTheInMemoryBenchmarkEvaluation(@TempDir Path dir) throws IOException {
        List<Benchmark> setups = RevisitedOxfordParis.load(RPARIS, "rparis6k");
        int m = setups.get(0).database().size();
        int n = setups.get(0).queries().size();
        int d = 5;
        Rng rng = new Rng(3);
        float[] q = new float[n * d];
        float[] x = new float[m * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        Npy.write(dir.resolve("q.npy"), NpyArray.of(q, n, d));
        Npy.write(dir.resolve("x.npy"), NpyArray.of(x, m, d));
        List<String> qnames = setups.get(0).queries().stream().map(Benchmark.Query::image).toList();
        List<EvalResult> expected = BenchmarkEval.evaluate(setups, (image, box) -> {
            int i = box != null ? qnames.indexOf(image) : setups.get(0).database().indexOf(image);
            float[] v = new float[d];
            System.arraycopy(box != null ? q : x, i * d, v, 0, d);
            return v;
        });
        CliTest.run(0, "eval", "--protocol", "rparis6k", "--dataset", RPARIS.toString(), "--query-descriptors",
                dir.resolve("q.npy").toString(), "--db-descriptors", dir.resolve("x.npy").toString(), "--out",
                dir.resolve("out").toString());
        Map<String, Object> got = MetricsJson.read(dir.resolve("out/metrics.json"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> bySetup = (Map<String, Map<String, Object>>) got.get("setups");
        for (EvalResult e : expected) {
            Map<String, Object> s = bySetup.get(e.setup());
            assertEquals(e.map(), s.get("mAP") == null ? Double.NaN : (Double) s.get("mAP"), 0, e.setup());
            assertEquals(e.queries(), s.get("queries"), e.setup());
        }
        assertEquals("rparis6k", got.get("protocol"));

        Path distractors = dir.resolve("d.npy");
        NpyFiles.write(distractors, 40, d, false, (r, dst) -> {
            for (int j = 0; j < d; j++) {
                dst[j] = (float) Math.sin(r * 7 + j);
            }
        });
        CliTest.run(0, "eval", "--protocol", "rparis6k", "--dataset", RPARIS.toString(), "--query-descriptors",
                dir.resolve("q.npy").toString(), "--db-descriptors", dir.resolve("x.npy").toString(), "--distractors",
                distractors.toString(), "--out", dir.resolve("r1m").toString());
        Map<String, Object> r1m = MetricsJson.read(dir.resolve("r1m/metrics.json"));
        assertEquals("rparis6k+distractors", r1m.get("protocol"));
        assertEquals(m + 40, r1m.get("database"));
    }

    @Test
    void aCheckpointDescribesTheBenchmarkBeforeTheDistractorsAreAppended(@TempDir Path dir) throws IOException {
        Path ckpt = Files.writeString(dir.resolve("model.ckpt"), "weights");
        org.lrml.eval.DescriptorExtractor meanColour = new org.lrml.eval.DescriptorExtractor() {
            @Override
            public org.lrml.data.ImagePrep prep() {
                return new org.lrml.data.ImagePrep(3, 0, org.lrml.data.Normalization.NONE);
            }

            @Override
            public float[] extract(org.lrml.data.ChwImage image) {
                float[] m = new float[3];
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < image.plane(); i++) {
                        m[c] += image.data()[c * image.plane() + i];
                    }
                }
                return m;
            }
        };
        // Mean colours are positive; distractors with negative colours rank below every image.
        Path far = dir.resolve("far.npy");
        NpyFiles.write(far, 1000, 3, false, (r, dst) -> java.util.Arrays.fill(dst, -1f - r));
        org.lrml.eval.ExtractorLoader previous = EvalCommand.extractorLoader();
        try {
            EvalCommand.setExtractorLoader(checkpoint -> meanColour);
            CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--protocol", "holidays", "--dataset",
                    "src/test/resources/protocols/holidays", "--distractors", far.toString(), "--block-rows", "100",
                    "--out", dir.resolve("out").toString());
        } finally {
            EvalCommand.setExtractorLoader(previous);
        }
        Map<String, Object> m = MetricsJson.read(dir.resolve("out/metrics.json"));
        assertEquals("holidays+distractors", m.get("protocol"));
        assertEquals(2, m.get("queries"));
        assertEquals(1000 + 6, m.get("database"));
        // The hand-derived 7/24 of ProtocolFixturesTest: the distractors changed nothing above them.
        assertEquals(7.0 / 24, (Double) m.get("mAP"), 1e-6);
    }

    @Test
    void mistakesAreOneLineNamingTheFileOrFlag(@TempDir Path dir) throws IOException {
        String out = dir.resolve("out").toString();
        String keep = EvalCommandTest.errorLine(plus(labelArgs(dir.resolve("o")), "--keep", "0"));
        assertTrue(keep.contains("--keep must be at least 1, got 0"), keep);

        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, NpyArray.of(new float[4 * 7], 4, 7));
        String dims = EvalCommandTest.errorLine(plus(labelArgs(dir.resolve("o")), "--distractors", wide.toString()));
        assertTrue(dims.contains("--distractors") && dims.contains("wide.npy") && dims.contains("dimension 7"), dims);

        String qe = EvalCommandTest.errorLine(plus(plus(labelArgs(dir.resolve("o")), "--blocked"), "--qe", "2"));
        assertTrue(qe.contains("not applied in blocked mode"), qe);

        String oxford = EvalCommandTest.errorLine("eval", "--blocked", "--protocol", "oxford5k", "--dataset",
                dir.toString(), "--query-descriptors", wide.toString(), "--db-descriptors", wide.toString(), "--out", out);
        assertTrue(oxford.contains("only roxford5k and rparis6k"), oxford);

        String rows = EvalCommandTest.errorLine("eval", "--protocol", "rparis6k", "--dataset", RPARIS.toString(),
                "--query-descriptors", wide.toString(), "--db-descriptors", wide.toString(), "--out", out);
        assertTrue(rows.contains("--query-descriptors") && rows.contains("holds 4 descriptors")
                && rows.contains("qimlist"), rows);

        String fashion = EvalCommandTest.errorLine("eval", "--keep", "10", "--protocol", "seen", "--checkpoint",
                wide.toString(), "--out", out);
        assertTrue(fashion.contains("Fashion-MNIST fits in memory"), fashion);

        Path labels = dir.resolve("l.npy");
        Npy.write(labels, NpyArray.of(new float[4], 4));
        String floatLabels = EvalCommandTest.errorLine("eval", "--blocked", "--query-descriptors", wide.toString(),
                "--query-labels", labels.toString(), "--exclude-self", "--out", out);
        assertTrue(floatLabels.contains("--query-labels") && floatLabels.contains("int32 or int64"), floatLabels);
        assertFalse(Files.exists(dir.resolve("out/metrics.json")), "nothing written on errors");
    }
}
