package org.lrml.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lrml.backend.DType;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.RetrievalNet;

/**
 * The JSON form of a {@link TrainConfig} in config.json and in checkpoints. It is flat (as written since the first
 * checkpoint format) with nested "loss" and "net" objects, whatever the grouping of the Java records, so every
 * checkpoint written so far still resumes. Keys are written in a fixed order.
 */
final class TrainConfigJson {
    private TrainConfigJson() {
    }

    static Map<String, Object> toMap(TrainConfig c) {
        TrainConfig.Schedule s = c.schedule();
        TupleMiner.Config miner = c.miner();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", c.data().dir().toString());
        m.put("backend", c.backend());
        m.put("protocol", c.data().protocol().cliName());
        m.put("epochs", s.epochs());
        m.put("queries", s.queries());
        m.put("pool", s.pool());
        m.put("tuples_per_step", s.tuplesPerStep());
        m.put("negatives_per_tuple", miner.negatives());
        m.put("negatives", miner.negativeMode().name().toLowerCase(Locale.ROOT));
        m.put("positives", miner.positiveMode().name().toLowerCase(Locale.ROOT));
        m.put("candidates_per_negative", miner.candidatesPerNegative());
        m.put("loss", lossMap(c.loss()));
        m.put("lr", c.optimization().lr());
        m.put("gem_lr_multiplier", c.optimization().gemLrMultiplier());
        m.put("weight_decay", c.optimization().weightDecay());
        m.put("seed", s.seed());
        m.put("net", netMap(c.net()));
        m.put("eval_every", s.evalEvery());
        m.put("describe_batch", s.describeBatch());
        // Written only when they differ from the defaults, so a default run's config.json is what it always was.
        if (c.dtype() != DType.F32) {
            m.put("dtype", c.dtype().numpyName());
        }
        if (c.clipping().norm() > 0) {
            m.put("clip_grad_norm", c.clipping().norm());
        }
        if (c.clipping().value() > 0) {
            m.put("clip_grad_value", c.clipping().value());
        }
        if (c.data().dataset() != TrainConfig.Dataset.FASHION_MNIST) {
            m.put("dataset", c.data().dataset().cliName());
            m.put("landmark", landmarkMap(c.landmark()));
        }
        return m;
    }

