package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lrml.eval.Whitening;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml whiten}: learn a whitening (Lw from matching pairs, or PCAw) of descriptors. */
@Command(name = "whiten", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Learn a whitening of descriptors and write DIR/mean.npy (D, float64) and DIR/projection.npy",
                "(D x D, float64, rows by decreasing variance); 'lrml extract' and 'lrml eval' apply it with",
                "--whitening DIR [--whitening-dim N] as x' = P_N (x - m) / (||P_N (x - m)|| + 1e-6).",
                "--pairs: Radenovic et al.'s learned whitening Lw from matching (query, positive) rows:",
                "  m = mean of the query rows; P0 = inverse Cholesky factor of the pair-difference covariance;",
                "  eigenvectors V of the covariance of P0 (X - m), largest eigenvalue first; P = V^T P0.",
                "--pca: PCA whitening of X, P = diag(lambda)^(-1/2) V^T (needs more rows than dimensions)."},
        footer = {"", "Examples:",
                "  lrml extract --checkpoint r101.ckpt --sfm-whiten retrieval-SfM-120k-whiten.pkl --images train/ims --out lw.npy",
                "  lrml whiten --descriptors lw.npy --pairs lw.pairs.npy --out whiten-lw"})
final class WhitenCommand implements Callable<Integer> {

    @Option(names = "--descriptors", required = true, paramLabel = "X.npy",
            description = "Descriptors, N x D, float32 or float64.")
    Path descriptors;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Method method;

    static final class Method {
        @Option(names = "--pairs", paramLabel = "PAIRS.npy",
                description = "int32/int64 n x 2: row of each query and of its matching positive in X (Lw).")
        Path pairs;

        @Option(names = "--pca", description = "PCA whitening of X instead of Lw.")
        boolean pca;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for mean.npy and projection.npy.")
    Path out;

    @Override
    public Integer call() throws IOException {
        NpyArray x = Npy.read(existing(descriptors, "--descriptors"));
        if (!x.isFloat() || x.shape().length != 2 || x.shape()[0] == 0 || x.shape()[1] == 0) {
            throw new UserError("--descriptors " + descriptors + ": expected a non-empty float N x D array, found "
                    + x.type().numpyName() + " " + Arrays.toString(x.shape()));
        }
        int n = x.shape()[0];
        int d = x.shape()[1];
        long t0 = System.nanoTime();
        Whitening w;
        try {
            if (method.pca) {
                w = Whitening.learnPca(x.toFloats(), n, d);
            } else {
                NpyArray p = Npy.read(existing(method.pairs, "--pairs"));
                if (p.isFloat() || p.shape().length != 2 || p.shape()[1] != 2) {
                    throw new UserError("--pairs " + method.pairs + ": expected an integer n x 2 array (query row,"
                            + " positive row), found " + p.type().numpyName() + " " + Arrays.toString(p.shape()));
                }
                int[] flat = p.toInts("--pairs " + method.pairs);
                int[] q = new int[flat.length / 2];
                int[] pos = new int[flat.length / 2];
                for (int i = 0; i < q.length; i++) {
                    q[i] = flat[2 * i];
                    pos[i] = flat[2 * i + 1];
                }
                w = Whitening.learnLw(x.toFloats(), n, d, q, pos);
            }
        } catch (IllegalArgumentException e) {
            throw new UserError((method.pca ? "--pca" : "--pairs " + method.pairs) + ": " + e.getMessage());
        }
        w.write(out);
        System.out.printf(Locale.ROOT, "learned %s whitening of %d descriptors of dimension %d in %.1f s%n",
                method.pca ? "PCA" : "Lw", n, d, (System.nanoTime() - t0) / 1e9);
        System.out.println("wrote " + out.resolve("mean.npy") + " and " + out.resolve("projection.npy"));
        return 0;
    }

    private static Path existing(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(flag + " " + file + ": no such file");
        }
        return file;
    }
}
