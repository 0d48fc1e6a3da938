package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.LossSpec;
import org.lrml.data.ChwImage;
import org.lrml.eval.DescriptorEval;
import org.lrml.eval.EvalResult;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.Conv2d;
import org.lrml.nn.L2Norm;
import org.lrml.nn.Linear;
import org.lrml.nn.Mac;
import org.lrml.nn.Module;
import org.lrml.nn.Relu;
import org.lrml.optim.Adam;
import org.lrml.optim.ParamGroup;
import org.lrml.report.Gallery;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The training loop with parts that are not Fashion-MNIST's: a made-up data set whose images come in two sizes
 * (as landmark photos do), a tiny network without a pooling exponent, a leave-one-out protocol and a learning-rate
 * schedule. If the loop still hard-wired anything of Fashion-MNIST, this would not run.
 */
class GenericLoopTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final double LR = 1e-2;

    @TempDir
    Path tmp;

    /** 48 images with 4 labels; rows 0-23 are 6 x 6, rows 24-47 are 8 x 8; each label brightens its own quadrant. */
    static final class TwoSizeSet implements TrainingSet {
        private final float[][] pixels = new float[48][];
        private final int[] labels = new int[48];

        TwoSizeSet() {
            Rng rng = new Rng(11);
            for (int i = 0; i < 48; i++) {
                int s = side(i);
                labels[i] = i % 4;
                pixels[i] = new float[s * s];
                for (int y = 0; y < s; y++) {
                    for (int x = 0; x < s; x++) {
                        int quadrant = (y < s / 2 ? 0 : 2) + (x < s / 2 ? 0 : 1);
                        pixels[i][y * s + x] = 0.3f * rng.nextFloat() + (quadrant == labels[i] ? 0.7f : 0f);
                    }
                }
            }
        }

        static int side(int row) {
            return row < 24 ? 6 : 8;
        }

        @Override
        public int size() {
            return 48;
        }

        @Override
        public int[] labels() {
            return labels;
        }

        @Override
        public List<Tensor> tensors(int[] rows, Backend backend) {
            List<Tensor> out = new ArrayList<>();
            int i = 0;
            while (i < rows.length) {
                int s = side(rows[i]);
                int j = i;
                while (j < rows.length && side(rows[j]) == s) {
                    j++;
                }
                float[] data = new float[(j - i) * s * s];
                for (int r = i; r < j; r++) {
                    System.arraycopy(pixels[rows[r]], 0, data, (r - i) * s * s, s * s);
                }
                out.add(Tensor.of(backend, data, j - i, 1, s, s));
                i = j;
            }
            return out;
        }

        ChwImage image(int row) {
            int s = side(row);
            return new ChwImage(1, s, s, pixels[row].clone());
        }
    }

    /** conv 3x3 (1 -> 4), ReLU, global max pooling, linear 4 -> 3, L2: works on any image size. */
    static final class TinyModel extends Module implements RetrievalModel {
        final Set<Integer> trainingHeights = new HashSet<>();
        private final Conv2d conv;
        private final Relu relu = new Relu();
        private final Mac pool = new Mac();
        private final Linear linear;
        private final L2Norm norm = new L2Norm();

        TinyModel(Rng rng) {
            conv = registerModule("conv", new Conv2d(1, 4, 3, 1, 1, rng.fork(1)));
            linear = registerModule("linear", new Linear(4, 3, true, rng.fork(2)));
        }

        @Override
        public Tensor forward(Tensor x) {
            if (isTraining()) {
                trainingHeights.add(x.size(2));
            }
            return norm.forward(linear.forward(pool.forward(relu.forward(conv.forward(x)))));
        }

        @Override
        public void setTraining(boolean on) {
            train(on);
        }

        @Override
        public int dim() {
            return 3;
        }

        @Override
        public List<ParamGroup> parameterGroups(double lr, double weightDecay, double poolingLrMultiplier) {
            return List.of(new ParamGroup(parameters(), lr, weightDecay));
        }

        @Override
        public OptionalDouble poolingExponent() {
            return OptionalDouble.empty();
        }

        @Override
        public String describe() {
            return "tiny conv + MAC + linear";
        }
    }

    /** Leave-one-out over the training set itself; the gallery shows the first image and its top 3. */
    static final class LeaveOneOut implements Evaluation {
        private final TwoSizeSet set;

        LeaveOneOut(TwoSizeSet set) {
            this.set = set;
        }

        @Override
        public String name() {
            return "leave-one-out";
        }

        @Override
        public String title() {
            return "two-size set";
        }

        @Override
        public EvalResult evaluate(Descriptors descriptors, String when) {
            float[] d = descriptors.all(set, "eval " + when);
            return DescriptorEval.evaluate("two-size", d, d, set.labels(), set.labels(), descriptors.dim(), true);
        }

        @Override
        public List<Gallery.Row> galleryRows(Descriptors descriptors, Rng rng) {
            List<Gallery.Result> results = new ArrayList<>();
            for (int r = 1; r <= 3; r++) {
                results.add(new Gallery.Result(set.image(r), 0.5f, set.labels()[r] == set.labels()[0]));
            }
            return List.of(new Gallery.Row(set.image(0), "query 0", results));
        }

        @Override
        public String galleryTitle() {
            return "two-size set";
        }
    }

    private static TrainingParts parts(LrSchedule schedule) {
        Backend cpu = Backends.cpu();
        TwoSizeSet set = new TwoSizeSet();
        TinyModel model = new TinyModel(new Rng(5));
        model.to(cpu);
        return new TrainingParts(cpu, set, model,
                new LabelMining(new TupleMiner.Config(2, TupleMiner.NegativeMode.HARDEST, TupleMiner.PositiveMode.RANDOM, 4)),
                new FusedTupleLoss(LossSpec.lrml()), Adam.adam(model.parameterGroups(LR, 0.0, 10.0)), schedule,
                new LeaveOneOut(set));
    }

    private static TrainConfig.Schedule schedule(int epochs) {
        return new TrainConfig.Schedule(epochs, 16, 40, 4, 1, 10, 3);
    }

    @Test
    void oneEpochOfMadeUpPartsWritesTheWholeRunFolder() throws IOException {
        TrainingParts parts = parts(LrSchedule.constant());
        RunFolder folder = RunFolder.at(tmp.resolve("run"));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("what", "a made-up run");
        EvalResult r = Trainer.start(parts, schedule(1), config, folder, QUIET).run();

        assertTrue(r.map() > 0 && r.map() <= 1, "mAP " + r.map());
        for (Path f : List.of(folder.configJson(), folder.metricsJson(), folder.historyJson(), folder.curvesPng(),
                folder.galleryPng(), folder.checkpoint(1))) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
        assertEquals(Set.of(6, 8), ((TinyModel) parts.model()).trainingHeights,
                "steps mix both image sizes: the loop forwards each tensor the set hands out");

        @SuppressWarnings("unchecked")
        Map<String, Object> history = new ObjectMapper().readValue(folder.historyJson().toFile(), Map.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> epochs = (List<Map<String, Object>>) history.get("epochs");
        assertEquals(1, epochs.size());
        Map<String, Object> e = epochs.get(0);
        assertFalse(e.containsKey("gem_p"), "no pooling exponent, no gem_p: " + e);
        assertEquals(16, e.get("tuples"), "every query has two other labels in a 40-image pool and a positive");
        assertEquals(4, e.get("steps"));
        assertEquals(4, ((List<?>) history.get("step_losses")).size());
        assertTrue(history.get("untrained") instanceof Map, "the untrained network is evaluated first");
        assertEquals("{\n  \"what\" : \"a made-up run\"\n}\n", Files.readString(folder.configJson()));
    }

    @Test
    void theScheduleSetsEachEpochsLearningRateAlsoAfterResume() throws IOException {
        LrSchedule halving = epoch -> Math.pow(0.5, epoch - 1);
        RunFolder folder = RunFolder.at(tmp.resolve("scheduled"));
        Map<String, Object> config = Map.of("what", "scheduled");
        TrainingParts first = parts(halving);
        Trainer.start(first, schedule(1), config, folder, QUIET).run();
        assertEquals(LR, first.optimizer().paramGroups().get(0).lr(), "epoch 1: factor 1");

        TrainingParts second = parts(halving);
        Path latest = folder.latestCheckpoint();
        Trainer.resume(second, schedule(2), config, folder, latest, Checkpoint.read(latest), QUIET).run();
        assertEquals(LR * 0.5, second.optimizer().paramGroups().get(0).lr(), "epoch 2: factor 0.5");
        Checkpoint c = Checkpoint.read(folder.checkpoint(2));
        assertEquals(LR * 0.5, c.optimizerTensors().get("group.0.lr").item(), "the checkpoint keeps the epoch's rate");
        assertEquals(2, History.fromMap(c.history()).epochs().size(), "the resumed run continues the history");
    }
}
