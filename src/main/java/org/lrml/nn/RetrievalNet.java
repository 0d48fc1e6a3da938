package org.lrml.nn;

import java.util.Arrays;
import java.util.Locale;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * The retrieval network of the trainer (spec section 1): three conv 3x3 (padding 1) + batch norm + ReLU
 * blocks, max-pool 2 after the first two, global pooling (GeM with learnable p by default, or MAC /
 * SPoC), a linear "whitening" layer to the descriptor size, and L2 normalisation. Input N x C x H x W,
 * output N x D unit rows.
 */
public final class RetrievalNet extends Module {

    /** The global pooling that turns the last feature map into one vector per image. */
    public enum Pooling {
        GEM, MAC, SPOC;

        public static Pooling parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown pooling '" + s + "': expected gem, mac or spoc");
            }
        }
    }

    /** Shape of the network: input channels, the three block widths, descriptor size, pooling, GeM's initial p. */
    public record Config(int inChannels, int[] widths, int dim, Pooling pooling, double gemP) {
        public Config {
            if (inChannels < 1 || widths == null || widths.length != 3 || Arrays.stream(widths).anyMatch(w -> w < 1)
                    || dim < 1 || pooling == null || !(gemP > 0)) {
                throw new IllegalArgumentException("network: need input channels >= 1, three widths >= 1, dim >= 1,"
                        + " a pooling and GeM p > 0; got " + inChannels + ", " + Arrays.toString(widths) + ", " + dim
                        + ", " + pooling + ", " + gemP);
            }
            widths = widths.clone();
        }

        /** The trainer's default: 1 -> 32 -> 64 -> 128, GeM (p = 3), 64-d descriptors. */
        public static Config fashionMnist() {
            return new Config(1, new int[]{32, 64, 128}, 64, Pooling.GEM, 3.0);
        }

        @Override
        public int[] widths() {
            return widths.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && c.inChannels == inChannels && Arrays.equals(c.widths, widths) && c.dim == dim
                    && c.pooling == pooling && Double.compare(c.gemP, gemP) == 0;
        }

        @Override
        public int hashCode() {
            return ((inChannels * 31 + Arrays.hashCode(widths)) * 31 + dim) * 31 + pooling.hashCode();
        }

        @Override
        public String toString() {
            return "conv " + inChannels + "->" + widths[0] + "->" + widths[1] + "->" + widths[2] + ", "
                    + pooling.name().toLowerCase(Locale.ROOT) + (pooling == Pooling.GEM ? " (p " + gemP + ")" : "")
                    + ", linear " + widths[2] + "->" + dim + ", L2";
        }
    }

    private final Config config;
    private final Sequential features;
    private final Module pool;
    private final Linear whiten;
    private final L2Norm norm = new L2Norm();

    /** Weights drawn from the stream (PyTorch's default initialisation for each layer). */
    public RetrievalNet(Config config, Rng rng) {
        this.config = config;
        int[] w = config.widths();
        features = registerModule("features", new Sequential()
                .add("conv1", new Conv2d(config.inChannels(), w[0], 3, 1, 1, rng.fork(1)))
                .add("bn1", new BatchNorm2d(w[0])).add("relu1", new Relu()).add("pool1", new MaxPool2d(2))
                .add("conv2", new Conv2d(w[0], w[1], 3, 1, 1, rng.fork(2)))
                .add("bn2", new BatchNorm2d(w[1])).add("relu2", new Relu()).add("pool2", new MaxPool2d(2))
                .add("conv3", new Conv2d(w[1], w[2], 3, 1, 1, rng.fork(3)))
                .add("bn3", new BatchNorm2d(w[2])).add("relu3", new Relu()));
        pool = registerModule("pool", switch (config.pooling()) {
            case GEM -> new Gem(config.gemP(), 1e-6, org.lrml.backend.Backends.defaultBackend(), DType.F32);
            case MAC -> new Mac();
            case SPOC -> new Spoc();
        });
        whiten = registerModule("whiten", new Linear(w[2], config.dim(), true, rng.fork(4)));
    }

    public Config config() {
        return config;
    }

    /** GeM's learnable exponent, or null for MAC / SPoC. */
    public Tensor gemP() {
        return pool instanceof Gem g ? g.p() : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != config.inChannels()) {
            throw new IllegalArgumentException("RetrievalNet: input must be N x " + config.inChannels()
                    + " x H x W, got " + Arrays.toString(x.shape()));
        }
        return norm.call(whiten.call(pool.call(features.call(x))));
    }

    /**
     * Descriptors of n images (row-major N x C x H x W floats) in inference mode without autograd, in
     * batches; returns n x D floats. The training flag is restored afterwards.
     */
    public float[] describe(float[] images, int n, int height, int width, int batch, Backend backend) {
        return describe(images, n, height, width, batch, backend, done -> { });
    }

    /** As above, calling {@code progress} with the number of images done after each batch. */
    public float[] describe(float[] images, int n, int height, int width, int batch, Backend backend,
                            java.util.function.IntConsumer progress) {
        boolean was = isTraining();
        train(false);
        int per = config.inChannels() * height * width;
        if ((long) per * n != images.length) {
            throw new IllegalArgumentException("describe: " + images.length + " values for " + n + " images of "
                    + config.inChannels() + " x " + height + " x " + width);
        }
        float[] out = new float[n * config.dim()];
        try (NoGrad ng = NoGrad.enter()) {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor x = Tensor.of(backend, Arrays.copyOfRange(images, from * per, (from + count) * per),
                            count, config.inChannels(), height, width);
                    float[] d = forward(x).toFloatArray();
                    System.arraycopy(d, 0, out, from * config.dim(), d.length);
                }
                progress.accept(from + count);
            }
        } finally {
            train(was);
        }
        return out;
    }
}
