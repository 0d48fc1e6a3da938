package org.lrml.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.ops.L2Normalize;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * The landmark retrieval network of Radenovic et al. (cirtorch; spec section 1): a trunk (torchvision
 * ResNet-18/34/50/101/152 or VGG16 without its classifier), a global pooling (GeM with learnable p, MAC,
 * SPoC or R-MAC), L2 normalisation, and optionally a learned whitening (a linear layer with bias) followed
 * by L2 normalisation again. Input (N, 3, H, W) normalised with the spec's mean and std, output (N, D) unit
 * rows, D = the trunk's channels or the whitening's output size. Names: {@code features.*} (the trunk, with
 * torchvision's names below it), {@code pool.p} (GeM), {@code whiten.weight} and {@code whiten.bias}.
 *
 * <p>Batch norm: training mode by default; {@link #freezeBatchNorm} keeps the running statistics fixed while
 * the rest trains (cirtorch's fine-tuning). L2 normalisation divides by max(||v||, 1e-12) where cirtorch
 * divides by ||v|| + 1e-6: a relative difference of 1e-6 / ||v||, far below float32 agreement tolerances for
 * pooled maps of realistic norm.
 */
public final class LandmarkNet extends Module {

    /** The trunks, by the names torchvision and cirtorch use. */
    public enum Arch {
        RESNET18, RESNET34, RESNET50, RESNET101, RESNET152, VGG16;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Arch parse(String s) {
            for (Arch a : values()) {
                if (a.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown architecture '" + s + "'; expected one of "
                    + Arrays.stream(values()).map(Arch::cliName).toList());
        }

        /** A fresh trunk with torchvision's initialisation. */
        public Trunk build(Rng rng) {
            return build(rng, true);
        }

        /** A fresh trunk; torchvisionInit false leaves the weights at a cheap draw, to be overwritten by loading. */
        public Trunk build(Rng rng, boolean torchvisionInit) {
            return switch (this) {
                case RESNET18 -> new ResNet(ResNet.Depth.R18, rng, torchvisionInit);
                case RESNET34 -> new ResNet(ResNet.Depth.R34, rng, torchvisionInit);
                case RESNET50 -> new ResNet(ResNet.Depth.R50, rng, torchvisionInit);
                case RESNET101 -> new ResNet(ResNet.Depth.R101, rng, torchvisionInit);
                case RESNET152 -> new ResNet(ResNet.Depth.R152, rng, torchvisionInit);
                case VGG16 -> new Vgg16(rng, torchvisionInit);
            };
        }

        public boolean isResNet() {
            return this != VGG16;
        }

        /** Channels of the last feature map. */
        public int channels() {
            return switch (this) {
                case RESNET18, RESNET34, VGG16 -> 512;
                default -> 2048;
            };
        }
    }

    /** The global pooling of the last feature map. */
    public enum Pooling {
        GEM, MAC, SPOC, RMAC;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Pooling parse(String s) {
            for (Pooling p : values()) {
                if (p.cliName().equals(s.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown pooling '" + s + "'; expected gem, mac, spoc or rmac");
        }
    }

    /**
     * What a checkpoint's meta.json says about the network ({@code "model"}): architecture, pooling, GeM's
     * initial p (the trained p is the tensor {@code pool.p}), whether a whitening layer follows and its output
     * size, and the input normalisation (per-channel mean and std of [0, 1] RGB values).
     */
    public record Spec(Arch arch, Pooling pooling, double gemP, int whiteningDim, float[] mean, float[] std) {
        public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
        public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

        public Spec {
            if (arch == null || pooling == null || !(gemP > 0) || !Double.isFinite(gemP) || whiteningDim < 0
                    || mean == null || std == null || mean.length != 3 || std.length != 3) {
                throw new IllegalArgumentException("landmark network: need an architecture, a pooling, GeM p > 0,"
                        + " whitening size >= 0 (0 = none) and three means and standard deviations; got " + arch + ", "
                        + pooling + ", " + gemP + ", " + whiteningDim + ", " + Arrays.toString(mean) + ", "
                        + Arrays.toString(std));
            }
            mean = mean.clone();
            std = std.clone();
        }

        /** No whitening, ImageNet statistics. */
        public static Spec of(Arch arch, Pooling pooling, double gemP) {
            return new Spec(arch, pooling, gemP, 0, IMAGENET_MEAN, IMAGENET_STD);
        }

        public boolean whitening() {
            return whiteningDim > 0;
        }

        public Spec withWhitening(int dim) {
            return new Spec(arch, pooling, gemP, dim, mean, std);
        }

        @Override
        public float[] mean() {
            return mean.clone();
        }

        @Override
        public float[] std() {
            return std.clone();
        }

        /** The descriptor size. */
        public int dim() {
            return whitening() ? whiteningDim : arch.channels();
        }

        /** meta.json's {@code "model"} object. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "landmark");
            m.put("arch", arch.cliName());
            m.put("pooling", pooling.cliName());
            m.put("gem_p", gemP);
            m.put("whitening", whitening());
            if (whitening()) {
                m.put("whitening_dim", whiteningDim);
            }
            m.put("mean", floats(mean));
            m.put("std", floats(std));
            m.put("dim", dim());
            return m;
        }

        /** Reads {@link #toMap}'s form; where names the source in errors. */
        public static Spec fromMap(Map<?, ?> m, String where) {
            try {
                Arch arch = Arch.parse(string(m, "arch"));
                Pooling pooling = Pooling.parse(string(m, "pooling"));
                double p = m.get("gem_p") instanceof Number n ? n.doubleValue() : 3.0;
                int wd = Boolean.TRUE.equals(m.get("whitening"))
                        ? (m.get("whitening_dim") instanceof Number n ? n.intValue() : arch.channels()) : 0;
                float[] mean = m.containsKey("mean") ? numbers(m.get("mean"), "mean") : IMAGENET_MEAN;
                float[] std = m.containsKey("std") ? numbers(m.get("std"), "std") : IMAGENET_STD;
                return new Spec(arch, pooling, p, wd, mean, std);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": bad model description: " + e.getMessage(), e);
            }
        }

        private static String string(Map<?, ?> m, String key) {
            if (!(m.get(key) instanceof String s)) {
                throw new IllegalArgumentException("'" + key + "' must be a string, found " + m.get(key));
            }
            return s;
        }

        private static float[] numbers(Object o, String key) {
            if (!(o instanceof List<?> l) || l.size() != 3) {
                throw new IllegalArgumentException("'" + key + "' must be a list of 3 numbers, found " + o);
            }
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                if (!(l.get(i) instanceof Number n)) {
                    throw new IllegalArgumentException("'" + key + "' must be a list of 3 numbers, found " + o);
                }
                out[i] = n.floatValue();
            }
            return out;
        }

        private static List<Double> floats(float[] v) {
            return List.of((double) v[0], (double) v[1], (double) v[2]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Spec s && s.arch == arch && s.pooling == pooling && Double.compare(s.gemP, gemP) == 0
                    && s.whiteningDim == whiteningDim && Arrays.equals(s.mean, mean) && Arrays.equals(s.std, std);
        }

        @Override
        public int hashCode() {
            return ((arch.hashCode() * 31 + pooling.hashCode()) * 31 + whiteningDim) * 31 + Double.hashCode(gemP);
        }

        @Override
        public String toString() {
            return arch.cliName() + ", " + pooling.cliName() + (pooling == Pooling.GEM ? " (p " + gemP + ")" : "")
                    + (whitening() ? ", whitening to " + whiteningDim : "") + ", L2 (" + dim() + "-d)";
        }
    }

    private final Spec spec;
    private final Trunk features;
    private final Module pool;
    private final Linear whiten;

    /** Weights as torchvision initialises the trunk; GeM p = spec.gemP(); whitening as nn.Linear's default. */
    public LandmarkNet(Spec spec, Rng rng) {
        this(spec, rng, true);
    }

    /** A network whose weights are about to be loaded (import, checkpoints): the trunk's weight draw is skipped. */
    public static LandmarkNet forLoading(Spec spec) {
        return new LandmarkNet(spec, new Rng(0), false);
    }

    private LandmarkNet(Spec spec, Rng rng, boolean torchvisionInit) {
        this.spec = spec;
        features = registerModule("features", spec.arch().build(rng.fork(1), torchvisionInit));
        pool = registerModule("pool", switch (spec.pooling()) {
            case GEM -> new Gem(spec.gemP(), org.lrml.ops.Gem.DEFAULT_EPS, Backends.defaultBackend(), DType.F32);
            case MAC -> new Mac();
            case SPOC -> new Spoc();
            case RMAC -> new Rmac();
        });
        whiten = spec.whitening()
                ? registerModule("whiten", new Linear(spec.arch().channels(), spec.whiteningDim(), true, rng.fork(2)))
                : null;
    }

    public Spec spec() {
        return spec;
    }

    public Trunk trunk() {
        return features;
    }

    /** GeM's learnable exponent, or null for the other poolings. */
    public Tensor gemP() {
        return pool instanceof Gem g ? g.p() : null;
    }

    /**
     * The exponent with which multi-scale descriptors are averaged (cirtorch): GeM's current p for a GeM
     * network without whitening (the pooled values are positive), else 1 (a whitened descriptor has negative
     * entries, whose powers are undefined).
     */
    public double multiScaleExponent() {
        Tensor p = gemP();
        return p != null && whiten == null ? p.toDoubleArray()[0] : 1.0;
    }

    @Override
    public LandmarkNet train(boolean on) {
        super.train(on);
        return this;
    }

    /** Freezes (true) or releases the batch-norm statistics of the trunk. */
    public LandmarkNet freezeBatchNorm(boolean on) {
        features.freezeBatchNorm(on);
        return this;
    }

    /** The descriptor size. */
    public int dim() {
        return spec.dim();
    }

    @Override
    public Tensor forward(Tensor x) {
        return head(features.forward(x));
    }

    /** Pooling, L2 and the optional whitening applied to a feature map (N, C, H', W'). */
    public Tensor head(Tensor map) {
        Tensor v = L2Normalize.apply(pool.forward(map));
        return whiten == null ? v : L2Normalize.apply(whiten.forward(v));
    }
}
