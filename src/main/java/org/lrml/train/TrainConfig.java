package org.lrml.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.RetrievalNet;

/**
 * Everything that decides a training run (spec sections 2 and 3; defaults from the trainer issue). The
 * config is stored in every checkpoint, so {@code --resume} continues with exactly the same choices.
 *
 * @param data            folder of the Fashion-MNIST IDX files
 * @param backend         cpu, cuda or auto
 * @param protocol        seen (train on all labels) or unseen (train on labels 0-4, test on 5-9)
 * @param epochs          number of epochs (each: mine, then train on the mined tuples)
 * @param queries         random training queries mined per epoch (Q)
 * @param pool            random training images ranked per epoch (P)
 * @param tuplesPerStep   tuples per optimiser step
 * @param miner           K, negative and positive modes
 * @param loss            the loss and its parameters
 * @param lr              Adam learning rate
 * @param gemLrMultiplier learning rate multiplier of GeM's p (which also gets no weight decay)
 * @param weightDecay     Adam weight decay (L2, not decoupled)
 * @param seed            seed of every random choice (weights, mining, order)
 * @param net             the network's shape
 * @param evalEvery       evaluate every this many epochs (and always after the last); 0 = only at the end
 * @param describeBatch   images per batch when computing descriptors in inference mode
 */
