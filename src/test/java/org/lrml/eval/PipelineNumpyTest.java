package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.testutil.Agreement;

/**
 * Learned whitening (Lw, PCAw), its application, alpha query expansion and database-side augmentation against
 * independent NumPy implementations of the published formulas (src/test/resources/landmark/pipeline/
 * make_pipeline_fixtures.py; NumPy's eigh and cholesky, not the engine's solvers). Projection rows are compared up
 * to sign, since an eigenvector's sign is arbitrary.
 */
class PipelineNumpyTest {
    static final Path DIR = Path.of("src/test/resources/landmark/pipeline");

    static NpyArray npy(String name) throws IOException {
        return Npy.read(DIR.resolve(name + ".npy"));
    }

    static float[] floats(String name) throws IOException {
        return npy(name).toFloats();
    }

    /** Row r of ours against row r of theirs, flipping ours when the signs disagree; max abs difference. */
    static double maxRowDifferenceUpToSign(double[][] ours, double[] theirs, int d) {
        double worst = 0;
        for (int r = 0; r < ours.length; r++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += ours[r][j] * theirs[r * d + j];
            }
            double sign = dot < 0 ? -1 : 1;
            double scale = 0;
            for (int j = 0; j < d; j++) {
                scale = Math.max(scale, Math.abs(theirs[r * d + j]));
            }
            for (int j = 0; j < d; j++) {
                worst = Math.max(worst, Math.abs(sign * ours[r][j] - theirs[r * d + j]) / scale);
            }
        }
        return worst;
    }

    /** Whitened descriptors up to the sign of each output coordinate (a row's sign flips that coordinate). */
    static void checkWhitened(String what, float[] expected, float[] actual, int n, int d) {
        float[] fixed = actual.clone();
        for (int j = 0; j < d; j++) {
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += (double) expected[i * d + j] * actual[i * d + j];
            }
            if (dot < 0) {
                for (int i = 0; i < n; i++) {
                    fixed[i * d + j] = -fixed[i * d + j];
                }
            }
        }
        Agreement.check(what, new int[]{n, d}, expected, new int[]{n, d}, fixed, 1e-5);
    }

    @Test
    void lwMatchesNumpy() throws IOException {
        NpyArray x = npy("X");
        int[] pairs = npy("pairs").toInts("pairs");
        int[] q = new int[pairs.length / 2];
        int[] p = new int[pairs.length / 2];
        for (int i = 0; i < q.length; i++) {
            q[i] = pairs[2 * i];
            p[i] = pairs[2 * i + 1];
        }
        Whitening w = Whitening.learnLw(x.toFloats(), 400, 24, q, p);
        double[] mean = npy("lw_mean").toDoubles();
        for (int j = 0; j < 24; j++) {
            assertEquals(mean[j], w.mean()[j], 1e-6, "mean " + j);
        }
        double diff = maxRowDifferenceUpToSign(w.projection(), npy("lw_projection").toDoubles(), 24);
        System.out.printf("Lw projection rows: max difference up to sign %.2e of the row's largest entry%n", diff);
        assertTrue(diff < 1e-6, "Lw projection differs from NumPy's by " + diff);
        checkWhitened("Lw to 16 dims", floats("lw16_Q"), w.apply(floats("Q"), 25, 16), 25, 16);
    }

    @Test
    void pcawMatchesNumpy() throws IOException {
        Whitening w = Whitening.learnPca(floats("X"), 400, 24);
        double[] mean = npy("pcaw_mean").toDoubles();
        for (int j = 0; j < 24; j++) {
            assertEquals(mean[j], w.mean()[j], 1e-7, "mean " + j);
        }
        double diff = maxRowDifferenceUpToSign(w.projection(), npy("pcaw_projection").toDoubles(), 24);
        System.out.printf("PCAw projection rows: max difference up to sign %.2e of the row's largest entry%n", diff);
        assertTrue(diff < 1e-6, "PCAw projection differs from NumPy's by " + diff);
        checkWhitened("PCAw to 8 dims", floats("pcaw8_Q"), w.apply(floats("Q"), 25, 8), 25, 8);
    }

    @Test
    void pcawRefusesTooFewDescriptors() throws IOException {
        float[] x = java.util.Arrays.copyOf(floats("X"), 10 * 24);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Whitening.learnPca(x, 10, 24));
        assertTrue(e.getMessage().contains("more than 24 descriptors"), e.getMessage());
    }

    @Test
    void whiteningFilesRoundTrip(@TempDir Path dir) throws IOException {
        Whitening w = Whitening.learnPca(floats("X"), 400, 24);
        w.write(dir);
        Whitening back = Whitening.read(dir);
        assertEquals(24, back.rows());
        assertEquals(w.projection()[3][5], back.projection()[3][5]);
        IOException e = assertThrows(IOException.class, () -> Whitening.read(dir.resolve("none")));
        assertTrue(e.getMessage().contains("mean.npy and projection.npy"), e.getMessage());
    }

    @Test
    void queryExpansionMatchesNumpy() throws IOException {
        float[] ours = QueryExpansion.expand(floats("Q"), 25, floats("X"), 400, 24, 5, 3.0, Backends.cpu());
        Agreement.check("alpha-QE k 5 alpha 3", new int[]{25, 24}, floats("qe_k5_a3"), new int[]{25, 24}, ours, 1e-6);
    }

    @Test
    void databaseAugmentationMatchesNumpy() throws IOException {
        float[] xa = DatabaseAugmentation.augment(floats("X"), 400, 24, 4, 3.0, Backends.cpu());
        Agreement.check("DBA k 4 alpha 3", new int[]{400, 24}, floats("dba_k4_a3"), new int[]{400, 24}, xa, 1e-6);
        Postprocessing post = new Postprocessing(null, 0, 5, 3.0, 4, 3.0, Backends.cpu());
        Postprocessing.Descriptors d = post.apply(floats("Q"), 25, floats("X"), 400, 24);
        Agreement.check("DBA then alpha-QE", new int[]{25, 24}, floats("dba_qe"), new int[]{25, 24}, d.queries(), 1e-6);
    }

    @Test
    void tiesOnTheEvalFixturesGoToTheLowerIndex() throws IOException {
        NpyArray q = Npy.read(Path.of("src/test/resources/eval/q.npy"));
        NpyArray db = Npy.read(Path.of("src/test/resources/eval/db.npy"));
        int n = q.shape()[0];
        int m = db.shape()[0];
        int d = q.shape()[1];
        float[] qe = QueryExpansion.expand(q.toFloats(), n, db.toFloats(), m, d, 3, 1.0, Backends.cpu());
        Agreement.check("alpha-QE on eval fixtures", new int[]{n, d}, floats("eval_qe_k3_a1"), new int[]{n, d}, qe, 1e-6);
        float[] dba = DatabaseAugmentation.augment(db.toFloats(), m, d, 3, 1.0, Backends.cpu());
        Agreement.check("DBA on eval fixtures", new int[]{m, d}, floats("eval_dba_k3_a1"), new int[]{m, d}, dba, 1e-6);
    }
}
