package org.lrml.train.sfm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.data.Normalization;
import org.lrml.data.SfmDataset;
import org.lrml.nn.LandmarkNet;
import org.lrml.optim.Adam;
import org.lrml.tensor.Tensor;
import org.lrml.train.Checkpoint;
import org.lrml.train.FusedTupleLoss;
import org.lrml.train.LrSchedule;
import org.lrml.train.RunFolder;
import org.lrml.train.RunResumption;
import org.lrml.train.TrainConfig;
import org.lrml.train.Trainer;
import org.lrml.train.TrainingParts;
import org.lrml.util.Rng;

/**
 * {@code lrml train --dataset sfm120k}: cirtorch's fine-tuning of a landmark network on SfM-120k, with any of the
 * engine's losses, as {@link TrainingParts} for the one {@link Trainer}: the train split's pairs and images
 * ({@link SfmTrainingSet}), a {@link LandmarkNet} (the configured trunk, pretrained weights if given, GeM, L2)
 * with frozen batch norm ({@link LandmarkModel}), mining by given positives and hardest negatives of other
 * clusters ({@link PairMining}), Adam with GeM's p in its own group, the learning rate decayed by
 * exp(-d) per epoch, the held-out val protocol and the Lw whitening at the end ({@link SfmEvaluation}).
 */
public final class SfmTraining {
    private SfmTraining() {
    }

    /** A new run writing into {@code out}. */
    public static Trainer start(TrainConfig cfg, Path out, PrintStream log) throws IOException {
        return Trainer.start(assemble(cfg), cfg.schedule(), cfg.clipping(), cfg.toMap(), RunFolder.at(out), log);
    }

    /** Continues the run in {@code runDir} (see {@link RunResumption}). */
    public static Trainer resume(Path runDir, UnaryOperator<TrainConfig> adjust, PrintStream log) throws IOException {
        return RunResumption.resume(runDir, adjust, log, SfmTraining::assemble);
    }

    /** The cirtorch schedule: the configured rate times exp(-d x epoch), stepped before each epoch. */
    static LrSchedule exponentialDecay(double d) {
        return epoch -> Math.exp(-d * epoch);
    }

    /** The parts of the run {@code cfg} describes; fresh weights come from {@code Rng(seed).fork(0)}. */
    public static TrainingParts assemble(TrainConfig cfg) throws IOException {
        if (cfg.dtype() != DType.F32) {
            throw new IllegalArgumentException("--dtype " + cfg.dtype().numpyName() + ": SfM-120k training runs in"
                    + " float32");
        }
        SfmDataset data = SfmDataset.read(cfg.data().dir());
        TrainConfig.Landmark lm = cfg.landmark();
        LandmarkNet.Spec spec = LandmarkNet.Spec.of(lm.arch(), LandmarkNet.Pooling.parse(cfg.net().pooling().name()),
                cfg.net().gemP());
        LandmarkNet net = new LandmarkNet(spec, new Rng(cfg.schedule().seed()).fork(0));
        if (lm.pretrained() != null) {
            loadTrunk(net, lm.pretrained());
        }
        Backend backend = Backends.byName(cfg.backend());
        net.to(backend);
        LandmarkModel model = new LandmarkModel(net);
        TrainConfig.Optimization o = cfg.optimization();
        // Created after the move to the backend: the optimiser keeps the parameter tensors it is given.
        Adam adam = Adam.adam(model.parameterGroups(o.lr(), o.weightDecay(), o.gemLrMultiplier()));
        Normalization norm = new Normalization(lm.arch().cliName(), spec.mean(), spec.std());
        SfmTrainingSet train = new SfmTrainingSet(new SfmImages(data.train(), lm.imageSize(), norm));
        SfmImages val = new SfmImages(data.val(), lm.imageSize(), norm);
        return new TrainingParts(backend, train, model, new PairMining(cfg.miner()), new FusedTupleLoss(cfg.loss()),
                adam, exponentialDecay(lm.lrDecay()), new SfmEvaluation(val), lm.tuplesPerForward());
    }

    /**
     * The trunk weights ({@code features.*}) of a landmark checkpoint ({@code lrml import --torch}, or an earlier
     * run); its pooling and whitening are not taken: the run starts GeM at the configured p, as cirtorch does.
     */
    static void loadTrunk(LandmarkNet net, Path file) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        if (!(c.meta().get("model") instanceof Map<?, ?> m) || !"landmark".equals(m.get("type"))) {
            throw new IOException("--pretrained " + file + ": not a landmark network checkpoint (make one with lrml"
                    + " import --torch)");
        }
        LandmarkNet.Spec theirs = LandmarkNet.Spec.fromMap(m, "--pretrained " + file);
        if (theirs.arch() != net.spec().arch()) {
            throw new IOException("--pretrained " + file + " holds a " + theirs.arch().cliName() + " trunk, but --arch is "
                    + net.spec().arch().cliName());
        }
        Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
        int loaded = 0;
        for (Map.Entry<String, Tensor> e : c.modelTensors().entrySet()) {
            if (e.getKey().startsWith("features.")) {
                state.put(e.getKey(), e.getValue());
                loaded++;
            }
        }
        java.util.List<String> missing = net.stateDict().keySet().stream()
                .filter(k -> k.startsWith("features.") && !c.model().containsKey(k)).toList();
        if (loaded == 0 || !missing.isEmpty()) {
            throw new IOException("--pretrained " + file + ": trunk weights missing: "
                    + (loaded == 0 ? "no features.* entry at all" : missing));
        }
        try {
            net.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException("--pretrained " + file + ": " + e.getMessage(), e);
        }
    }
}
