package org.lrml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.data.FashionMnist;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.eval.EvalResult;
import org.lrml.eval.FashionProtocols;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.RetrievalNet;
import org.lrml.optim.Adam;
import org.lrml.optim.ParamGroup;
import org.lrml.report.Gallery;
import org.lrml.report.MetricsJson;
import org.lrml.report.ProgressBar;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Trains the retrieval network with a tuple loss on Fashion-MNIST and evaluates it (spec sections 2, 3, 7).
 *
 * <p>Each epoch: draw Q random training queries and a random pool of P training images; compute their
 * descriptors in inference mode; mine tuples (q, p, n_1..n_K) with the ranking op; shuffle them; train in
 * steps of {@code tuplesPerStep} tuples (every distinct image of a step goes through the network once, in
 * training mode, and the fused tuple loss gives the gradient of the batch mean); then checkpoint, and
 * evaluate when the epoch is due.
 *
 * <p>Every random choice of epoch e comes from {@code new Rng(seed).fork(e)} and the weights from
 * {@code new Rng(seed).fork(0)}, so a run resumed from the checkpoint of epoch e draws exactly what the
 * uninterrupted run drew; with the CPU backend's deterministic kernels it ends bit for bit the same.
 */
public final class Trainer {
    private final TrainConfig cfg;
    private final RunFolder folder;
    private final PrintStream log;
    private final Backend backend;
    private final RetrievalNet net;
    private final Adam optimizer;
    private final History history;
    private final int startEpoch;
    private DrawsLog draws;
    private LabeledImages train;
    private LabeledImages test;

