package org.lrml.train;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.lrml.backend.DType;
import org.lrml.backend.LossSpec;
import org.lrml.data.FashionMnist;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.RetrievalNet;

/**
 * Everything that decides a training run (spec sections 2 and 3), grouped by the part of the run it configures.
 * The config is stored in config.json and in every checkpoint, so {@code --resume} continues with exactly the same
 * choices; {@link TrainConfigJson} owns that JSON form.
 *
 * <p>Build one with {@link #builder()}: its starting values are the recipe's defaults, defined there and nowhere
 * else ({@code lrml train --help} prints them from {@link #defaults()}). Change a stored config with
 * {@link #toBuilder()}.
 *
 * @param backend      cpu, cuda or auto
 * @param data         where the images are and which protocol trains and evaluates
 * @param schedule     what the training loop does per epoch and how often it evaluates
 * @param miner        K, negative and positive modes
 * @param loss         the loss and its parameters
 * @param optimization Adam's learning rate and weight decay, and GeM's p learning-rate multiplier
 * @param net          the network's shape
 * @param dtype        element type of the network, its gradients and the optimiser state (float64: CPU only)
 * @param clipping     gradient clipping before each optimiser step (off by default)
 * @param landmark     the landmark network and its images (used by the SfM-120k data set only)
 */
