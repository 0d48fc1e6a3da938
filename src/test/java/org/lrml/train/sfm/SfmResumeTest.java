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
 * weights, Adam's state and every step's loss), and its checkpoints describe a landmark network.
 */
class SfmResumeTest {
    private static TrainConfig config(Path data, int epochs) {
        return TrainConfig.builder().sfm120kRecipe()
                .data(data)
                .backend("cpu")
                .landmark(new TrainConfig.Landmark(LandmarkNet.Arch.RESNET18, null, 32, 0.01))
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
        Path resumed = dir.resolve("resumed");
        SfmTraining.start(config(data, 1), resumed, quiet).run();
        SfmTraining.resume(resumed, c -> c.toBuilder().epochs(2).build(), quiet).run();

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
    }
}