    private static Map<String, Object> lossMap(LossSpec loss) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("kind", loss.kind().name().toLowerCase(Locale.ROOT));
        l.put("alpha", loss.alpha());
        l.put("margin", loss.margin());
        l.put("temperature", loss.temperature());
        l.put("lambda", loss.lambda());
        l.put("delta", loss.delta());
        l.put("mu", loss.mu());
        l.put("order_eps", loss.orderEps());
        return l;
    }

    private static Map<String, Object> landmarkMap(TrainConfig.Landmark l) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("arch", l.arch().cliName());
        if (l.pretrained() != null) {
            n.put("pretrained", l.pretrained().toString());
        }
        n.put("image_size", l.imageSize());
        n.put("lr_decay", l.lrDecay());
        n.put("tuples_per_forward", l.tuplesPerForward());
        return n;
    }

    @SuppressWarnings("unchecked")
    private static TrainConfig.Landmark landmark(Map<String, Object> m) {
        if (m.get("landmark") == null) {
            return TrainConfig.Landmark.defaults();
        }
        Map<String, Object> l = (Map<String, Object>) object(m, "landmark");
        return new TrainConfig.Landmark(LandmarkNet.Arch.parse(str(l, "arch")),
                l.get("pretrained") == null ? null : Path.of(str(l, "pretrained")), integer(l, "image_size"),
                num(l, "lr_decay"), integer(l, "tuples_per_forward"));
    }

    private static Map<String, Object> netMap(RetrievalNet.Config net) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("in_channels", net.inChannels());
        n.put("widths", net.widths());
        n.put("dim", net.dim());
        n.put("pooling", net.pooling().name().toLowerCase(Locale.ROOT));
        n.put("gem_p", net.gemP());
        return n;
    }

    @SuppressWarnings("unchecked")
    static TrainConfig fromMap(Map<String, Object> m) {
        Map<String, Object> l = (Map<String, Object>) object(m, "loss");
        Map<String, Object> n = (Map<String, Object>) object(m, "net");
        LossSpec loss = new LossSpec(LossKind.parse(str(l, "kind")), num(l, "alpha"), num(l, "margin"),
                num(l, "temperature"), num(l, "lambda"), num(l, "delta"), num(l, "mu"), num(l, "order_eps"));
        RetrievalNet.Config net = new RetrievalNet.Config(integer(n, "in_channels"), widths(n), integer(n, "dim"),
                RetrievalNet.Pooling.parse(str(n, "pooling")), num(n, "gem_p"));
        TupleMiner.Config miner = new TupleMiner.Config(integer(m, "negatives_per_tuple"),
                TupleMiner.NegativeMode.valueOf(str(m, "negatives").toUpperCase(Locale.ROOT)),
                TupleMiner.PositiveMode.valueOf(str(m, "positives").toUpperCase(Locale.ROOT)),
                integer(m, "candidates_per_negative"));
        return TrainConfig.builder()
                .data(Path.of(str(m, "data")))
                .backend(str(m, "backend"))
                .protocol(TrainConfig.Protocol.parse(str(m, "protocol")))
                .epochs(integer(m, "epochs"))
                .queries(integer(m, "queries"))
                .pool(integer(m, "pool"))
                .tuplesPerStep(integer(m, "tuples_per_step"))
                .miner(miner)
                .loss(loss)
                .lr(num(m, "lr"))
                .gemLrMultiplier(num(m, "gem_lr_multiplier"))
                .weightDecay(num(m, "weight_decay"))
                .seed(((Number) number(m, "seed")).longValue())
                .net(net)
                .evalEvery(integer(m, "eval_every"))
                .describeBatch(integer(m, "describe_batch"))
                .dtype(m.get("dtype") == null ? DType.F32 : dtype(str(m, "dtype")))
                .clipGradNorm(m.get("clip_grad_norm") == null ? 0 : num(m, "clip_grad_norm"))
                .clipGradValue(m.get("clip_grad_value") == null ? 0 : num(m, "clip_grad_value"))
                .dataset(m.get("dataset") == null ? TrainConfig.Dataset.FASHION_MNIST
                        : TrainConfig.Dataset.parse(str(m, "dataset")))
                .landmark(landmark(m))
                .build();
    }

    /** "float32" or "float64" (NumPy's names, as --dtype takes them). */
    static DType dtype(String name) {
        for (DType d : DType.values()) {
            if (d.numpyName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("training config: dtype '" + name + "' is not float32 or float64");
    }

    /** net.widths: a JSON list of numbers (or the int[] of {@link #toMap} itself). */
    private static int[] widths(Map<String, Object> net) {
        Object v = req(net, "widths");
        if (v instanceof int[] a) {
            return a.clone();
        }
        if (v instanceof List<?> list && list.stream().allMatch(o -> o instanceof Number)) {
            return list.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        }
        throw new IllegalArgumentException("training config: 'widths' must be a list of numbers, got " + v);
    }

    private static Object req(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("training config: missing '" + key + "'");
        }
        return v;
    }

    private static Object object(Map<String, Object> m, String key) {
        Object v = req(m, key);
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("training config: '" + key + "' must be an object, got " + v);
        }
        return v;
    }

    private static Number number(Map<String, Object> m, String key) {
        Object v = req(m, key);
        if (!(v instanceof Number x)) {
            throw new IllegalArgumentException("training config: '" + key + "' must be a number, got " + v);
        }
        return x;
    }

    private static double num(Map<String, Object> m, String key) {
        return number(m, key).doubleValue();
    }

    private static int integer(Map<String, Object> m, String key) {
        return (int) num(m, key);
    }

    private static String str(Map<String, Object> m, String key) {
        return String.valueOf(req(m, key));
    }
}
