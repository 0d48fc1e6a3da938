package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml lossgrad}: the fused tuple loss and its gradient for descriptors and tuples given as .npy files. */
@Command(name = "lossgrad", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compute a tuple loss (batch mean over tuples) and its exact gradient dL/dX.",
                "Reads X (N x D, float32 or float64, rows used as given) and T (M x (2+K)",
                "int64 rows q, p, n_1..n_K of row indices into X); writes DIR/loss.npy",
                "(float64 scalar) and DIR/grad.npy (N x D, X's dtype).",
                "float64 X on the CPU backend is computed in double throughout; float32 X",
                "is computed in double per tuple, and dX is summed in double in a fixed",
                "order and rounded once, so results repeat bit for bit. LRML treats its",
                "weights wn and the negatives' rank order as constants of the gradient.",
                ""},
        footer = {"", "Example:",
                "  lrml lossgrad --embeddings X.npy --tuples T.npy --out out/ --mu 0.5"})
final class LossGradCommand implements Callable<Integer> {

    @Option(names = "--embeddings", required = true, paramLabel = "X.npy",
            description = "Descriptors X, N x D, float32 or float64 (normalise rows first for cosine similarities).")
    Path embeddings;

    @Option(names = "--tuples", required = true, paramLabel = "T.npy",
            description = "Tuples, M x (2+K) int64 (int32 also accepted): q, p, n_1..n_K per row, indices in [0, N), K >= 1.")
    Path tuples;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if missing) for loss.npy and grad.npy.")
    Path out;

    @Option(names = "--loss", defaultValue = "lrml", paramLabel = "KIND",
            description = "lrml, contrastive or triplet (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--alpha", paramLabel = "A", description = "LRML: negative boundary alpha (default 1.2).")
    Double alpha;

    @Option(names = "--margin", paramLabel = "M",
            description = "LRML: m, the positive boundary is alpha - m (default 0.4); contrastive: margin (default 0.7);"
                    + " triplet: margin (default 0.1).")
    Double margin;

    @Option(names = "--temperature", paramLabel = "T", description = "LRML: temperature T of the weights wn (default 10).")
    Double temperature;

    @Option(names = "--lambda", paramLabel = "L", description = "LRML: weight lambda of L_neg (default 1).")
    Double lambda;

    @Option(names = "--delta", paramLabel = "D",
            description = "LRML: boundary step per rank, alpha_k = alpha + (k-1) delta (default 0).")
    Double delta;

    @Option(names = "--mu", paramLabel = "U", description = "LRML: weight mu of L_order (default 0).")
    Double mu;

    @Option(names = "--order-eps", paramLabel = "E", description = "LRML: eps_o of L_order (default 0.05).")
    Double orderEps;

    @Option(names = "--backend", defaultValue = "cpu", paramLabel = "NAME",
            description = "cpu or cuda (default: ${DEFAULT-VALUE}); cuda holds float32 only.")
    String backend;

    @Override
    public Integer call() throws IOException {
        LossSpec spec = spec();
        OutputPaths.requireFolder(out, "--out");
        NpyArray xa = Npy.read(embeddings);
        if (!xa.isFloat()) {
            throw new UserError(embeddings + ": X must be float32 or float64, got " + xa.type().numpyName());
        }
        if (xa.shape().length != 2) {
            throw new UserError(embeddings + ": X must be a 2-D array N x D, got shape " + Arrays.toString(xa.shape()));
        }
        int n = xa.shape()[0];
        requireFinite(xa);
        Tuples t = Tuples.fromNpy(Npy.read(tuples), tuples.toString()).validate(n, tuples.toString());
        Backend b = Backends.byName(backend);
        if (xa.type() == NpyArray.Type.F8 && !b.supports(DType.F64)) {
            throw new UserError(embeddings + ": float64 X needs --backend cpu (the " + b.name()
                    + " backend holds float32 only); or save X as float32");
        }
        Tensor x = xa.toTensor(b);
        TupleLoss.Result r = TupleLoss.compute(x, t, spec, true);
        NpyArray grad = NpyArray.of(r.grad());
        requireFiniteResult(r.loss(), grad, xa.shape()[1], spec);
        Files.createDirectories(out);
        // loss and grad belong together: written as one set (neither replaced unless both were written).
        Map<Path, AtomicFiles.Body> set = new LinkedHashMap<>();
        set.put(out.resolve("grad.npy"), o -> Npy.write(o, grad));
        set.put(out.resolve("loss.npy"), o -> Npy.write(o, NpyArray.of(new double[]{r.loss()})));
        AtomicFiles.writeSet(set);
        System.out.printf(Locale.ROOT, "%s loss %.17g over %d tuples (K = %d) of X %d x %d %s on %s -> %s, %s%n",
                spec.kind().name().toLowerCase(Locale.ROOT), r.loss(), t.m(), t.k(), n, xa.shape()[1],
                xa.type().numpyName(), b.name(), out.resolve("loss.npy"), out.resolve("grad.npy"));
        return 0;
    }

    /**
     * NaN or infinity in X would give a loss and gradient without meaning (a NaN similarity is never selected as a
     * hard negative, so the loss can even come out finite): refused, naming the first such element.
     */
    private void requireFinite(NpyArray xa) {
        double[] v = xa.toDoubles();
        int d = xa.shape()[1];
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new UserError("--embeddings " + embeddings + ": X[" + i / d + ", " + i % d + "] is " + v[i]
                        + "; descriptors must be finite (the loss of a NaN descriptor has no meaning)");
            }
        }
    }

    /** Finite X with parameters that overflow (e.g. a huge --temperature) must not write an inf loss as a result. */
    private static void requireFiniteResult(double loss, NpyArray grad, int d, LossSpec spec) {
        double[] g = grad.toDoubles();
        int bad = -1;
        for (int i = 0; i < g.length && bad < 0; i++) {
            if (!Double.isFinite(g[i])) {
                bad = i;
            }
        }
        if (!Double.isFinite(loss) || bad >= 0) {
            throw new UserError("the loss is " + loss + (bad >= 0 ? " and dX[" + bad / d + ", " + bad % d + "] is "
                    + g[bad] : "") + " for finite X: the loss parameters overflow (" + spec.kind().name()
                    .toLowerCase(Locale.ROOT) + ": alpha " + spec.alpha() + ", margin " + spec.margin() + ", temperature "
                    + spec.temperature() + ", lambda " + spec.lambda() + ", delta " + spec.delta() + ", mu " + spec.mu()
                    + "); nothing was written");
        }
    }

    /** The loss parameters: the kind's defaults with the options given; LRML-only options refuse other kinds. */
    private LossSpec spec() {
        LossKind kind = LossKind.parse(loss);
        LossSpec s = LossSpec.defaults(kind);
        if (kind != LossKind.LRML) {
            String[] names = {"--alpha", "--temperature", "--lambda", "--delta", "--mu", "--order-eps"};
            Double[] given = {alpha, temperature, lambda, delta, mu, orderEps};
            for (int i = 0; i < names.length; i++) {
                if (given[i] != null) {
                    throw new UserError(names[i] + " applies to --loss lrml only; " + loss + " takes --margin");
                }
            }
            return margin == null ? s : s.withMargin(margin);
        }
        if (alpha != null) {
            s = s.withAlpha(alpha);
        }
        if (margin != null) {
            s = s.withMargin(margin);
        }
        if (temperature != null) {
            s = s.withTemperature(temperature);
        }
        if (lambda != null) {
            s = s.withLambda(lambda);
        }
        if (delta != null) {
            s = s.withDelta(delta);
        }
        if (mu != null) {
            s = s.withMu(mu);
        }
        if (orderEps != null) {
            s = s.withOrderEps(orderEps);
        }
        return s;
    }
}
