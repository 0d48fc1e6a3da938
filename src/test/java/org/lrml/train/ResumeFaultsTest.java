package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.LossSpec;
import org.lrml.nn.RetrievalNet;
import org.lrml.testutil.TinyFashion;
import org.lrml.train.fashion.FashionTraining;

/**
 * What a kill leaves behind, and how a resume copes (issue 15, defect 5): temporary files of interrupted writes
 * are removed, a run killed before its first checkpoint resumes from its config.json, and a loss that is not finite
 * before any update does not blame the learning rate.
 */
class ResumeFaultsTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws IOException {
        data = TinyFashion.write(tmp.resolve("data"), 200, 60, 4);
    }

    static TrainConfig small(int epochs) {
        return TrainConfig.builder().data(data).backend("cpu").epochs(epochs).queries(24).pool(80).tuplesPerStep(8)
                .seed(2).evalEvery(1).describeBatch(64)
                .net(new RetrievalNet.Config(1, new int[]{4, 4, 4}, 8, RetrievalNet.Pooling.GEM, 3.0)).build();
    }

    private static String deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return Long.toString(p.pid());
    }

    @Test
    void aResumeRemovesTheTemporariesOfInterruptedWrites() throws Exception {
        Path run = tmp.resolve("temps");
        FashionTraining.start(small(1), run, new PrintStream(new ByteArrayOutputStream())).run();
        String pid = deadPid();
        Path halfCheckpoint = Files.writeString(run.resolve("checkpoints/.epoch-002.ckpt." + pid + ".9a8b.tmp"), "half");
        Path halfHistory = Files.writeString(run.resolve(".history.json." + pid + ".77.tmp"), "{");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FashionTraining.resume(run, c -> c.toBuilder().epochs(2).build(), new PrintStream(log)).run();
        assertFalse(Files.exists(halfCheckpoint) || Files.exists(halfHistory), "temporaries removed");
        assertTrue(log.toString().contains("left by an interrupted write"), log.toString());
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2, files.count(), "epoch-001.ckpt and epoch-002.ckpt only");
        }
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointResumesFromItsConfigToTheSameResult() throws IOException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path whole = tmp.resolve("whole");
        FashionTraining.start(small(2), whole, quiet).run();
        // What a kill during epoch 1 leaves: config.json and an empty checkpoints/ (a fresh start refuses the folder).
        Path killed = tmp.resolve("killed");
        RunFolder folder = RunFolder.at(killed);
        folder.writeConfig(small(2).toMap());
        folder.create();
        FashionTraining.resume(killed, c -> c, quiet).run();
        assertEquals(Checkpoint.read(RunFolder.at(whole).checkpoint(2)).model(),
                Checkpoint.read(folder.checkpoint(2)).model(), "bit for bit the uninterrupted run");
    }

    @Test
    void aLossThatOverflowsBeforeAnyUpdateBlamesTheLossParametersNotTheLearningRate() {
        TrainConfig huge = small(1).toBuilder().loss(LossSpec.lrml().withAlpha(1e300)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FashionTraining.start(huge, tmp.resolve("alpha"), new PrintStream(new ByteArrayOutputStream()))
                        .run());
        assertTrue(e.getMessage().contains("learning rate is not the cause") && e.getMessage().contains("alpha 1.00000e+300")
                && !e.getMessage().contains("try a lower --lr"), e.getMessage());
    }

    @Test
    void aCheckpointThatDoesNotFitTheResumedRunNamesItsFile() throws IOException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Path run = tmp.resolve("misfit");
        FashionTraining.start(small(1), run, quiet).run();
        Path file = RunFolder.at(run).checkpoint(1);
        Checkpoint c = Checkpoint.read(file);
        java.util.Map<String, org.lrml.io.NpyArray> optim = new java.util.LinkedHashMap<>(c.optimizer());
        optim.put("param.0.exp_avg", org.lrml.io.NpyArray.of(new float[3], 3));
        new Checkpoint(c.meta(), c.model(), optim).write(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FashionTraining.resume(run, cfg -> cfg.toBuilder().epochs(2).build(), quiet));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("param.0.exp_avg"),
                e.getMessage());
    }
}