    private Trainer(TrainConfig cfg, Path out, PrintStream log, Checkpoint resume) {
        this.cfg = cfg;
        this.folder = RunFolder.at(out);
        this.log = log;
        this.backend = Backends.byName(cfg.backend());
        this.net = new RetrievalNet(cfg.net(), new Rng(cfg.schedule().seed()).fork(0));
        net.to(backend);
        List<Tensor> rest = new ArrayList<>();
        Tensor p = net.gemP();
        for (Tensor t : net.parameters()) {
            if (t != p) {
                rest.add(t);
            }
        }
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup(rest, cfg.optimization().lr(), cfg.optimization().weightDecay()));
        if (p != null) {
            // GeM's exponent learns 10x faster and is not decayed (Radenovic et al.).
            groups.add(new ParamGroup(List.of(p), cfg.optimization().lr() * cfg.optimization().gemLrMultiplier(), 0.0));
        }
        List<double[]> settings = new ArrayList<>();
        for (ParamGroup g : groups) {
            settings.add(new double[]{g.lr(), g.weightDecay()});
        }
        this.optimizer = new Adam(groups, 0.9, 0.999, 1e-8, false);
        if (resume != null) {
            net.loadStateDict(resume.modelTensors());
            optimizer.loadStateDict(resume.optimizerTensors());
            // The config, not the saved optimiser state, decides the learning rates and decays.
            for (int g = 0; g < settings.size(); g++) {
                optimizer.paramGroups().get(g).setLr(settings.get(g)[0]);
                optimizer.paramGroups().get(g).setWeightDecay(settings.get(g)[1]);
            }
            this.history = History.fromMap(resume.history());
            this.startEpoch = resume.epoch();
        } else {
            this.history = new History();
            this.startEpoch = 0;
        }
    }

    /** A new run writing into {@code out}. */
    public static Trainer start(TrainConfig cfg, Path out, PrintStream log) {
        return new Trainer(cfg, out, log, null);
    }

    /** Continues the run in {@code runDir} from its latest checkpoint; {@code adjust} may change epochs/backend/data. */
    public static Trainer resume(Path runDir, java.util.function.UnaryOperator<TrainConfig> adjust, PrintStream log)
            throws IOException {
        Path ckpt = RunFolder.at(runDir).latestCheckpoint();
        Checkpoint c = Checkpoint.read(ckpt);
        TrainConfig cfg = adjust.apply(c.config());
        if (c.epoch() > cfg.schedule().epochs()) {
            throw new IllegalArgumentException("--resume: the checkpoint " + ckpt + " has " + c.epoch()
                    + " epochs, more than --epochs " + cfg.schedule().epochs());
        }
        log.println("resuming " + runDir + " from " + ckpt.getFileName() + " (epoch " + c.epoch() + " of "
                + cfg.schedule().epochs() + ")");
        return new Trainer(cfg, runDir, log, c);
    }

    public RetrievalNet net() {
        return net;
    }

    /**
     * Also write the run's random draws (initial weights; per epoch queries, pool, mined tuples, batch order) to
     * {@code dir}, so that another engine can train on exactly the same randomness. Only for a run that starts
     * from epoch 0.
     */
    public Trainer logDraws(Path dir) throws IOException {
        if (startEpoch != 0) {
            throw new IllegalArgumentException("--draws-out needs a run that starts at epoch 0, not a resumed one");
        }
        draws = new DrawsLog(dir);
        return this;
    }

    /** Runs the remaining epochs; returns the final metrics. */
    public EvalResult run() throws IOException {
        folder.create();
        folder.writeConfig(cfg.toMap());
        loadData();
        log.printf(Locale.ROOT, "lrml train: %s protocol, %d training images, backend %s, network %s (%d parameters),"
                        + " loss %s%n", cfg.data().protocol().cliName(), train.size(), backend.name(), cfg.net(),
                net.parameterCount(), describe(cfg));
        log.println("output: " + folder.root().toAbsolutePath());
        EvalResult last = null;
        if (draws != null) {
            draws.initialWeights(net, cfg);
        }
        if (startEpoch == 0 && cfg.schedule().epochs() > 0 && cfg.schedule().evalEvery() > 0) {
            last = evaluate("untrained");
            history.recordUntrained(MetricsJson.toMap(last));
            log.println("untrained: " + EpochLines.summary(last));
        }
        for (int epoch = startEpoch + 1; epoch <= cfg.schedule().epochs(); epoch++) {
            EpochRecord record = trainEpoch(epoch);
            requireFiniteState(epoch);
            if (cfg.schedule().evaluatesAfter(epoch)) {
                long t0 = System.nanoTime();
                last = evaluate("epoch " + epoch);
                record = record.withEvaluation(seconds(t0), MetricsJson.toMap(last));
            }
            history.recordEpoch(record);
            saveCheckpoint(epoch);
            folder.writeHistory(history, cfg.loss().kind().name() + " on Fashion-MNIST (" + cfg.data().protocol().cliName()
                    + ")");
            log.println(EpochLines.epoch(record, cfg.schedule().epochs()));
        }
        if (last == null) {
            last = evaluate("final");
        }
        folder.writeMetrics(last);
        writeGallery();
        log.println("final: " + EpochLines.summary(last));
        log.println("wrote " + folder.metricsJson() + ", history.json, curves.png, gallery.png, checkpoints/");
        return last;
    }

    private void loadData() throws IOException {
        LabeledImages all = FashionMnist.load(cfg.data().dir(), FashionMnist.Split.TRAIN, Normalization.FASHION_MNIST);
        test = FashionMnist.load(cfg.data().dir(), FashionMnist.Split.TEST, Normalization.FASHION_MNIST);
        train = cfg.data().protocol() == TrainConfig.Protocol.SEEN ? all : all.withLabels(FashionMnist.SEEN_LABELS);
        if (all.channels() != cfg.net().inChannels()) {
            throw new IllegalArgumentException("the data has " + all.channels() + " channel(s) but the network expects "
                    + cfg.net().inChannels());
        }
    }

    private static String describe(TrainConfig c) {
        LossSpec l = c.loss();
        String params = switch (l.kind()) {
            case LRML -> "alpha " + num(l.alpha()) + ", m " + num(l.margin()) + ", T " + num(l.temperature())
                    + ", lambda " + num(l.lambda()) + ", delta " + num(l.delta()) + ", mu " + num(l.mu()) + ", eps_o "
                    + num(l.orderEps());
            case CONTRASTIVE, TRIPLET -> "margin " + num(l.margin());
        };
        return l.kind().name().toLowerCase(Locale.ROOT) + " (" + params + "), negatives "
                + c.miner().negativeMode().name().toLowerCase(Locale.ROOT) + ", positives "
                + c.miner().positiveMode().name().toLowerCase(Locale.ROOT);
    }

    /** One epoch: mine, then train on the mined tuples. Returns the epoch's record (without metrics). */
    private EpochRecord trainEpoch(int epoch) throws IOException {
        Rng rng = new Rng(cfg.schedule().seed()).fork(epoch);
        long t0 = System.nanoTime();
        int n = train.size();
        int[] queries = rng.sample(n, Math.min(cfg.schedule().queries(), n));
        int[] pool = rng.sample(n, Math.min(cfg.schedule().pool(), n));
        TupleMiner.Mined mined;
        try (MemoryScope scope = MemoryScope.open();
             ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d mine", epoch, cfg.schedule().epochs()),
                     queries.length + pool.length)) {
            float[] qd = describe(queries, done -> bar.set(done));
            float[] pd = describe(pool, done -> bar.set(queries.length + done));
            int d = cfg.net().dim();
            // Indices are positions in the training view (for "unseen", the view of labels 0-4).
            mined = TupleMiner.mine(cfg.miner(), Tensor.of(backend, qd, queries.length, d), queries,
                    Tensor.of(backend, pd, pool.length, d), pool, train.labels(), rng.fork(1));
        }
        long t1 = System.nanoTime();
        Tuples tuples = mined.tuples();
        int m = tuples.m();
        if (m == 0) {
            throw new IllegalStateException("epoch " + epoch + ": mining produced no tuple (" + mined.skippedFewNegatives()
                    + " queries had too few negatives, " + mined.skippedNoPositive() + " no positive); use a larger --pool");
        }
        int[] order = rng.fork(2).permutation(m);
        if (draws != null) {
            draws.epoch(epoch, queries, pool, tuples, order);
        }
        int steps = (m + cfg.schedule().tuplesPerStep() - 1) / cfg.schedule().tuplesPerStep();
        double lossSum = 0;
        long images = 0;
        net.train(true);
        try (ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d train", epoch, cfg.schedule().epochs()), steps)) {
            for (int s = 0; s < steps; s++) {
                int from = s * cfg.schedule().tuplesPerStep();
                int to = Math.min(m, from + cfg.schedule().tuplesPerStep());
                double loss;
                int count;
                try (MemoryScope scope = MemoryScope.open()) {
                    Batch b = Batch.of(tuples, order, from, to);
                    Tensor x = Tensor.of(backend, train.batch(b.images), b.images.length, train.channels(),
                            train.height(), train.width());
                    Tensor desc = net.forward(x);
                    Tensor l = TupleLoss.apply(desc, b.tuples, cfg.loss());
                    loss = l.item();
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException(String.format(Locale.ROOT, "the loss became %s at epoch %d step %d"
                                + " (learning rate %g); nothing of this epoch was saved, the checkpoints of earlier"
                                + " epochs in %s are intact; try a lower --lr", loss, epoch, s + 1, cfg.optimization().lr(),
                                folder.checkpoints()));
                    }
                    l.backward();
                    optimizer.step();
                    optimizer.zeroGrad();
                    count = b.images.length;
                }
                history.recordStep(loss);
                lossSum += loss;
                images += count;
                bar.field("loss", loss);
                bar.field("img/s", String.format(Locale.ROOT, "%.0f", images / Math.max(1e-9, seconds(t1))));
                bar.step();
            }
        }
        long t2 = System.nanoTime();
        Tensor p = net.gemP();
        return new EpochRecord(epoch, backend.name(), lossSum / steps, steps, m, mined.skippedFewNegatives(),
                mined.skippedNoPositive(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, images, images / ((t2 - t1) / 1e9),
                p == null ? null : p.item(), null, null);
    }

    /**
     * Stops before anything of a diverged epoch is saved: a finite training loss can hide parameters or
     * batch-norm statistics that overflowed (batch statistics renormalise them in training mode).
     */
    private void requireFiniteState(int epoch) {
        for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
            float[] v = e.getValue().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the network diverged in epoch %d: %s[%d]"
                            + " is %s (learning rate %g); nothing of this epoch was saved, the checkpoints of earlier"
                            + " epochs in %s are intact; try a lower --lr", epoch, e.getKey(), i, v[i], cfg.optimization().lr(),
                            folder.checkpoints()));
                }
            }
        }
    }

    /** The tuples of one step, renumbered over the step's distinct images (first appearance order). */
    private record Batch(int[] images, Tuples tuples) {
        static Batch of(Tuples all, int[] order, int from, int to) {
            int w = all.width();
            int[] table = new int[(to - from) * w];
            Map<Integer, Integer> local = new LinkedHashMap<>();
            for (int i = from; i < to; i++) {
                int t = order[i];
                for (int c = 0; c < w; c++) {
                    int g = all.table()[t * w + c];
                    Integer li = local.get(g);
                    if (li == null) {
                        li = local.size();
                        local.put(g, li);
                    }
                    table[(i - from) * w + c] = li;
                }
            }
            int[] images = local.keySet().stream().mapToInt(Integer::intValue).toArray();
            return new Batch(images, Tuples.of(table, to - from, all.k()));
        }
    }

    private float[] describe(int[] rows, IntConsumer progress) {
        return net.describe(train.batch(rows), rows.length, train.height(), train.width(), cfg.schedule().describeBatch(), backend,
                progress);
    }

    private float[] describeAll(LabeledImages set, String label) {
        try (ProgressBar bar = new ProgressBar(label, set.size())) {
            return net.describe(set.range(0, set.size()), set.size(), set.height(), set.width(), cfg.schedule().describeBatch(),
                    backend, bar::set);
        }
    }

    /** The run's protocol on the current network. */
    public EvalResult evaluate(String when) {
        int d = cfg.net().dim();
        if (cfg.data().protocol() == TrainConfig.Protocol.SEEN) {
            float[] db = describeAll(train, "eval " + when + ": train descriptors");
            float[] q = describeAll(test, "eval " + when + ": test descriptors");
            return FashionProtocols.seen(db, train.labels(), q, test.labels(), d);
        }
        LabeledImages unseen = test.withLabels(FashionMnist.UNSEEN_LABELS);
        float[] q = describeAll(unseen, "eval " + when + ": test descriptors");
        return FashionProtocols.unseen(q, unseen.labels(), d);
    }

    private void saveCheckpoint(int epoch) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", epoch);
        meta.put("engine", org.lrml.util.Version.get());
        meta.put("config", cfg.toMap());
        meta.put("history", history.toMap());
        Map<String, Tensor> model = net.stateDict();
        folder.writeCheckpoint(epoch, Checkpoint.of(meta, model, optimizer.stateDict()));
    }

    private void writeGallery() throws IOException {
        int d = cfg.net().dim();
        Rng rng = new Rng(cfg.schedule().seed()).fork(-1);
        List<Gallery.Row> rows;
        if (cfg.data().protocol() == TrainConfig.Protocol.SEEN) {
            int[] ids = rng.sample(test.size(), Math.min(6, test.size()));
            float[] q = net.describe(test.batch(ids), ids.length, test.height(), test.width(), cfg.schedule().describeBatch(), backend);
            float[] qAll = new float[test.size() * d];
            for (int i = 0; i < ids.length; i++) {
                System.arraycopy(q, i * d, qAll, ids[i] * d, d);
            }
            float[] db = describeAll(train, "gallery: train descriptors");
            rows = Gallery.labeledRows(test, qAll, train, db, d, ids, false, FashionMnist::className);
        } else {
            LabeledImages unseen = test.withLabels(FashionMnist.UNSEEN_LABELS);
            float[] all = describeAll(unseen, "gallery: test descriptors");
            int[] ids = rng.sample(unseen.size(), Math.min(6, unseen.size()));
            rows = Gallery.labeledRows(unseen, all, unseen, all, d, ids, true, FashionMnist::className);
        }
        folder.writeGallery("Top-10 retrievals (" + cfg.data().protocol().cliName()
                + " protocol): green = same class, red = other", rows);
    }

    /** A parameter value without trailing zeros: 1.2, 10, 0.05. */
    private static String num(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
