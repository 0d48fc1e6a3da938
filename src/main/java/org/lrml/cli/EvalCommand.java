package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import org.lrml.eval.DescriptorEval;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.eval.EvalResult;
import org.lrml.eval.ExtractorLoader;
import org.lrml.eval.Postprocessing;
import org.lrml.eval.Protocols;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.report.MetricsJson;
import org.lrml.report.ProgressBar;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lrml eval}: retrieval metrics written to DIR/metrics.json. Two modes:
 * descriptors from .npy files with labels (relevant = same label), or a protocol run on images with the
 * network of a checkpoint (through {@link DescriptorExtractor}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate retrieval: mAP, Recall@1/2/4/8 and mAP@R, written to DIR/metrics.json.",
                "",
                "Descriptor mode: each query ranks the database by dot product (ties: lower",
                "index); an item is relevant when its label equals the query's.",
                "  lrml eval --query-descriptors Q.npy --query-labels A.npy",
                "            --db-descriptors X.npy --db-labels B.npy [--exclude-self] --out DIR",
                "Protocol mode: describe a data set's images with a trained or imported network, run its",
                "protocol (seen, unseen, oxford5k, paris6k, roxford5k, rparis6k, holidays).",
                "  lrml eval --checkpoint FILE [--protocol NAME] [--dataset DIR] --out DIR",
                "Landmark pipeline (image benchmarks and descriptor mode): --scales (multi-scale), --whitening DIR",
                "[--whitening-dim N], --dba K [--dba-alpha A] on the database, then --qe K [--qe-alpha A] on the queries.",
                "The revisited protocols also report mP@1/5/10.",
                ""},
        footer = {"", "Example (cirtorch's ResNet-101 GeM, multi-scale, learned whitening):",
                "  lrml eval --checkpoint r101-gem.ckpt --protocol roxford5k --dataset data/test/roxford5k \\",
                "            --scales 1,0.7071,0.5 --whitening whiten-lw --out runs/rox"})
final class EvalCommand implements Callable<Integer> {

    /**
     * How checkpoints become extractors when a test replaces it; null (the default) loads the checkpoint's network,
     * landmark or Fashion-MNIST ({@link LandmarkCheckpoints#load}), with this command's --backend, --image-size and
     * --scales.
     */
    private static volatile ExtractorLoader extractorLoader;

    @Option(names = "--query-descriptors", paramLabel = "Q.npy",
            description = "Query descriptors, n x d, float32 or float64.")
    Path queryDescriptors;

    @Option(names = "--db-descriptors", paramLabel = "X.npy",
            description = "Database descriptors, m x d, float32 or float64 (default with --exclude-self: the queries).")
    Path dbDescriptors;

    @Option(names = "--query-labels", paramLabel = "A.npy", description = "Query labels, n, int32 or int64.")
    Path queryLabels;

    @Option(names = "--db-labels", paramLabel = "B.npy", description = "Database labels, m, int32 or int64.")
    Path dbLabels;

    @Option(names = "--exclude-self",
            description = "Queries are the database (leave-one-out): each query's own item leaves its ranking.")
    boolean excludeSelf;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Engine checkpoint (trained, or made by 'lrml import') whose network describes the images.")
    Path checkpoint;

    @Option(names = "--protocol", paramLabel = "NAME",
            description = "seen, unseen (Fashion-MNIST), oxford5k, paris6k, roxford5k, rparis6k or holidays"
                    + " (default with --checkpoint: the Fashion-MNIST protocol the checkpoint was trained for).")
    String protocol;

    @Option(names = {"--dataset", "--data"}, paramLabel = "DIR",
            description = "The protocol's data set folder (default for seen/unseen: /usr/share/datasets/fashion-mnist).")
    Path dataset;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for metrics.json.")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String backend = "auto";

    @Mixin
    DescriptorOptions pipeline;

    @Option(names = "--qe", paramLabel = "K",
            description = "Alpha query expansion: each query plus its K nearest database descriptors, weighted by"
                    + " max(s, 0)^alpha, then L2, and ranked again (default: 0 = off).")
    int qeK;

    @Option(names = "--qe-alpha", paramLabel = "A", description = "Query expansion's alpha (default: ${DEFAULT-VALUE}).")
    double qeAlpha = 3.0;

    /** --blocked, --keep, --distractors, --block-rows: databases larger than memory (BlockedEval). */
    @Mixin
    BlockedEvalOptions blocked = new BlockedEvalOptions();

    /** For tests and the trainer: replaces how --checkpoint is loaded. */
    static void setExtractorLoader(ExtractorLoader loader) {
        extractorLoader = loader;
    }

    static ExtractorLoader extractorLoader() {
        return extractorLoader;
    }

