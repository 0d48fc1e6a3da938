package org.lrml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

import org.lrml.autograd.AnomalyMode;
import org.lrml.backend.Backend;
import org.lrml.eval.EvalResult;
import org.lrml.loss.Tuples;
import org.lrml.mining.TupleMiner;
import org.lrml.optim.Optimizer;
import org.lrml.optim.ParamGroup;
import org.lrml.ops.Affine;
import org.lrml.ops.Concat;
import org.lrml.profile.Profiler;
import org.lrml.report.MetricsJson;
import org.lrml.report.ProgressBar;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Version;

/**
 * The training loop (spec sections 2, 3, 7), for any {@link TrainingParts}: Fashion-MNIST today, the landmark
 * sets next.
 *
 * <p>Each epoch: draw the queries and the pool; describe them in inference mode; mine tuples (q, p, n_1..n_K);
 * shuffle them; train in steps of {@code tuplesPerStep} tuples (every distinct image of a step goes through the
 * network once, in training mode, and the loss gives the gradient of the batch mean); stop if anything became
 * non-finite; then evaluate when due, checkpoint, and write history.json and curves.png into the {@link RunFolder}.
 *
 * <p>Every random choice of epoch e comes from {@code new Rng(seed).fork(e)} (the assembler draws the weights from
 * {@code fork(0)}), so a run resumed from the checkpoint of epoch e draws exactly what the uninterrupted run drew;
 * with the CPU backend's deterministic kernels it ends bit for bit the same.
 *
 * <p>Options that do not change the numbers: {@link #profile} (a {@link Profiler} over the run: the table, then
 * profile.json and trace.json in the run folder; each step is a "step" with the phases data, forward, backward,
 * gradients and optimizer, each epoch has the phases mine and evaluate) and {@link #detectAnomaly} ({@link AnomalyMode}
 * over the run). Every epoch's record carries each parameter's gradient norms and update ratios
 * ({@link GradientMonitor}), which also clips gradients when the config asks for it.
 */
public final class Trainer {
    private final TrainingParts parts;
    private final TrainConfig.Schedule schedule;
    private final Map<String, Object> config;
    private final RunFolder folder;
    private final PrintStream log;
    private final Backend backend;
    private final RetrievalModel model;
    private final Optimizer optimizer;
    private final Descriptors descriptors;
    /** Each optimiser group's configured learning rate, before the schedule's factor. */
    private final double[] baseLr;
    private final History history;
    private final int startEpoch;
    private final GradientMonitor gradients;
    private DrawsLog draws;
    private boolean profile;
    private boolean detectAnomaly;
    /** Optimiser steps this Trainer made; a non-finite loss before the first cannot be the learning rate's doing. */
    private long updates;

