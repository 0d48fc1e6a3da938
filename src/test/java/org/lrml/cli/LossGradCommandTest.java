package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrml.backend.Backends;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.util.Tolerance;

/**
 * {@code lrml lossgrad} round trips through .npy files against golden values that PyTorch autograd computed
 * from an independent formulation (src/test/resources/lossgrad/make_lossgrad_golden.py), and its errors.
 */
class LossGradCommandTest {
    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(LossGradCommandTest.class.getResource("/lossgrad/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] args(Path x, Path t, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("lossgrad", "--embeddings", x.toString(), "--tuples", t.toString(),
                "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lrml_defaults|",
            "lrml_delta0.1_mu0.5_eps0.2|--delta 0.1 --mu 0.5 --order-eps 0.2",
            "lrml_alpha1.0_m0.3_T5_lambda2|--loss lrml --alpha 1.0 --margin 0.3 --temperature 5 --lambda 2",
            "contrastive_defaults|--loss contrastive",
            "triplet_margin0.3|--loss triplet --margin 0.3"})
    void float64MatchesPyTorchGolden(String golden, String options) throws IOException {
        Path out = tmp.resolve(golden);
        String[] extra = options == null ? new String[0] : options.split(" ");
        String stdout = CliTest.run(0, args(resource("X.npy"), resource("T.npy"), out, extra))[0];
        assertTrue(stdout.contains("loss") && stdout.contains("17 tuples (K = 5)"), stdout);

        NpyArray loss = Npy.read(out.resolve("loss.npy"));
        assertEquals(NpyArray.Type.F8, loss.type());
        assertArrayEquals(new int[0], loss.shape(), "loss.npy is a scalar");
        double expectedLoss = Npy.read(resource(golden + "_loss.npy")).toDoubles()[0];
        assertTrue(Tolerance.F64.accepts(expectedLoss, loss.toDoubles()[0]),
                golden + ": loss " + loss.toDoubles()[0] + ", PyTorch " + expectedLoss);

        NpyArray grad = Npy.read(out.resolve("grad.npy"));
        assertEquals(NpyArray.Type.F8, grad.type());
        assertArrayEquals(new int[]{23, 7}, grad.shape());
        Tolerance.F64.check(golden + " grad.npy vs PyTorch", grad.shape(),
                Npy.read(resource(golden + "_grad.npy")).toDoubles(), grad.toDoubles());
    }

    @Test
    void float32InputGivesFloat32Gradient() throws IOException {
        Path x32 = tmp.resolve("x32.npy");
        NpyArray x = Npy.read(resource("X.npy"));
        Npy.write(x32, NpyArray.of(x.toFloats(), x.shape()));
        Path out = tmp.resolve("f32");
        CliTest.run(0, args(x32, resource("T.npy"), out));
        NpyArray grad = Npy.read(out.resolve("grad.npy"));
        assertEquals(NpyArray.Type.F4, grad.type());
        Tolerance.F32.check("float32 grad.npy vs PyTorch (float64)", grad.shape(),
                Npy.read(resource("lrml_defaults_grad.npy")).toDoubles(), grad.toDoubles());
        assertEquals(NpyArray.Type.F8, Npy.read(out.resolve("loss.npy")).type(), "the loss is float64 either way");
    }

    /** Runs an invocation that must fail with exit status 1 and one line naming the problem. */
    private static void failsWith(String expected, String... args) {
        String err = CliTest.run(1, args)[1].strip();
        assertEquals(1, err.lines().count(), "one line expected:\n" + err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
    }

    @Test
    void malformedInputsAreOneClearLine() throws IOException {
        Path t = resource("T.npy");
        Path x = resource("X.npy");
        Path out = tmp.resolve("o");
        Path ints = tmp.resolve("ints.npy");
        Npy.write(ints, NpyArray.of(new int[]{1, 2, 3, 4, 5, 6}, 2, 3));
        failsWith("X must be float32 or float64, got int32", args(ints, t, out));
        Path vector = tmp.resolve("vector.npy");
        Npy.write(vector, NpyArray.of(new double[]{1, 2, 3}, 3));
        failsWith("X must be a 2-D array N x D, got shape [3]", args(vector, t, out));
        Path floatTuples = tmp.resolve("ft.npy");
        Npy.write(floatTuples, NpyArray.of(new double[]{0, 1, 2}, 1, 3));
        failsWith("tuples must be int64 (or int32), got float64", args(x, floatTuples, out));
        Path narrow = tmp.resolve("narrow.npy");
        Npy.write(narrow, NpyArray.of(new long[]{0, 1, 2, 3}, 2, 2));
        failsWith("so K = 0", args(x, narrow, out));
        Path flat = tmp.resolve("flat.npy");
        Npy.write(flat, NpyArray.of(new long[]{0, 1, 2}, 3));
        failsWith("tuples must be a 2-D array", args(x, flat, out));
        Path outside = tmp.resolve("outside.npy");
        Npy.write(outside, NpyArray.of(new long[]{0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 23}, 2, 7));
        failsWith("tuple row 1, column 6 (n_5) holds 23, outside the 23 rows of X", args(x, outside, out));
        failsWith("no such file", args(tmp.resolve("missing.npy"), t, out));
        failsWith("--alpha applies to --loss lrml only", args(x, t, out, "--loss", "triplet", "--alpha", "1"));
        failsWith("unknown loss 'hinge'", args(x, t, out, "--loss", "hinge"));
        failsWith("must be >= 0", args(x, t, out, "--mu", "-1"));
    }

    @Test
    void cudaBackendRunsOrSaysWhyNot() {
        Path out = tmp.resolve("cuda");
        Path x32 = tmp.resolve("x32.npy");
        try {
            NpyArray x = Npy.read(resource("X.npy"));
            Npy.write(x32, NpyArray.of(x.toFloats(), x.shape()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String reason = Backends.cudaUnavailableReason();
        if (reason == null) {
            CliTest.run(0, args(x32, resource("T.npy"), out, "--backend", "cuda"));
        } else {
            String err = CliTest.run(1, args(x32, resource("T.npy"), out, "--backend", "cuda"))[1].strip();
            assertTrue(err.contains(reason.lines().findFirst().orElse(reason)), err);
        }
    }
}