public record TrainConfig(String backend, Data data, Schedule schedule, TupleMiner.Config miner, LossSpec loss,
                          Optimization optimization, RetrievalNet.Config net, DType dtype, Clipping clipping,
                          Landmark landmark) {

    public TrainConfig {
        if (backend == null || data == null || schedule == null || miner == null || loss == null || optimization == null
                || net == null || dtype == null || clipping == null || landmark == null) {
            throw new IllegalArgumentException("training config: every part is required, got backend " + backend
                    + ", data " + data + ", schedule " + schedule + ", miner " + miner + ", loss " + loss
                    + ", optimization " + optimization + ", net " + net + ", dtype " + dtype + ", clipping " + clipping
                    + ", landmark " + landmark);
        }
    }

    /** A float32 Fashion-MNIST config without clipping (the form every config had before those choices existed). */
    public TrainConfig(String backend, Data data, Schedule schedule, TupleMiner.Config miner, LossSpec loss,
                       Optimization optimization, RetrievalNet.Config net) {
        this(backend, data, schedule, miner, loss, optimization, net, DType.F32, Clipping.NONE, Landmark.defaults());
    }

    /** Which data set a run trains on; each has its assembler of the training parts. */
    public enum Dataset {
        /** Fashion-MNIST's IDX files (train.fashion.FashionTraining). */
        FASHION_MNIST("fashion-mnist"),
        /** cirtorch's retrieval-SfM-120k.pkl and ims/ (train.sfm.SfmTraining). */
        SFM120K("sfm120k");

        private final String cliName;

        Dataset(String cliName) {
            this.cliName = cliName;
        }

        /** The name {@code --dataset} takes. */
        public String cliName() {
            return cliName;
        }

        /** The data set of a {@code --dataset} value; the error lists the names. */
        public static Dataset parse(String s) {
            for (Dataset d : values()) {
                if (d.cliName.equalsIgnoreCase(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown data set '" + s + "': expected fashion-mnist or sfm120k");
        }
    }

    /**
     * The landmark network a SfM-120k run fine-tunes (cirtorch's recipe): a trunk with frozen batch norm, GeM with
     * the net's initial p, L2; images described with their longer side at {@code imageSize}.
     *
     * @param arch       the trunk
     * @param pretrained the checkpoint whose trunk weights start the run ({@code lrml import --torch}), or null for
     *                   torchvision's random initialisation (tests, timing)
     * @param imageSize  the longer side of training images in pixels (images are only shrunk, as cirtorch's
     *                   thumbnail)
     * @param lrDecay    d of the learning rate exp(-d x epoch) in epoch 1, 2, ... (cirtorch's ExponentialLR
     *                   stepped at the start of every epoch)
     * @param tuplesPerForward 0: a step's distinct images go through the network at once; n: in groups of n
     *                   tuples with gradients accumulated (1 = cirtorch; the memory of one group)
     */
    public record Landmark(LandmarkNet.Arch arch, Path pretrained, int imageSize, double lrDecay,
                           int tuplesPerForward) {
        public Landmark {
            if (tuplesPerForward < 0) {
                throw new IllegalArgumentException("training: --tuples-per-forward must be >= 0 (0 = the whole step),"
                        + " got " + tuplesPerForward);
            }
            if (arch == null) {
                throw new IllegalArgumentException("training: --arch is required");
            }
            if (imageSize < 16) {
                throw new IllegalArgumentException("training: --image-size must be >= 16, got " + imageSize);
            }
            if (!(lrDecay >= 0) || Double.isInfinite(lrDecay)) {
                throw new IllegalArgumentException("training: --lr-decay must be finite and >= 0, got " + lrDecay);
            }
        }

        /** ResNet-101 at 362 px, decay 0.01 per epoch, no pretrained weights named, whole steps per forward pass. */
        public static Landmark defaults() {
            return new Landmark(LandmarkNet.Arch.RESNET101, null, 362, 0.01, 0);
        }

        /**
         * The contrastive margin of cirtorch's recipes for this trunk: 0.85 for a ResNet (the README's best
         * ResNet-101), cirtorch's default 0.7 otherwise.
         */
        public double contrastiveMargin() {
            return arch.isResNet() ? 0.85 : 0.7;
        }
    }

    /**
     * Gradient clipping before each optimiser step, as PyTorch's {@code clip_grad_value_} then
     * {@code clip_grad_norm_}: every gradient entry into [-value, value], then all gradients scaled by
     * {@code norm / (total + 1e-6)} when their total L2 norm exceeds {@code norm}. 0 turns either off.
     *
     * @param norm  largest total gradient norm (0: off)
     * @param value largest absolute gradient entry (0: off)
     */
    public record Clipping(double norm, double value) {
        /** No clipping. */
        public static final Clipping NONE = new Clipping(0, 0);

        public Clipping {
            if (!(norm >= 0) || Double.isInfinite(norm)) {
                throw new IllegalArgumentException("training: --clip-grad-norm must be finite and >= 0 (0 = off), got "
                        + norm);
            }
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("training: --clip-grad-value must be finite and >= 0 (0 = off), got "
                        + value);
            }
        }

        /** Whether any clipping is on. */
        public boolean any() {
            return norm > 0 || value > 0;
        }
    }

    /** Which Fashion-MNIST protocol the run trains and evaluates for. */
    public enum Protocol {
        SEEN, UNSEEN;

        public static Protocol parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown protocol '" + s + "': expected seen or unseen");
            }
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param dir      folder of the data set (Fashion-MNIST's IDX files; SfM-120k's pickle and ims/)
     * @param protocol Fashion-MNIST: seen (train on all labels) or unseen (train on labels 0-4, test on 5-9)
     * @param dataset  which data set
     */
    public record Data(Path dir, Protocol protocol, Dataset dataset) {
        public Data {
            if (dir == null || protocol == null || dataset == null) {
                throw new IllegalArgumentException("training data: a folder, a protocol and a data set are required,"
                        + " got " + dir + ", " + protocol + " and " + dataset);
            }
        }

        /** Fashion-MNIST data. */
        public Data(Path dir, Protocol protocol) {
            this(dir, protocol, Dataset.FASHION_MNIST);
        }
    }

    /**
     * The training loop's plan; every field is generic (no data set or network in it).
     *
     * @param epochs        number of epochs (each: mine, then train on the mined tuples)
     * @param queries       random training queries mined per epoch (Q)
     * @param pool          random training images ranked per epoch (P)
     * @param tuplesPerStep tuples per optimiser step
     * @param evalEvery     evaluate every this many epochs (and always after the last); 0 = only at the end
     * @param describeBatch images per batch when computing descriptors in inference mode
     * @param seed          seed of every random choice (weights, mining, order)
     */
    public record Schedule(int epochs, int queries, int pool, int tuplesPerStep, int evalEvery, int describeBatch,
                           long seed) {
        public Schedule {
            atLeast("--epochs", epochs, 0);
            atLeast("--queries", queries, 1);
            atLeast("--pool", pool, 2);
            atLeast("--tuples-per-step", tuplesPerStep, 1);
            atLeast("--eval-every", evalEvery, 0);
            atLeast("--describe-batch", describeBatch, 1);
        }

        /** Whether the metrics are computed after this (1-based) epoch. */
        public boolean evaluatesAfter(int epoch) {
            return epoch == epochs || (evalEvery > 0 && epoch % evalEvery == 0);
        }

        private static void atLeast(String flag, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException("training: " + flag + " must be >= " + min + ", got " + value);
            }
        }
    }

    /**
     * @param lr              Adam learning rate
     * @param gemLrMultiplier learning rate multiplier of GeM's p (which also gets no weight decay)
     * @param weightDecay     Adam weight decay (L2, not decoupled)
     */
    public record Optimization(double lr, double gemLrMultiplier, double weightDecay) {
        public Optimization {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("training: --lr must be finite and > 0, got " + lr);
            }
            if (!(gemLrMultiplier > 0) || Double.isInfinite(gemLrMultiplier)) {
                throw new IllegalArgumentException("training: --gem-lr-mult must be finite and > 0, got "
                        + gemLrMultiplier);
            }
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("training: --weight-decay must be finite and >= 0, got " + weightDecay);
            }
        }
    }

    /** The trainer issue's recipe: 10 epochs of 2000 queries / 10000-image pool, 25 tuples per step, Adam 1e-3. */
    public static TrainConfig defaults() {
        return builder().build();
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this config (e.g. a stored config with another epoch count). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A JSON-ready map of every field (config.json and checkpoints). */
    public Map<String, Object> toMap() {
        return TrainConfigJson.toMap(this);
    }

    /** The inverse of {@link #toMap()}; missing or mistyped entries are an error naming the key. */
    public static TrainConfig fromMap(Map<String, Object> m) {
        return TrainConfigJson.fromMap(m);
    }

    /**
     * Builds a {@link TrainConfig} field by field. The field initialisers below ARE the defaults of the recipe
     * (spec sections 2 and 3; the trainer issue); nothing else repeats them.
     */
    public static final class Builder {
        private String backend = "auto";
        private Path dataDir = FashionMnist.DEFAULT_DIR;
        private Protocol protocol = Protocol.SEEN;
        private int epochs = 10;
        private int queries = 2000;
        private int pool = 10000;
        private int tuplesPerStep = 25;
        private int evalEvery = 1;
        private int describeBatch = 500;
        private long seed = 0;
        private TupleMiner.Config miner = TupleMiner.Config.defaults();
        private LossSpec loss = LossSpec.lrml();
        private double lr = 1e-3;
        private double gemLrMultiplier = 10.0;
        private double weightDecay = 1e-6;
        private RetrievalNet.Config net = RetrievalNet.Config.fashionMnist();
        private DType dtype = DType.F32;
        private double clipGradNorm = 0;
        private double clipGradValue = 0;
        private Dataset dataset = Dataset.FASHION_MNIST;
        private Landmark landmark = Landmark.defaults();

        private Builder() {
        }

        /**
         * The SfM-120k data set with cirtorch's training recipe (its train.py defaults, the README's best ResNet-101
         * run in brackets): 100 epochs of 2000 queries and a 20000-image pool [22000], 5 tuples per step, Adam at
         * 1e-6 [5e-7] with weight decay 1e-4, 16 images per descriptor batch (images of 362 px, not 28). The
         * loss stays LRML; the rest of the builder is untouched.
         */
        public Builder sfm120kRecipe() {
            dataset = Dataset.SFM120K;
            epochs = 100;
            queries = 2000;
            pool = 20000;
            tuplesPerStep = 5;
            lr = 1e-6;
            weightDecay = 1e-4;
            describeBatch = 16;
            return this;
        }

        private Builder(TrainConfig c) {
            backend = c.backend();
            dataDir = c.data().dir();
            protocol = c.data().protocol();
            Schedule s = c.schedule();
            epochs = s.epochs();
            queries = s.queries();
            pool = s.pool();
            tuplesPerStep = s.tuplesPerStep();
            evalEvery = s.evalEvery();
            describeBatch = s.describeBatch();
            seed = s.seed();
            miner = c.miner();
            loss = c.loss();
            lr = c.optimization().lr();
            gemLrMultiplier = c.optimization().gemLrMultiplier();
            weightDecay = c.optimization().weightDecay();
            net = c.net();
            dtype = c.dtype();
            clipGradNorm = c.clipping().norm();
            clipGradValue = c.clipping().value();
            dataset = c.data().dataset();
            landmark = c.landmark();
        }

        public Builder dataset(Dataset v) {
            dataset = v;
            return this;
        }

        public Builder landmark(Landmark v) {
            landmark = v;
            return this;
        }

        public Builder backend(String v) {
            backend = v;
            return this;
        }

        public Builder data(Path v) {
            dataDir = v;
            return this;
        }

        public Builder protocol(Protocol v) {
            protocol = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder queries(int v) {
            queries = v;
            return this;
        }

        public Builder pool(int v) {
            pool = v;
            return this;
        }

        public Builder tuplesPerStep(int v) {
            tuplesPerStep = v;
            return this;
        }

        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder describeBatch(int v) {
            describeBatch = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder miner(TupleMiner.Config v) {
            miner = v;
            return this;
        }

        public Builder loss(LossSpec v) {
            loss = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder gemLrMultiplier(double v) {
            gemLrMultiplier = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder net(RetrievalNet.Config v) {
            net = v;
            return this;
        }

        public Builder dtype(DType v) {
            dtype = v;
            return this;
        }

        public Builder clipGradNorm(double v) {
            clipGradNorm = v;
            return this;
        }

        public Builder clipGradValue(double v) {
            clipGradValue = v;
            return this;
        }

        /** The config; an invalid value is an error naming its flag and value. */
        public TrainConfig build() {
            return new TrainConfig(backend, new Data(dataDir, protocol, dataset),
                    new Schedule(epochs, queries, pool, tuplesPerStep, evalEvery, describeBatch, seed), miner, loss,
                    new Optimization(lr, gemLrMultiplier, weightDecay), net, dtype,
                    new Clipping(clipGradNorm, clipGradValue), landmark);
        }
    }
}
