package org.lrml.train.fashion;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.data.FashionMnist;
import org.lrml.data.LabeledImages;
import org.lrml.data.Normalization;
import org.lrml.nn.RetrievalNet;
import org.lrml.optim.Adam;
import org.lrml.train.FusedTupleLoss;
import org.lrml.train.LabelMining;
import org.lrml.train.LabeledImageSet;
import org.lrml.train.LrSchedule;
import org.lrml.train.RetrievalNetModel;
import org.lrml.train.RunResumption;
import org.lrml.train.RunFolder;
import org.lrml.train.TrainConfig;
import org.lrml.train.Trainer;
import org.lrml.train.TrainingParts;
import org.lrml.util.Rng;

/**
 * {@code lrml train} on Fashion-MNIST: assembles the {@link TrainingParts} a {@link TrainConfig} describes (the
 * IDX files, the {@link RetrievalNet}, label mining, the fused tuple loss, Adam with GeM's p in its own group, a
 * constant learning rate, the seen or unseen protocol) and hands them to the generic {@link Trainer}.
 */
public final class FashionTraining {
    private FashionTraining() {
    }

    /** A new run writing into {@code out}. A missing data set is an error saying how to install it. */
    public static Trainer start(TrainConfig cfg, Path out, PrintStream log) throws IOException {
        return Trainer.start(assemble(cfg), cfg.schedule(), cfg.clipping(), cfg.toMap(), RunFolder.at(out), log);
    }

    /**
     * Continues the run in {@code runDir} from its checkpoint of the highest epoch, with the stored config;
     * {@code adjust} may change what a resumed run may change (epochs, backend, data folder). Temporary files of
     * writes a kill interrupted are removed first; a run killed before its first checkpoint starts again from its
     * config.json (the same run, since epoch 0 depends on the config alone).
     */
    public static Trainer resume(Path runDir, UnaryOperator<TrainConfig> adjust, PrintStream log) throws IOException {
        return RunResumption.resume(runDir, adjust, log, FashionTraining::assemble);
    }

    /**
     * The run's backend: as configured, except that float64 needs one that holds it (auto then means the CPU; a named
     * backend without float64 is an error that says so).
     */
    static Backend backendFor(TrainConfig cfg) {
        if (cfg.dtype() == DType.F32) {
            return Backends.byName(cfg.backend());
        }
        Backend b = cfg.backend().equalsIgnoreCase("auto") ? Backends.cpu() : Backends.byName(cfg.backend());
        if (!b.supports(cfg.dtype())) {
            throw new IllegalArgumentException("--dtype " + cfg.dtype().numpyName() + " training needs a backend that"
                    + " holds " + cfg.dtype().numpyName() + " tensors; " + b.name() + " holds float32 only: use"
                    + " --backend cpu");
        }
        return b;
    }

    /** The parts of the run {@code cfg} describes, the network's weights drawn from {@code Rng(seed).fork(0)}. */
    public static TrainingParts assemble(TrainConfig cfg) throws IOException {
        Path dir = cfg.data().dir();
        LabeledImages all = FashionMnist.load(dir, FashionMnist.Split.TRAIN, Normalization.FASHION_MNIST);
        LabeledImages test = FashionMnist.load(dir, FashionMnist.Split.TEST, Normalization.FASHION_MNIST);
        TrainConfig.Protocol protocol = cfg.data().protocol();
        LabeledImages train = protocol == TrainConfig.Protocol.SEEN ? all : all.withLabels(FashionMnist.SEEN_LABELS);
        if (all.channels() != cfg.net().inChannels()) {
            throw new IllegalArgumentException(dir + ": the data has " + all.channels() + " channel(s) but the network"
                    + " expects " + cfg.net().inChannels());
        }
        Backend backend = backendFor(cfg);
        RetrievalNet net = new RetrievalNet(cfg.net(), new Rng(cfg.schedule().seed()).fork(0));
        net.to(backend);
        if (cfg.dtype() != DType.F32) {
            net.to(cfg.dtype());
        }
        RetrievalNetModel model = new RetrievalNetModel(net);
        TrainConfig.Optimization o = cfg.optimization();
        // Created after the move to the backend: the optimiser keeps the parameter tensors it is given.
        Adam adam = Adam.adam(model.parameterGroups(o.lr(), o.weightDecay(), o.gemLrMultiplier()));
        return new TrainingParts(backend, new LabeledImageSet(train), model, new LabelMining(cfg.miner()),
                new FusedTupleLoss(cfg.loss()), adam, LrSchedule.constant(), new FashionEvaluation(protocol, train, test));
    }
}