    private Trainer(TrainingParts parts, TrainConfig.Schedule schedule, TrainConfig.Clipping clipping,
                    Map<String, Object> config, RunFolder folder, PrintStream log, Checkpoint resume) {
        this.parts = parts;
        this.schedule = schedule;
        this.config = config;
        this.folder = folder;
        this.log = log;
        this.backend = parts.backend();
        this.model = parts.model();
        this.optimizer = parts.optimizer();
        this.descriptors = new Descriptors(model, backend, schedule.describeBatch());
        this.gradients = new GradientMonitor(GradientMonitor.names(optimizer.params(), model.stateDict()),
                optimizer.params(), clipping);
        List<ParamGroup> groups = optimizer.paramGroups();
        this.baseLr = new double[groups.size()];
        double[] weightDecay = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            baseLr[g] = groups.get(g).lr();
            weightDecay[g] = groups.get(g).weightDecay();
        }
        if (resume != null) {
            model.loadStateDict(resume.modelTensors());
            optimizer.loadStateDict(resume.optimizerTensors());
            // The config, not the saved optimiser state, decides the learning rates and decays.
            for (int g = 0; g < groups.size(); g++) {
                groups.get(g).setLr(baseLr[g]);
                groups.get(g).setWeightDecay(weightDecay[g]);
            }
            this.history = History.fromMap(resume.history());
            this.startEpoch = resume.epoch();
        } else {
            this.history = new History();
            this.startEpoch = 0;
        }
    }

    /**
     * A new run of {@code parts} writing into {@code folder}; {@code config} is the JSON form of the whole
     * configuration (config.json and every checkpoint, so the run can be resumed and its network rebuilt).
     */
    public static Trainer start(TrainingParts parts, TrainConfig.Schedule schedule, Map<String, Object> config,
                                RunFolder folder, PrintStream log) {
        return start(parts, schedule, TrainConfig.Clipping.NONE, config, folder, log);
    }

    /** {@link #start(TrainingParts, TrainConfig.Schedule, Map, RunFolder, PrintStream)} with gradient clipping. */
    public static Trainer start(TrainingParts parts, TrainConfig.Schedule schedule, TrainConfig.Clipping clipping,
                                Map<String, Object> config, RunFolder folder, PrintStream log) {
        return new Trainer(parts, schedule, clipping, config, folder, log, null);
    }

    /**
     * Continues a run from {@code checkpoint} (read from {@code file} in {@code folder}): the model, the optimiser
     * state and the history come from it; the schedule may add epochs.
     */
    public static Trainer resume(TrainingParts parts, TrainConfig.Schedule schedule, Map<String, Object> config,
                                 RunFolder folder, Path file, Checkpoint checkpoint, PrintStream log) {
        return resume(parts, schedule, TrainConfig.Clipping.NONE, config, folder, file, checkpoint, log);
    }

    /** {@link #resume(TrainingParts, TrainConfig.Schedule, Map, RunFolder, Path, Checkpoint, PrintStream)} with clipping. */
    public static Trainer resume(TrainingParts parts, TrainConfig.Schedule schedule, TrainConfig.Clipping clipping,
                                 Map<String, Object> config, RunFolder folder, Path file, Checkpoint checkpoint,
                                 PrintStream log) {
        if (checkpoint.epoch() > schedule.epochs()) {
            throw new IllegalArgumentException("--resume: the checkpoint " + file + " has " + checkpoint.epoch()
                    + " epochs, more than --epochs " + schedule.epochs());
        }
        log.println("resuming " + folder + " from " + file.getFileName() + " (epoch " + checkpoint.epoch() + " of "
                + schedule.epochs() + ")");
        try {
            return new Trainer(parts, schedule, clipping, config, folder, log, checkpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the checkpoint does not fit the run it resumes: "
                    + e.getMessage(), e);
        }
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

    /**
     * Profile the run: the table at the end, profile.json and trace.json in the run folder.
     *
     * @param on whether to
     * @return this trainer
     */
    public Trainer profile(boolean on) {
        profile = on;
        return this;
    }

    /**
     * Stop at the first NaN or infinity any op makes, naming the op ({@link AnomalyMode}); slow.
     *
     * @param on whether to
     * @return this trainer
     */
    public Trainer detectAnomaly(boolean on) {
        detectAnomaly = on;
        return this;
    }

    public RetrievalModel model() {
        return model;
    }

    public RunFolder folder() {
        return folder;
    }

    /** Runs the remaining epochs (profiled, or under anomaly mode, if asked); returns the final metrics. */
    public EvalResult run() throws IOException {
        try (AnomalyMode a = detectAnomaly ? AnomalyMode.enable() : null) {
            if (!profile) {
                return runEpochs();
            }
            EvalResult result;
            try (Profiler p = Profiler.start()) {
                result = runEpochs();
                p.close();
                log.print(p.report().table());
                folder.writeProfile(p);
                log.println("wrote " + folder.profileJson() + " and " + folder.traceJson().getFileName()
                        + " (open it in https://ui.perfetto.dev or chrome://tracing)");
            }
            return result;
        }
    }

    private EvalResult runEpochs() throws IOException {
        // config.json before checkpoints/: a run killed in between holds no run yet (a fresh start may reuse --out);
        // one killed after it can be resumed from its config even before the first checkpoint.
        folder.writeConfig(config);
        folder.create();
        log.printf(Locale.ROOT, "lrml train: %s protocol, %d training images, backend %s, network %s (%d parameters),"
                        + " loss %s, %s%n", parts.evaluation().name(), parts.data().size(), backend.name(),
                model.describe(), model.parameterCount(), parts.loss().describe(), parts.mining().describe());
        log.println("output: " + folder.root().toAbsolutePath());
        EvalResult last = null;
        if (draws != null) {
            draws.initialWeights(model.stateDict(), config);
        }
        if (startEpoch == 0 && schedule.epochs() > 0 && schedule.evalEvery() > 0) {
            last = evaluate("untrained");
            history.recordUntrained(MetricsJson.toMap(last));
            log.println("untrained: " + EpochLines.summary(last));
        }
        for (int epoch = startEpoch + 1; epoch <= schedule.epochs(); epoch++) {
            EpochRecord record = trainEpoch(epoch);
            requireFiniteState(epoch);
            if (schedule.evaluatesAfter(epoch)) {
                long t0 = System.nanoTime();
                try (Profiler.Scope ph = Profiler.phase("evaluate")) {
                    last = evaluate("epoch " + epoch);
                }
                record = record.withEvaluation(seconds(t0), MetricsJson.toMap(last));
            }
            history.recordEpoch(record);
            saveCheckpoint(epoch);
            folder.writeHistory(history, parts.loss().name() + " on " + parts.evaluation().title());
            log.println(EpochLines.epoch(record, schedule.epochs()));
        }
        if (last == null) {
            try (Profiler.Scope ph = Profiler.phase("evaluate")) {
                last = evaluate("final");
            }
        }
        folder.writeMetrics(last);
        folder.writeGallery(parts.evaluation().galleryTitle(),
                parts.evaluation().galleryRows(descriptors, new Rng(schedule.seed()).fork(-1)));
        log.println("final: " + EpochLines.summary(last));
        log.println("wrote " + folder.metricsJson() + ", history.json, curves.png, gallery.png, checkpoints/");
        parts.evaluation().afterTraining(descriptors, folder, log);
        return last;
    }

    /** The run's protocol on the current network. */
    public EvalResult evaluate(String when) {
        return parts.evaluation().evaluate(descriptors, when);
    }

    /** One epoch: mine, then train on the mined tuples. Returns the epoch's record (without metrics). */
    private EpochRecord trainEpoch(int epoch) throws IOException {
        Rng rng = new Rng(schedule.seed()).fork(epoch);
        long t0 = System.nanoTime();
        int[] queries = parts.data().drawQueries(rng, schedule.queries());
        int[] pool = parts.data().drawPool(rng, schedule.pool());
        TupleMiner.Mined mined;
        try (Profiler.Scope ph = Profiler.phase("mine")) {
            mined = mine(epoch, queries, pool, rng.fork(1));
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
        setLearningRates(epoch);
        int perStep = schedule.tuplesPerStep();
        int steps = (m + perStep - 1) / perStep;
        double lossSum = 0;
        long images = 0;
        model.setTraining(true);
        try (ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d train", epoch, schedule.epochs()),
                steps)) {
            for (int s = 0; s < steps; s++) {
                int from = s * perStep;
                int to = Math.min(m, (s + 1) * perStep);
                int group = parts.tuplesPerForward();
                double loss;
                if (group == 0 || group >= to - from) {
                    StepBatch b = StepBatch.of(tuples, order, from, to);
                    loss = step(b, epoch, s + 1);
                    images += b.images().length;
                } else {
                    List<StepBatch> groups = new java.util.ArrayList<>();
                    for (int g = from; g < to; g += group) {
                        StepBatch b = StepBatch.of(tuples, order, g, Math.min(to, g + group));
                        groups.add(b);
                        images += b.images().length;
                    }
                    loss = accumulatedStep(groups, to - from, epoch, s + 1);
                }
                history.recordStep(loss);
                lossSum += loss;
                bar.field("loss", loss);
                bar.field("img/s", String.format(Locale.ROOT, "%.0f", images / Math.max(1e-9, seconds(t1))));
                bar.step();
            }
        }
        long t2 = System.nanoTime();
        OptionalDouble p = model.poolingExponent();
        return new EpochRecord(epoch, backend.name(), lossSum / steps, steps, m, mined.skippedFewNegatives(),
                mined.skippedNoPositive(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, images, images / ((t2 - t1) / 1e9),
                p.isPresent() ? p.getAsDouble() : null, null, null, gradients.summary());
    }

    /** Describes the epoch's queries and pool with the current network and mines its tuples. */
    private TupleMiner.Mined mine(int epoch, int[] queries, int[] pool, Rng rng) {
        TrainingSet data = parts.data();
        try (MemoryScope scope = MemoryScope.open();
             ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d mine", epoch, schedule.epochs()),
                     queries.length + pool.length)) {
            float[] qd = descriptors.of(data, queries, bar::set);
            float[] pd = descriptors.of(data, pool, done -> bar.set(queries.length + done));
            int d = model.dim();
            return parts.mining().mine(data, Tensor.of(backend, qd, queries.length, d), queries,
                    Tensor.of(backend, pd, pool.length, d), pool, rng);
        }
    }

    /** Each optimiser group's configured rate times the schedule's factor for the epoch. */
    private void setLearningRates(int epoch) {
        double factor = parts.lrSchedule().factor(epoch);
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).setLr(baseLr[g] * factor);
        }
    }

    /** One optimiser step on a batch of tuples; returns its loss. A non-finite loss stops the run before the step. */
    private double step(StepBatch b, int epoch, int step) {
        try (MemoryScope scope = MemoryScope.open(); Profiler.Scope st = Profiler.step("step")) {
            List<Tensor> batches;
            try (Profiler.Scope ph = Profiler.phase("data")) {
                batches = parts.data().tensors(b.images(), backend);
            }
            Tensor l;
            double loss;
            try (Profiler.Scope ph = Profiler.phase("forward")) {
                l = parts.loss().apply(forward(batches), b.tuples());
                loss = l.item();
            }
            requireFiniteLoss(loss, epoch, step);
            try (Profiler.Scope ph = Profiler.phase("backward")) {
                l.backward();
            }
            optimizerStep();
            return loss;
        }
    }

    /** A non-finite loss stops the run before the step (nothing of the epoch is saved). */
    private void requireFiniteLoss(double loss, int epoch, int step) {
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the loss became %s at epoch %d step %d"
                    + " (learning rate %g); nothing of this epoch was saved, the checkpoints of earlier epochs in %s"
                    + " are intact; %s", loss, epoch, step, optimizer.paramGroups().get(0).lr(),
                    folder.checkpoints(), updates == 0 ? "no update was made yet in this run, so the learning rate"
                            + " is not the cause: check the loss parameters (" + parts.loss().describe() + ") and"
                            + " the data" : "try a lower --lr"));
        }
    }

    /** Gradient statistics and clipping, the optimiser step, zeroed gradients. */
    private void optimizerStep() {
        try (Profiler.Scope ph = Profiler.phase("gradients")) {
            gradients.afterBackward();
            gradients.beforeStep();
        }
        try (Profiler.Scope ph = Profiler.phase("optimizer")) {
            optimizer.step();
            optimizer.zeroGrad();
            updates++;
        }
        try (Profiler.Scope ph = Profiler.phase("gradients")) {
            gradients.afterStep();
        }
    }

    /**
     * One optimiser step over groups of the step's tuples: each group's distinct images through the network, its
     * mean loss weighted by its share of the step's {@code total} tuples and backpropagated, gradients
     * accumulating; then one optimiser step. Returns the step's mean loss.
     */
    private double accumulatedStep(List<StepBatch> groups, int total, int epoch, int step) {
        double loss = 0;
        try (Profiler.Scope st = Profiler.step("step")) {
            for (StepBatch b : groups) {
                try (MemoryScope scope = MemoryScope.open()) {
                    List<Tensor> batches;
                    try (Profiler.Scope ph = Profiler.phase("data")) {
                        batches = parts.data().tensors(b.images(), backend);
                    }
                    double share = (double) b.tuples().m() / total;
                    Tensor l;
                    try (Profiler.Scope ph = Profiler.phase("forward")) {
                        l = Affine.apply(parts.loss().apply(forward(batches), b.tuples()), share, 0.0);
                        double part = l.item();
                        requireFiniteLoss(part / share, epoch, step);
                        loss += part;
                    }
                    try (Profiler.Scope ph = Profiler.phase("backward")) {
                        l.backward();
                    }
                }
            }
            try (MemoryScope scope = MemoryScope.open()) {
                optimizerStep();
            }
        }
        return loss;
    }

    /** Descriptors of a step's images in training mode (one forward pass per tensor the set hands out). */
    private Tensor forward(List<Tensor> batches) {
        if (batches.size() == 1) {
            return model.forward(batches.get(0));
        }
        return Concat.apply(batches.stream().map(model::forward).toList(), 0);
    }

    /**
     * Stops before anything of a diverged epoch is saved: a finite training loss can hide parameters or
     * batch-norm statistics that overflowed (batch statistics renormalise them in training mode).
     */
    private void requireFiniteState(int epoch) {
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            float[] v = e.getValue().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the network diverged in epoch %d: %s[%d]"
                            + " is %s (learning rate %g); nothing of this epoch was saved, the checkpoints of earlier"
                            + " epochs in %s are intact; try a lower --lr", epoch, e.getKey(), i, v[i],
                            optimizer.paramGroups().get(0).lr(), folder.checkpoints()));
                }
            }
        }
    }

    private void saveCheckpoint(int epoch) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", epoch);
        meta.put("engine", Version.get());
        meta.put("config", config);
        meta.put("history", history.toMap());
        meta.putAll(model.checkpointMeta());
        folder.writeCheckpoint(epoch, Checkpoint.of(meta, model.stateDict(), optimizer.stateDict()));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
