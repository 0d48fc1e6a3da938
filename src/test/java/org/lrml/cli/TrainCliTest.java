package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.testutil.TinyFashion;

/** train, extract and eval --checkpoint through the command line, and their one-line errors. */
class TrainCliTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    @BeforeAll
    static void trainOnce() throws IOException {
        data = TinyFashion.write(tmp.resolve("data"), 200, 60, 3);
        run = tmp.resolve("run");
        String[] out = CliTest.run(0, "train", "--data", data.toString(), "--out", run.toString(), "--backend", "cpu",
                "--epochs", "1", "--queries", "20", "--pool", "80", "--tuples-per-step", "10", "--describe-batch", "50");
        assertTrue(out[0].contains("epoch 1/1") && out[0].contains("final: mAP"), out[0]);
    }

    @Test
    void extractAndEvalUseTheCheckpoint() throws IOException {
        Path ckpt = run.resolve("checkpoints/epoch-001.ckpt");
        Path d = tmp.resolve("desc/test.npy");
        CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--data", data.toString(), "--out", d.toString(),
                "--backend", "cpu");
        NpyArray a = Npy.read(d);
        assertEquals(60, a.shape()[0]);
        assertEquals(64, a.shape()[1]);
        assertEquals(60, Npy.read(tmp.resolve("desc/test.labels.npy")).shape()[0]);
        String out = CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--protocol", "seen", "--dataset",
                data.toString(), "--out", tmp.resolve("eval").toString())[0];
        assertTrue(Files.readString(tmp.resolve("eval/metrics.json")).contains("\"mAP\""), out);
        // The same numbers as the training run's final evaluation (same network, same protocol).
        String trained = Files.readString(run.resolve("metrics.json"));
        String evaluated = Files.readString(tmp.resolve("eval/metrics.json"));
        assertEquals(trained.replaceAll("\"seconds\" : [0-9.E-]+", ""), evaluated.replaceAll("\"seconds\" : [0-9.E-]+", ""));
    }

    @Test
    void evalWithoutProtocolUsesTheCheckpointsOwn() throws IOException {
        Path ckpt = run.resolve("checkpoints/epoch-001.ckpt");
        CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--dataset", data.toString(), "--out",
                tmp.resolve("eval-default").toString());
        String evaluated = Files.readString(tmp.resolve("eval-default/metrics.json"));
        assertTrue(evaluated.contains("seen"), evaluated);
        assertEquals(Files.readString(run.resolve("metrics.json")).replaceAll("\"seconds\" : [0-9.E-]+", ""),
                evaluated.replaceAll("\"seconds\" : [0-9.E-]+", ""));
    }

    @Test
    void drawsOutWritesWhatAnotherEngineNeedsToReplayTheRun() throws IOException {
        Path draws = tmp.resolve("draws");
        CliTest.run(0, "train", "--data", data.toString(), "--out", tmp.resolve("run-draws").toString(), "--backend",
                "cpu", "--epochs", "2", "--queries", "20", "--pool", "80", "--tuples-per-step", "10", "--describe-batch",
                "50", "--eval-every", "0", "--draws-out", draws.toString());
        assertTrue(Files.isRegularFile(draws.resolve("init.ckpt")));
        for (int e = 1; e <= 2; e++) {
            NpyArray q = Npy.read(draws.resolve(String.format("queries-%03d.npy", e)));
            NpyArray t = Npy.read(draws.resolve(String.format("tuples-%03d.npy", e)));
            NpyArray o = Npy.read(draws.resolve(String.format("order-%03d.npy", e)));
            assertEquals(20, q.shape()[0]);
            assertEquals(80, Npy.read(draws.resolve(String.format("pool-%03d.npy", e))).shape()[0]);
            assertEquals(7, t.shape()[1]);
            assertEquals(t.shape()[0], o.shape()[0], "one batch position per tuple");
        }
        // The weights before the first step, as a checkpoint of epoch 0.
        org.lrml.train.Checkpoint init = org.lrml.train.Checkpoint.read(draws.resolve("init.ckpt"));
        assertEquals(0, init.epoch());
    }

    @Test
    void resumeRefusesSettingsThatWouldChangeTheRun() {
        String err = CliTest.run(1, "train", "--resume", run.toString(), "--lr", "0.1")[1];
        assertTrue(err.contains("--lr cannot change on --resume"), err);
    }

    @Test
    void badInputIsOneClearLine() {
        String noData = CliTest.run(1, "train", "--data", tmp.resolve("missing").toString(), "--out",
                tmp.resolve("x").toString(), "--backend", "cpu")[1];
        assertTrue(noData.contains("dataset-fashion-mnist") || noData.contains("--data"), noData);
        String lossFlag = CliTest.run(1, "train", "--loss", "triplet", "--alpha", "1.0")[1];
        assertTrue(lossFlag.contains("--alpha is an LRML parameter"), lossFlag);
        String mode = CliTest.run(1, "train", "--negatives", "softest")[1];
        assertTrue(mode.contains("--negatives") && mode.contains("hardest or bottom"), mode);
        String again = CliTest.run(1, "train", "--data", data.toString(), "--out", run.toString())[1];
        assertTrue(again.contains("already holds a run"), again);
        String ckpt = CliTest.run(1, "extract", "--checkpoint", tmp.resolve("none.ckpt").toString(), "--data",
                data.toString(), "--out", tmp.resolve("y.npy").toString())[1];
        assertTrue(ckpt.contains("no such file"), ckpt);
    }
}
