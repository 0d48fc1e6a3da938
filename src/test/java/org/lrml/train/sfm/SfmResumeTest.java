package org.lrml.train.sfm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.data.SyntheticSfm;
import org.lrml.nn.LandmarkNet;
import org.lrml.train.Checkpoint;
import org.lrml.train.RunFolder;
import org.lrml.train.TrainConfig;

/**
 * An SfM-120k run stopped after epoch 1 and resumed ends bit for bit as the uninterrupted run on the CPU (the
 * weights, Adam's state and every step's loss), and its checkpoints describe a landmark network. Its steps go
 * through the network two tuples at a time ({@code --tuples-per-forward 2}), whose gradient is the whole step's.
 */
class SfmResumeTest {
    private static TrainConfig config(Path data, int epochs) {
        return config(data, epochs, 2);
    }

    private static TrainConfig config(Path data, int epochs, int tuplesPerForward) {
        return TrainConfig.builder().sfm120kRecipe()
                .data(data)
                .backend("cpu")
                .landmark(new TrainConfig.Landmark(LandmarkNet.Arch.RESNET18, null, 32, 0.01, tuplesPerForward))
                .epochs(epochs)
                .queries(5)
                .pool(20)
                .evalEvery(0)
                .lr(1e-4)
                .describeBatch(32)
                .build();
    }

    @Test
    void aResumedRunEndsAsTheUninterruptedOne(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("sfm");
        SyntheticSfm.write(data, new SyntheticSfm.Spec(6, 2, 3, 32, 3));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Path straight = dir.resolve("straight");
        SfmTraining.start(config(data, 2), straight, quiet).run();
        // The run as a kill after epoch 1 leaves it: a copy of the folder without the second checkpoint.
        Path resumed = dir.resolve("resumed");
        Files.createDirectories(resumed.resolve("checkpoints"));
        Files.copy(straight.resolve("config.json"), resumed.resolve("config.json"));
        Files.copy(RunFolder.at(straight).checkpoint(1), RunFolder.at(resumed).checkpoint(1));
        SfmTraining.resume(resumed, c -> c, quiet).run();

        Checkpoint a = Checkpoint.read(RunFolder.at(straight).checkpoint(2));
        Checkpoint b = Checkpoint.read(RunFolder.at(resumed).checkpoint(2));
        assertEquals(a.model(), b.model(), "model tensors bit for bit");
        assertEquals(a.optimizer(), b.optimizer(), "Adam's state bit for bit");
        assertEquals(a.history().get("step_losses"), b.history().get("step_losses"), "every step's loss");
        Map<?, ?> model = (Map<?, ?>) a.meta().get("model");
        assertEquals("landmark", model.get("type"));
        assertEquals("resnet18", model.get("arch"));
        assertTrue(Files.isRegularFile(straight.resolve("whitening").resolve("projection.npy")));
        assertTrue(Files.isRegularFile(straight.resolve("gallery.png")));

        // The same first epoch with the step's images through the network at once: the same loss and gradient
        // (up to the order of float sums), so tuples per forward pass change memory, not the recipe.
        Path whole = dir.resolve("whole");
        SfmTraining.start(config(data, 1, 0), whole, quiet).run();
        Map<?, ?> grouped = epoch1(RunFolder.at(straight).checkpoint(1));
        Map<?, ?> once = epoch1(RunFolder.at(whole).checkpoint(1));
        assertEquals(((Number) once.get("loss")).doubleValue(), ((Number) grouped.get("loss")).doubleValue(), 1e-5);
        double g1 = ((Number) ((Map<?, ?>) once.get("gradients")).get("total_norm_mean")).doubleValue();
        double g2 = ((Number) ((Map<?, ?>) grouped.get("gradients")).get("total_norm_mean")).doubleValue();
        assertEquals(g1, g2, 1e-4 * g1, "the gradient's norm");
    }

    private static Map<?, ?> epoch1(Path checkpoint) throws IOException {
        return (Map<?, ?>) ((java.util.List<?>) Checkpoint.read(checkpoint).history().get("epochs")).get(0);
    }
}
