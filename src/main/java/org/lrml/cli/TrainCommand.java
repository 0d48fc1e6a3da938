package org.lrml.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

import org.lrml.backend.DType;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.RetrievalNet;
import org.lrml.train.RunFolder;
import org.lrml.train.TrainConfig;
import org.lrml.train.Trainer;
import org.lrml.train.fashion.FashionTraining;
import org.lrml.train.sfm.SfmTraining;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrml train}: the main job. Defaults come from {@link TrainConfig#defaults()} through {@link TrainDefaults},
 * so {@code --help} prints exactly what the trainer uses.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = TrainDefaults.class, resourceBundle = "org.lrml.cli.TrainDefaults$Bundle",
        description = {"Train the Fashion-MNIST retrieval network, or fine-tune a landmark network on SfM-120k as",
                "cirtorch does (--dataset sfm120k), with the LRML loss (or a baseline) and evaluate it.",
                "",
                "Each epoch draws --queries random training queries and a --pool of training images, computes their",
                "descriptors in inference mode, mines tuples (query, positive, K negatives) with the ranking op, and",
                "trains on them in steps of --tuples-per-step tuples with Adam. Metrics of the untrained network come",
                "first, then after every --eval-every epochs. Each epoch writes an atomic checkpoint, history.json and",
                "curves.png; the end writes metrics.json and gallery.png. With no options: the defaults below.",
                ""},
        footer = {"", "Examples:",
                "  lrml train                                   # the default recipe, results in runs/<time>/",
                "  lrml train --protocol unseen --negatives bottom --out runs/bottom",
                "  lrml train --loss contrastive                # margin defaults to ${bundle:margin.contrastive}"
                        + " (triplet: ${bundle:margin.triplet})",
                "  lrml train --resume runs/bottom --epochs 20  # continue a run (bit for bit on the CPU)",
                "  lrml train --dataset sfm120k --data train/retrieval-SfM-120k --arch resnet101 \\",
                "      --pretrained r101.ckpt --pool 22000 --lr 5e-7 --out runs/sfm   # cirtorch's best recipe, LRML",
                "",
                "Threads on the CPU: LRML_JAVA_OPTS=-Dlrml.cpu.threads=N ./lrml train"})
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME", description = "fashion-mnist, or sfm120k: cirtorch's"
            + " retrieval-SfM-120k.pkl and ims/ in --data, its recipe's defaults where marked sfm120k (default:"
            + " ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder of the Fashion-MNIST IDX files, gzip or raw "
            + "(default: ${DEFAULT-VALUE}; Debian: apt-get install dataset-fashion-mnist); for sfm120k the folder of"
            + " retrieval-SfM-120k.pkl and ims/ (required).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder for checkpoints and reports (default: runs/<date-time>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its latest checkpoint,"
            + " with its stored settings (only --epochs, --backend and --data may change).")
    Path resume;

    @Option(names = "--draws-out", paramLabel = "DIR", description = "Also write the run's random draws (initial"
            + " weights, and per epoch queries, pool, mined tuples, batch order) to DIR, so another engine can train on"
            + " the same randomness (bench/peer/same_draws.py does it in PyTorch).")
    Path drawsOut;

    @Option(names = "--backend", paramLabel = "NAME", description = "cpu, cuda or auto (CUDA when usable, else CPU; default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--protocol", paramLabel = "P", description = "seen: train on all labels, evaluate test vs train;"
            + " unseen: train on labels 0-4, evaluate labels 5-9 leave-one-out (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}; sfm120k: ${bundle:sfm.epochs}).")
    int epochs;

    @Option(names = "--queries", paramLabel = "Q", description = "Training queries mined per epoch (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--pool", paramLabel = "P", description = "Training images ranked per epoch to find negatives (default: ${DEFAULT-VALUE}; sfm120k:"
            + " ${bundle:sfm.pool}).")
    int pool;

    @Option(names = "--tuples-per-step", paramLabel = "M", description = "Tuples per optimiser step (default: ${DEFAULT-VALUE}; sfm120k:"
            + " ${bundle:sfm.tuples-per-step}).")
    int tuplesPerStep;

    @Option(names = "--negatives-per-tuple", paramLabel = "K", description = "Negatives per tuple (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--negatives", paramLabel = "MODE", description = "hardest: the K most similar images of other labels,"
            + " at most one per label; bottom: the K least similar (default: ${DEFAULT-VALUE}).")
    String negatives;

    @Option(names = "--positives", paramLabel = "MODE", description = "random: a random other image of the query's label;"
            + " hardest: the least similar one in the pool (default: ${DEFAULT-VALUE}).")
    String positives;

    @Option(names = "--loss", paramLabel = "NAME", description = "lrml, contrastive or triplet (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--alpha", paramLabel = "A", description = "LRML negative boundary alpha (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--margin", paramLabel = "M", description = "LRML: m, the positive boundary is alpha - m (default"
            + " ${bundle:margin.lrml}); contrastive margin (default ${bundle:margin.contrastive}), 0.85 for sfm120k"
            + " with a ResNet as cirtorch's best recipe; triplet margin (default ${bundle:margin.triplet}).")
    Double margin;

    @Option(names = "--temperature", paramLabel = "T", description = "LRML weighting temperature T (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--lambda", paramLabel = "L", description = "LRML weight of the negative term (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--delta", paramLabel = "D", description = "LRML rank-graded boundary step: alpha_k = alpha + (k-1) delta"
            + " (default: ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--mu", paramLabel = "MU", description = "LRML weight of the ranking-order term (default: ${DEFAULT-VALUE}).")
    double mu;

    @Option(names = "--order-eps", paramLabel = "E", description = "LRML order margin eps_o (default: ${DEFAULT-VALUE}).")
    double orderEps;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam learning rate (default: ${DEFAULT-VALUE}; sfm120k: ${bundle:sfm.lr}).")
    double lr;

    @Option(names = "--gem-lr-mult", paramLabel = "X", description = "Learning-rate multiplier of GeM's p, which gets no"
            + " weight decay (default: ${DEFAULT-VALUE}).")
    double gemLrMult;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Adam weight decay (default: ${DEFAULT-VALUE}; sfm120k:"
            + " ${bundle:sfm.weight-decay}).")
    double weightDecay;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of weights, mining and order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dim", paramLabel = "D", description = "Descriptor size (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--widths", split = ",", paramLabel = "W", description = "Channels of the three conv blocks (default: ${DEFAULT-VALUE}).")
    int[] widths;

    @Option(names = "--pooling", paramLabel = "P", description = "gem, mac or spoc (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--gem-p", paramLabel = "P", description = "GeM's initial p (default: ${DEFAULT-VALUE}).")
    double gemP;

    @Option(names = "--arch", paramLabel = "NAME", description = "sfm120k: the trunk, resnet18/34/50/101/152 or vgg16"
            + " (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--pretrained", paramLabel = "C.ckpt", description = "sfm120k: start from the trunk of this landmark"
            + " checkpoint (lrml import --torch of torchvision's ImageNet weights); without it the trunk is drawn at"
            + " random as torchvision initialises it.")
    Path pretrained;

    @Option(names = "--image-size", paramLabel = "PX", description = "sfm120k: training images are shrunk to this"
            + " longer side (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--lr-decay", paramLabel = "D", description = "sfm120k: the learning rate of epoch e is"
            + " lr x exp(-D e), cirtorch's exponential decay (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--tuples-per-forward", paramLabel = "N", description = "sfm120k: put a step's tuples through"
            + " the network N at a time, accumulating gradients for the one optimiser step (1 = cirtorch, the memory"
            + " of one tuple); 0 = all of a step's images at once (default: ${DEFAULT-VALUE}).")
    int tuplesPerForward;

    @Option(names = "--eval-every", paramLabel = "N", description = "Evaluate every N epochs and after the last;"
            + " 0 = only after the last, without the untrained baseline (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--describe-batch", paramLabel = "B", description = "Images per batch when computing descriptors (default: ${DEFAULT-VALUE};"
            + " sfm120k: ${bundle:sfm.describe-batch}).")
    int describeBatch;

    @Option(names = "--dtype", paramLabel = "T", description = "float32, or float64 for exact experiments (CPU backend"
            + " only; about 2x slower) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--clip-grad-norm", paramLabel = "N", description = "Scale the gradients down when their total L2"
            + " norm exceeds N; 0 = off (default: ${DEFAULT-VALUE}).")
    double clipGradNorm;

    @Option(names = "--clip-grad-value", paramLabel = "V", description = "Clamp every gradient entry to [-V, V]"
            + " (before --clip-grad-norm); 0 = off (default: ${DEFAULT-VALUE}).")
    double clipGradValue;

    @Option(names = "--profile", description = "Profile the run: print a table of ops and kernels by time and write"
            + " profile.json and trace.json (Perfetto, chrome://tracing) into the run folder (docs/profiling.md).")
    boolean profile;

    @Option(names = "--detect-anomaly", description = "Stop at the first NaN or infinity any op makes, naming the op,"
            + " where it was created and its inputs' statistics (slow: every result is checked on the host).")
    boolean detectAnomaly;

    private static final List<String> RESUMABLE = List.of("--resume", "--epochs", "--backend", "--data", "--profile",
            "--detect-anomaly");

    @Override
    public Integer call() throws Exception {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        Trainer trainer;
        if (resume != null) {
            for (CommandLine.Model.OptionSpec o : parsed.matchedOptions()) {
                if (!RESUMABLE.contains(o.longestName())) {
                    throw new UserError(o.longestName() + " cannot change on --resume: the run keeps the settings stored"
                            + " in its checkpoint (only --epochs, --backend, --data, --profile and --detect-anomaly may"
                            + " be given)");
                }
            }
            boolean setEpochs = parsed.hasMatchedOption("--epochs");
            boolean setBackend = parsed.hasMatchedOption("--backend");
            boolean setData = parsed.hasMatchedOption("--data");
            // Which assembler continues the run: its config.json says (a folder without one gets the Fashion-MNIST
            // path's errors, as before SfM-120k existed).
            RunFolder folder = RunFolder.at(resume);
            TrainConfig.Dataset stored = java.nio.file.Files.isRegularFile(folder.configJson())
                    ? folder.readConfig().data().dataset() : TrainConfig.Dataset.FASHION_MNIST;
            UnaryOperator<TrainConfig> adjust = c -> {
                TrainConfig.Builder r = c.toBuilder();
                if (setEpochs) {
                    r.epochs(epochs);
                }
                if (setBackend) {
                    r.backend(backend);
                }
                if (setData) {
                    r.data(data);
                }
                return r.build();
            };
            trainer = stored == TrainConfig.Dataset.SFM120K ? SfmTraining.resume(resume, adjust, System.out)
                    : FashionTraining.resume(resume, adjust, System.out);
        } else {
            TrainConfig cfg = config();
            Path dir = out != null ? out : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd_HH-mm-ss", Locale.ROOT)));
            OutputPaths.requireFolder(dir, "--out");
            if (RunFolder.at(dir).holdsRun()) {
                throw new UserError("--out " + dir + " already holds a run; use --resume " + dir + " to continue it, or"
                        + " another --out");
            }
            trainer = cfg.data().dataset() == TrainConfig.Dataset.SFM120K ? SfmTraining.start(cfg, dir, System.out)
                    : FashionTraining.start(cfg, dir, System.out);
            if (drawsOut != null) {
                trainer.logDraws(drawsOut);
            }
        }
        trainer.profile(profile).detectAnomaly(detectAnomaly).run();
        return 0;
    }

    /** Flags of the Fashion-MNIST network, and of the landmark run, each refused with the other data set. */
    private static final List<String> FASHION_ONLY = List.of("--protocol", "--dim", "--widths");
    private static final List<String> SFM_ONLY = List.of("--arch", "--pretrained", "--image-size", "--lr-decay",
            "--tuples-per-forward");

    /** The config of a new run: the data set's defaults with every given flag applied. */
    TrainConfig config() {
        TrainConfig.Dataset ds = parseDataset(dataset);
        boolean sfm = ds == TrainConfig.Dataset.SFM120K;
        for (String o : sfm ? FASHION_ONLY : SFM_ONLY) {
            if (given(o)) {
                throw new UserError(o + " is not a setting of --dataset " + ds.cliName() + " (it is for "
                        + (sfm ? "fashion-mnist" : "sfm120k") + ")");
            }
        }
        if (sfm && !given("--data")) {
            throw new UserError("--dataset sfm120k needs --data DIR: the folder of retrieval-SfM-120k.pkl and ims/"
                    + " (cirtorch's train/retrieval-SfM-120k)");
        }
        LossKind kind = LossKind.parse(loss);
        LossSpec s = LossSpec.defaults(kind);
        if (kind == LossKind.LRML) {
            s = new LossSpec(kind, alpha, margin != null ? margin : s.margin(), temperature, lambda, delta, mu, orderEps);
        } else {
            for (String o : List.of("--alpha", "--temperature", "--lambda", "--delta", "--mu", "--order-eps")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new UserError(o + " is an LRML parameter; --loss " + loss + " only takes --margin");
                }
            }
            if (margin != null) {
                s = s.withMargin(margin);
            } else if (sfm && kind == LossKind.CONTRASTIVE) {
                s = s.withMargin(landmark(ds).contrastiveMargin());
            }
        }
        TrainConfig d = TrainConfig.defaults();
        TupleMiner.Config miner = new TupleMiner.Config(k, parseEnum(TupleMiner.NegativeMode.class, negatives, "--negatives"),
                parseEnum(TupleMiner.PositiveMode.class, positives, "--positives"), d.miner().candidatesPerNegative());
        RetrievalNet.Config net = new RetrievalNet.Config(d.net().inChannels(), widths, dim,
                RetrievalNet.Pooling.parse(pooling), gemP);
        TrainConfig.Builder b = TrainConfig.builder()
                .data(data)
                .backend(backend)
                .protocol(TrainConfig.Protocol.parse(protocol))
                .epochs(epochs)
                .queries(queries)
                .pool(pool)
                .tuplesPerStep(tuplesPerStep)
                .miner(miner)
                .loss(s)
                .lr(lr)
                .gemLrMultiplier(gemLrMult)
                .weightDecay(weightDecay)
                .seed(seed)
                .net(net)
                .evalEvery(evalEvery)
                .describeBatch(describeBatch)
                .dtype(parseDtype(dtype))
                .clipGradNorm(clipGradNorm)
                .clipGradValue(clipGradValue)
                .dataset(ds)
                .landmark(landmark(ds));
        if (sfm) {
            // The SfM-120k recipe's defaults where the flag was not given (the help lists them).
            TrainConfig r = TrainConfig.builder().sfm120kRecipe().build();
            b.epochs(given("--epochs") ? epochs : r.schedule().epochs())
                    .queries(given("--queries") ? queries : r.schedule().queries())
                    .pool(given("--pool") ? pool : r.schedule().pool())
                    .tuplesPerStep(given("--tuples-per-step") ? tuplesPerStep : r.schedule().tuplesPerStep())
                    .lr(given("--lr") ? lr : r.optimization().lr())
                    .weightDecay(given("--weight-decay") ? weightDecay : r.optimization().weightDecay())
                    .describeBatch(given("--describe-batch") ? describeBatch : r.schedule().describeBatch());
        }
        return b.build();
    }

    private TrainConfig.Landmark landmark(TrainConfig.Dataset ds) {
        if (ds != TrainConfig.Dataset.SFM120K) {
            return TrainConfig.Landmark.defaults();
        }
        try {
            return new TrainConfig.Landmark(LandmarkNet.Arch.parse(arch), pretrained, imageSize, lrDecay,
                    tuplesPerForward);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage().startsWith("training:") ? e.getMessage() : "--arch: " + e.getMessage());
        }
    }

    private boolean given(String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    private static TrainConfig.Dataset parseDataset(String value) {
        try {
            return TrainConfig.Dataset.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UserError("--dataset: " + e.getMessage());
        }
    }

    private static DType parseDtype(String value) {
        for (DType d : DType.values()) {
            if (d.numpyName().equalsIgnoreCase(value)) {
                return d;
            }
        }
        throw new UserError("--dtype: unknown value '" + value + "'; expected float32 or float64");
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new UserError(option + ": unknown value '" + value + "'; expected "
                + String.join(" or ", java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList()));
    }
}