    /** The network of --checkpoint with this command's --backend, --image-size and --scales (or the tests' loader). */
    DescriptorExtractor loadExtractor() throws IOException {
        ExtractorLoader loader = extractorLoader != null ? extractorLoader
                : file -> LandmarkCheckpoints.load(file, backend, pipeline.imageSize, pipeline.scales());
        return loader.load(checkpoint);
    }

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Override
    public Integer call() throws Exception {
        return profile.around(this::evaluate, out, "");
    }

    private Integer evaluate() throws IOException {
        pipeline.check();
        if (qeK < 0) {
            throw new UserError("--qe must be 0 (off) or a positive number of neighbours, got " + qeK);
        }
        if (!(qeAlpha >= 0) || !Double.isFinite(qeAlpha)) {
            throw new UserError("--qe-alpha must be a number >= 0, got " + qeAlpha);
        }
        if (blocked.requested(this)) {
            return BlockedEval.run(this, blocked);
        }
        blocked.checkInMemory(this);
        boolean descriptorMode = queryDescriptors != null || dbDescriptors != null || queryLabels != null
                || dbLabels != null;
        boolean protocolMode = checkpoint != null || protocol != null || dataset != null;
        if (descriptorMode && protocolMode) {
            throw new UserError("choose one mode: descriptor files (--query-descriptors ...) or a protocol run"
                    + " (--checkpoint, --protocol, --dataset), not both");
        }
        OutputPaths.requireFolder(out, "--out");
        List<EvalResult> results;
        if (protocolMode) {
            results = runProtocol();
        } else if (descriptorMode) {
            results = List.of(runDescriptors());
        } else {
            throw new UserError("nothing to evaluate: give --query-descriptors with --query-labels (and --db-descriptors"
                    + " with --db-labels, or --exclude-self), or --checkpoint with --protocol; see 'lrml eval --help'");
        }
        for (EvalResult r : results) {
            System.out.println(r.summary());
        }
        Path file = MetricsJson.write(out, results);
        System.out.println("wrote " + file);
        return 0;
    }

    private EvalResult runDescriptors() throws IOException {
        if (queryDescriptors == null || queryLabels == null) {
            throw new UserError("descriptor mode needs --query-descriptors and --query-labels");
        }
        if ((dbDescriptors == null) != (dbLabels == null)) {
            throw new UserError("give --db-descriptors and --db-labels together");
        }
        if (dbDescriptors == null && !excludeSelf) {
            throw new UserError("no database: give --db-descriptors and --db-labels, or --exclude-self to rank the"
                    + " queries against each other (leave-one-out)");
        }
        Matrix q = readDescriptors(queryDescriptors, "--query-descriptors");
        int[] ql = readLabels(queryLabels, "--query-labels", q.rows, queryDescriptors);
        Matrix x = dbDescriptors == null ? q : readDescriptors(dbDescriptors, "--db-descriptors");
        int[] xl = dbDescriptors == null ? ql : readLabels(dbLabels, "--db-labels", x.rows, dbDescriptors);
        if (x.cols != q.cols) {
            throw new UserError("--db-descriptors " + dbDescriptors + " has dimension " + x.cols
                    + " but --query-descriptors " + queryDescriptors + " has " + q.cols);
        }
        if (excludeSelf && x.rows != q.rows) {
            throw new UserError("--exclude-self means the queries are the database, but there are " + q.rows
                    + " queries and " + x.rows + " database items");
        }
        String name = excludeSelf ? "descriptors (leave-one-out)" : "descriptors";
        if (pipeline.scales != null || pipeline.imageSize != null) {
            throw new UserError("--scales and --image-size apply when a network describes images (--checkpoint), not"
                    + " to descriptor files");
        }
        Postprocessing post = pipeline.postprocessing(qeK, qeAlpha, backend);
        if (!post.isNone()) {
            if (excludeSelf && (post.qeK() > 0 || post.dbaK() > 0)) {
                throw new UserError("--qe and --dba with --exclude-self would let a query see itself; give separate"
                        + " --db-descriptors");
            }
            Postprocessing.Descriptors d = post.apply(q.values, q.rows, x.values, x.rows, q.cols);
            q = new Matrix(q.rows, d.dim(), d.queries());
            x = excludeSelf ? q : new Matrix(x.rows, d.dim(), d.database());
            System.out.println("post-processing: " + post.describe());
        }
        ProgressBar bar = new ProgressBar("rank", q.rows);
        EvalResult r = DescriptorEval.evaluate(name, q.values, x.values, ql, xl, q.cols, excludeSelf, bar::step);
        // Only a finished run draws the final line, so a failure stays one line on stderr.
        bar.finish();
        return r;
    }

