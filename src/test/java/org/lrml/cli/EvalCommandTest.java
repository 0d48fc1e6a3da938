package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.data.ChwImage;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.eval.ExtractorLoader;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.report.MetricsJson;

/** 'lrml eval' in descriptor mode (end to end against the NumPy golden file) and its error lines. */
class EvalCommandTest {
    static final Path GOLDEN = Path.of("src/test/resources/eval");

    @Test
    void descriptorModeWritesMetricsJsonMatchingNumpy(@TempDir Path out) throws IOException {
        String[] io = CliTest.run(0, "eval", "--query-descriptors", GOLDEN.resolve("q.npy").toString(),
                "--db-descriptors", GOLDEN.resolve("db.npy").toString(), "--query-labels",
                GOLDEN.resolve("q_labels.npy").toString(), "--db-labels", GOLDEN.resolve("db_labels.npy").toString(),
                "--out", out.toString());
        assertTrue(io[0].contains("mAP") && io[0].contains("wrote " + out.resolve("metrics.json")), io[0]);
        Map<String, Object> m = MetricsJson.read(out.resolve("metrics.json"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> golden = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(GOLDEN.resolve("golden.json").toFile(), Map.class);
        for (String k : new String[]{"mAP", "recall@1", "recall@2", "recall@4", "recall@8", "mAP@R"}) {
            assertEquals((Double) golden.get("seen").get(k), (Double) m.get(k), 1e-12, k);
        }
        assertEquals(37, m.get("queries"));
        assertEquals(211, m.get("database"));
    }

    @Test
    void leaveOneOutWithoutADatabaseFromFloat64(@TempDir Path out) throws IOException {
        // The same descriptors as float64 (exact: they are multiples of 1/2).
        Path f64 = out.resolve("db64.npy");
        NpyArray db = Npy.read(GOLDEN.resolve("db.npy"));
        Npy.write(f64, NpyArray.of(db.toDoubles(), db.shape()));
        CliTest.run(0, "eval", "--query-descriptors", f64.toString(), "--query-labels",
                GOLDEN.resolve("db_labels.npy").toString(), "--exclude-self", "--out", out.toString());
        Map<String, Object> m = MetricsJson.read(out.resolve("metrics.json"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> golden = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(GOLDEN.resolve("golden.json").toFile(), Map.class);
        assertEquals((Double) golden.get("loo").get("mAP"), (Double) m.get("mAP"), 1e-12);
    }

    /** Runs a failing command and returns its single error line. */
    static String errorLine(String... args) {
        String err = CliTest.run(1, args)[1].strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("lrml eval: error: "), err);
        return err;
    }

    @Test
    void shapeAndDtypeMistakesAreOneClearLine(@TempDir Path dir) throws IOException {
        Path q = GOLDEN.resolve("q.npy");
        Path ql = GOLDEN.resolve("q_labels.npy");
        Path db = GOLDEN.resolve("db.npy");
        Path dbl = GOLDEN.resolve("db_labels.npy");
        String out = dir.resolve("out").toString();

        String swapped = errorLine("eval", "--query-descriptors", ql.toString(), "--query-labels", ql.toString(),
                "--exclude-self", "--out", out);
        assertTrue(swapped.contains("must be float32 or float64, found int64"), swapped);

        String count = errorLine("eval", "--query-descriptors", q.toString(), "--query-labels", dbl.toString(),
                "--db-descriptors", db.toString(), "--db-labels", dbl.toString(), "--out", out);
        assertTrue(count.contains("holds 211 labels") && count.contains("holds 37 descriptors"), count);

        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, NpyArray.of(new float[37 * 5], 37, 5));
        String dims = errorLine("eval", "--query-descriptors", wide.toString(), "--query-labels", ql.toString(),
                "--db-descriptors", db.toString(), "--db-labels", dbl.toString(), "--out", out);
        assertTrue(dims.contains("dimension 6") && dims.contains("has 5"), dims);

        Path flat = dir.resolve("flat.npy");
        Npy.write(flat, NpyArray.of(new float[12], 12));
        String rank = errorLine("eval", "--query-descriptors", flat.toString(), "--query-labels", ql.toString(),
                "--exclude-self", "--out", out);
        assertTrue(rank.contains("2-D array (n x d), found shape [12]"), rank);

        Path floatLabels = dir.resolve("fl.npy");
        Npy.write(floatLabels, NpyArray.of(new double[37], 37));
        String lab = errorLine("eval", "--query-descriptors", q.toString(), "--query-labels", floatLabels.toString(),
                "--exclude-self", "--out", out);
        assertTrue(lab.contains("labels must be int32 or int64, found float64"), lab);

        String missing = errorLine("eval", "--query-descriptors", dir.resolve("none.npy").toString(), "--query-labels",
                ql.toString(), "--exclude-self", "--out", out);
        assertTrue(missing.contains("none.npy: no such file"), missing);

        float[] nan = new float[37 * 6];
        nan[6 * 5 + 2] = Float.NaN;
        Path nanFile = dir.resolve("nan.npy");
        Npy.write(nanFile, NpyArray.of(nan, 37, 6));
        String notFinite = errorLine("eval", "--query-descriptors", nanFile.toString(), "--query-labels", ql.toString(),
                "--exclude-self", "--out", out);
        assertTrue(notFinite.contains("nan.npy") && notFinite.contains("row 5 holds NaN at dimension 2"), notFinite);

        String noDb = errorLine("eval", "--query-descriptors", q.toString(), "--query-labels", ql.toString(),
                "--out", out);
        assertTrue(noDb.contains("--exclude-self"), noDb);

        String both = errorLine("eval", "--query-descriptors", q.toString(), "--query-labels", ql.toString(),
                "--protocol", "seen", "--out", out);
        assertTrue(both.contains("choose one mode"), both);
        assertTrue(!Files.exists(dir.resolve("out/metrics.json")), "nothing written on errors");
    }

    @Test
    void protocolModeRefusesBadCheckpointsAndProtocols(@TempDir Path dir) throws IOException {
        Path ckpt = Files.writeString(dir.resolve("model.ckpt"), "weights");
        String line = errorLine("eval", "--checkpoint", ckpt.toString(), "--protocol", "seen", "--out",
                dir.resolve("out").toString());
        assertTrue(line.contains("not an lrml checkpoint") && line.contains("model.ckpt"), line);
        String unknown = errorLine("eval", "--checkpoint", ckpt.toString(), "--protocol", "cifar", "--out",
                dir.toString());
        assertTrue(unknown.contains("unknown protocol 'cifar'") && unknown.contains("roxford5k"), unknown);
        String noData = errorLine("eval", "--checkpoint", ckpt.toString(), "--protocol", "holidays", "--out",
                dir.toString());
        assertTrue(noData.contains("--dataset DIR"), noData);
    }

    @Test
    void protocolModeRunsThroughAnInstalledExtractor(@TempDir Path dir) throws IOException {
        Path ckpt = Files.writeString(dir.resolve("model.ckpt"), "weights");
        DescriptorExtractor meanColour = new DescriptorExtractor() {
            @Override
            public ImagePrep prep() {
                return new ImagePrep(3, 0, Normalization.NONE);
            }

            @Override
            public float[] extract(ChwImage image) {
                float[] m = new float[3];
                for (int c = 0; c < 3; c++) {
                    for (int i = 0; i < image.plane(); i++) {
                        m[c] += image.data()[c * image.plane() + i];
                    }
                }
                return m;
            }
        };
        ExtractorLoader previous = EvalCommand.extractorLoader();
        try {
            EvalCommand.setExtractorLoader(checkpoint -> meanColour);
            CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--protocol", "holidays", "--dataset",
                    "src/test/resources/protocols/holidays", "--out", dir.resolve("out").toString());
        } finally {
            EvalCommand.setExtractorLoader(previous);
        }
        Map<String, Object> m = MetricsJson.read(dir.resolve("out/metrics.json"));
        assertEquals("holidays", m.get("protocol"));
        assertEquals(2, m.get("queries"));
        assertEquals(1, m.get("skipped_queries"));
        // Unnormalised mean colours keep the angles, so the hand-derived 7/24 of ProtocolFixturesTest holds.
        assertEquals(7.0 / 24, (Double) m.get("mAP"), 1e-6);
    }
}