public record TrainConfig(Path data, String backend, Protocol protocol, int epochs, int queries, int pool,
                          int tuplesPerStep, TupleMiner.Config miner, LossSpec loss, double lr, double gemLrMultiplier,
                          double weightDecay, long seed, RetrievalNet.Config net, int evalEvery, int describeBatch) {

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

    public TrainConfig {
        if (epochs < 0 || queries < 1 || pool < 2 || tuplesPerStep < 1 || !(lr > 0) || !(gemLrMultiplier > 0)
                || !(weightDecay >= 0) || evalEvery < 0 || describeBatch < 1) {
            throw new IllegalArgumentException("training: need epochs >= 0, queries >= 1, pool >= 2, tuples per step >= 1,"
                    + " lr > 0, GeM lr multiplier > 0, weight decay >= 0, eval-every >= 0, describe batch >= 1; got epochs "
                    + epochs + ", queries " + queries + ", pool " + pool + ", tuples " + tuplesPerStep + ", lr " + lr
                    + ", multiplier " + gemLrMultiplier + ", weight decay " + weightDecay + ", eval-every " + evalEvery);
        }
    }

    /** The trainer issue's recipe: 10 epochs of 2000 queries / 10000-image pool, 25 tuples per step, Adam 1e-3. */
    public static TrainConfig defaults() {
        return new TrainConfig(org.lrml.data.FashionMnist.DEFAULT_DIR, "auto", Protocol.SEEN, 10, 2000, 10000, 25,
                TupleMiner.Config.defaults(), LossSpec.lrml(), 1e-3, 10.0, 1e-6, 0, RetrievalNet.Config.fashionMnist(),
                1, 500);
    }

    /** Whether the metrics are computed after this (1-based) epoch. */
    public boolean evaluatesAfter(int epoch) {
        return epoch == epochs || (evalEvery > 0 && epoch % evalEvery == 0);
    }

    /** A JSON-ready map of every field (for checkpoints and run folders). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data.toString());
        m.put("backend", backend);
        m.put("protocol", protocol.cliName());
        m.put("epochs", epochs);
        m.put("queries", queries);
        m.put("pool", pool);
        m.put("tuples_per_step", tuplesPerStep);
        m.put("negatives_per_tuple", miner.negatives());
        m.put("negatives", miner.negativeMode().name().toLowerCase(Locale.ROOT));
        m.put("positives", miner.positiveMode().name().toLowerCase(Locale.ROOT));
        m.put("candidates_per_negative", miner.candidatesPerNegative());
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("kind", loss.kind().name().toLowerCase(Locale.ROOT));
        l.put("alpha", loss.alpha());
        l.put("margin", loss.margin());
        l.put("temperature", loss.temperature());
        l.put("lambda", loss.lambda());
        l.put("delta", loss.delta());
        l.put("mu", loss.mu());
        l.put("order_eps", loss.orderEps());
        m.put("loss", l);
        m.put("lr", lr);
        m.put("gem_lr_multiplier", gemLrMultiplier);
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("in_channels", net.inChannels());
        n.put("widths", net.widths());
        n.put("dim", net.dim());
        n.put("pooling", net.pooling().name().toLowerCase(Locale.ROOT));
        n.put("gem_p", net.gemP());
        m.put("net", n);
        m.put("eval_every", evalEvery);
        m.put("describe_batch", describeBatch);
        return m;
    }

    /** The inverse of {@link #toMap()}; missing or mistyped entries are an error naming the key. */
    @SuppressWarnings("unchecked")
    public static TrainConfig fromMap(Map<String, Object> m) {
        Map<String, Object> l = (Map<String, Object>) req(m, "loss");
        Map<String, Object> n = (Map<String, Object>) req(m, "net");
        LossSpec loss = new LossSpec(LossKind.parse(str(l, "kind")), num(l, "alpha"), num(l, "margin"),
                num(l, "temperature"), num(l, "lambda"), num(l, "delta"), num(l, "mu"), num(l, "order_eps"));
        java.util.List<Object> widths = (java.util.List<Object>) req(n, "widths");
        RetrievalNet.Config net = new RetrievalNet.Config((int) num(n, "in_channels"),
                widths.stream().mapToInt(o -> ((Number) o).intValue()).toArray(), (int) num(n, "dim"),
                RetrievalNet.Pooling.parse(str(n, "pooling")), num(n, "gem_p"));
        TupleMiner.Config miner = new TupleMiner.Config((int) num(m, "negatives_per_tuple"),
                TupleMiner.NegativeMode.valueOf(str(m, "negatives").toUpperCase(Locale.ROOT)),
                TupleMiner.PositiveMode.valueOf(str(m, "positives").toUpperCase(Locale.ROOT)),
                (int) num(m, "candidates_per_negative"));
        return new TrainConfig(Path.of(str(m, "data")), str(m, "backend"), Protocol.parse(str(m, "protocol")),
                (int) num(m, "epochs"), (int) num(m, "queries"), (int) num(m, "pool"), (int) num(m, "tuples_per_step"),
                miner, loss, num(m, "lr"), num(m, "gem_lr_multiplier"), num(m, "weight_decay"),
                ((Number) req(m, "seed")).longValue(), net, (int) num(m, "eval_every"), (int) num(m, "describe_batch"));
    }

    private static Object req(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("training config: missing '" + key + "'");
        }
        return v;
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = req(m, key);
        if (!(v instanceof Number x)) {
            throw new IllegalArgumentException("training config: '" + key + "' must be a number, got " + v);
        }
        return x.doubleValue();
    }

    private static String str(Map<String, Object> m, String key) {
        return String.valueOf(req(m, key));
    }

    /** The same config with another epoch count (for --epochs on a resumed run). */
    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(data, backend, protocol, newEpochs, queries, pool, tuplesPerStep, miner, loss, lr,
                gemLrMultiplier, weightDecay, seed, net, evalEvery, describeBatch);
    }

    /** The same config on another backend (a resumed run may continue elsewhere). */
    public TrainConfig withBackend(String newBackend) {
        return new TrainConfig(data, newBackend, protocol, epochs, queries, pool, tuplesPerStep, miner, loss, lr,
                gemLrMultiplier, weightDecay, seed, net, evalEvery, describeBatch);
    }

    /** The same config with another learning rate. */
    public TrainConfig withLr(double newLr) {
        return new TrainConfig(data, backend, protocol, epochs, queries, pool, tuplesPerStep, miner, loss, newLr,
                gemLrMultiplier, weightDecay, seed, net, evalEvery, describeBatch);
    }

    /** The same config reading data from another folder. */
    public TrainConfig withData(Path newData) {
        return new TrainConfig(newData, backend, protocol, epochs, queries, pool, tuplesPerStep, miner, loss, lr,
                gemLrMultiplier, weightDecay, seed, net, evalEvery, describeBatch);
    }
}