    private List<EvalResult> runProtocol() throws IOException {
        if (protocol == null) {
            protocol = defaultProtocol(checkpoint);
        }
        Protocols.Protocol p;
        try {
            p = Protocols.Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            throw new UserError("--protocol: " + e.getMessage());
        }
        if (checkpoint == null) {
            throw new UserError("--protocol " + p.cliName() + " needs --checkpoint FILE (the network to evaluate)");
        }
        if (!p.isFashionMnist() && dataset == null) {
            throw new UserError("--protocol " + p.cliName() + " needs --dataset DIR (the folder with its images and"
                    + " ground truth)");
        }
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserError("--checkpoint " + checkpoint + ": no such file");
        }
        if (p.isFashionMnist() && (pipeline.scales != null || pipeline.whitening != null || pipeline.dbaK > 0 || qeK > 0)) {
            throw new UserError("--protocol " + p.cliName() + ": --scales, --whitening, --dba and --qe are for landmark"
                    + " networks on the image benchmarks");
        }
        Postprocessing post = pipeline.postprocessing(qeK, qeAlpha, backend);
        DescriptorExtractor extractor = loadExtractor();
        if (!post.isNone()) {
            System.out.println("post-processing: " + post.describe());
        }
        ProgressBar[] bar = {null};
        try {
            return Protocols.run(p, dataset, extractor, post, (done, total) -> {
                if (bar[0] == null) {
                    bar[0] = new ProgressBar("describe " + p.cliName(), total);
                }
                bar[0].set(done);
            });
        } catch (IllegalArgumentException e) {
            // e.g. NaN descriptors from a network that overflows on these images: name what was evaluated.
            throw new UserError("--protocol " + p.cliName() + (dataset == null ? "" : " on --dataset " + dataset)
                    + " with --checkpoint " + checkpoint + ": " + e.getMessage(), e);
        } finally {
            if (bar[0] != null) {
                bar[0].finish();
            }
        }
    }

    /**
     * Without --protocol a checkpoint is evaluated on the Fashion-MNIST protocol it was trained for (its stored
     * config), and on "seen" when that cannot be read (the error about the file comes later, from the loader).
     */
    private static String defaultProtocol(Path checkpoint) {
        org.lrml.train.Checkpoint c;
        try {
            c = org.lrml.train.Checkpoint.read(checkpoint);
        } catch (IOException | RuntimeException e) {
            return "seen";
        }
        if (LandmarkCheckpoints.landmarkModel(c) != null) {
            throw new UserError(checkpoint + " holds a landmark network: give --protocol (oxford5k, paris6k, roxford5k,"
                    + " rparis6k or holidays) and --dataset DIR");
        }
        try {
            return c.config().data().protocol().cliName();
        } catch (RuntimeException e) {
            return "seen";
        }
    }

    /** An n x d float matrix read from .npy. */
    private record Matrix(int rows, int cols, float[] values) {
    }

    private static Matrix readDescriptors(Path file, String option) throws IOException {
        NpyArray a = Npy.read(file);
        if (!a.isFloat()) {
            throw new UserError(option + " " + file + ": descriptors must be float32 or float64, found "
                    + a.type().numpyName());
        }
        if (a.shape().length != 2) {
            throw new UserError(option + " " + file + ": descriptors must be a 2-D array (n x d), found shape "
                    + Arrays.toString(a.shape()));
        }
        if (a.shape()[0] == 0 || a.shape()[1] == 0) {
            throw new UserError(option + " " + file + ": empty descriptor array of shape " + Arrays.toString(a.shape()));
        }
        float[] values = a.toFloats();
        int d = a.shape()[1];
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new UserError(option + " " + file + ": row " + i / d + " holds " + values[i] + " at dimension "
                        + i % d + (Float.isInfinite(values[i]) && a.type() == NpyArray.Type.F8 ? " (in float32)" : "")
                        + "; descriptors must be finite (a NaN descriptor ranks arbitrarily)");
            }
        }
        return new Matrix(a.shape()[0], d, values);
    }

    private static int[] readLabels(Path file, String option, int rows, Path descriptors) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.isFloat()) {
            throw new UserError(option + " " + file + ": labels must be int32 or int64, found " + a.type().numpyName());
        }
        int[] shape = a.shape();
        boolean vector = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
        if (!vector) {
            throw new UserError(option + " " + file + ": labels must be a 1-D array (n), found shape "
                    + Arrays.toString(shape));
        }
        if (shape[0] != rows) {
            throw new UserError(option + " " + file + " holds " + shape[0] + " labels but " + descriptors + " holds "
                    + rows + " descriptors");
        }
        try {
            return a.toInts(option + " " + file);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
