package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.eval.EvalResult;
import org.lrml.io.NpyArray;
import org.lrml.testutil.TinyFashion;
import org.lrml.train.fashion.FashionTraining;

/** End to end on a tiny data set: training, checkpoints, bit-exact resume, failure handling. */
class TrainerTest {
    @TempDir
    static Path tmp;
    static Path data;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @BeforeAll
    static void data() throws IOException {
        data = TinyFashion.write(tmp.resolve("data"), 300, 100, 5);
    }

    static TrainConfig tiny(int epochs) {
        return TrainConfig.builder().data(data).backend("cpu").epochs(epochs).queries(30).pool(120).tuplesPerStep(8)
                .lr(3e-3).seed(7).describeBatch(64).build();
    }

    private static Path checkpoint(Path run, int epoch) {
        return RunFolder.at(run).checkpoint(epoch);
    }

    @Test
    void resumedRunEndsBitForBitLikeTheUninterruptedOne() throws IOException {
        Path a = tmp.resolve("uninterrupted");
        EvalResult full = FashionTraining.start(tiny(3), a, QUIET).run();
        Path b = tmp.resolve("interrupted");
        FashionTraining.start(tiny(1), b, QUIET).run();
        EvalResult resumed = FashionTraining.resume(b, c -> c.toBuilder().epochs(3).build(), QUIET).run();

        assertEquals(full.map(), resumed.map(), "final mAP");
        assertArrayEquals(full.recall(), resumed.recall(), "final recalls");
        Checkpoint ca = Checkpoint.read(checkpoint(a, 3));
        Checkpoint cb = Checkpoint.read(checkpoint(b, 3));
        assertEquals(ca.model().keySet(), cb.model().keySet());
        for (Map.Entry<String, NpyArray> e : ca.model().entrySet()) {
            assertEquals(e.getValue(), cb.model().get(e.getKey()), "parameter " + e.getKey() + " bit for bit");
        }
        assertEquals(ca.optimizer(), cb.optimizer(), "optimiser state bit for bit");
        assertEquals(ca.history().get("step_losses"), cb.history().get("step_losses"), "every step's loss");
        assertTrue(full.map() > 0 && full.map() <= 1);
    }

    @Test
    void writesTheReportsAndACheckpointPerEpoch() throws IOException {
        Path out = tmp.resolve("reports");
        FashionTraining.start(tiny(2), out, QUIET).run();
        for (String f : List.of("config.json", "history.json", "metrics.json", "curves.png", "gallery.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(Files.isRegularFile(checkpoint(out, 1)));
        assertTrue(Files.isRegularFile(checkpoint(out, 2)));
        Checkpoint c = Checkpoint.read(checkpoint(out, 2));
        assertEquals(2, c.epoch());
        assertEquals(tiny(2), c.config());
        String metrics = Files.readString(out.resolve("metrics.json"));
        for (String key : List.of("\"mAP\"", "\"recall@1\"", "\"recall@2\"", "\"recall@4\"", "\"recall@8\"", "\"mAP@R\"",
                "\"queries\"", "\"database\"")) {
            assertTrue(metrics.contains(key), key + " in " + metrics);
        }
    }

    @Test
    void aDivergingLossStopsWithoutTouchingEarlierCheckpoints() throws IOException {
        Path out = tmp.resolve("diverge");
        FashionTraining.start(tiny(1), out, QUIET).run();
        byte[] before = Files.readAllBytes(checkpoint(out, 1));
        Trainer t = FashionTraining.resume(out, c -> c.toBuilder().epochs(2).lr(1e38).build(), QUIET);
        IllegalStateException e = assertThrows(IllegalStateException.class, t::run);
        assertTrue((e.getMessage().contains("the loss became") || e.getMessage().contains("diverged"))
                && e.getMessage().contains("--lr") && e.getMessage().contains("intact"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(checkpoint(out, 1)), "epoch 1 checkpoint intact");
        assertFalse(Files.exists(checkpoint(out, 2)));
    }

    @Test
    void corruptCheckpointsAreClearErrors() throws IOException {
        Path out = tmp.resolve("corrupt");
        FashionTraining.start(tiny(1), out, QUIET).run();
        Path good = checkpoint(out, 1);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = tmp.resolve("truncated.ckpt");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException t = assertThrows(IOException.class, () -> Checkpoint.read(truncated));
        assertTrue(t.getMessage().contains("truncated.ckpt"), t.getMessage());
        Path text = tmp.resolve("text.ckpt");
        Files.writeString(text, "not a checkpoint");
        IOException x = assertThrows(IOException.class, () -> Checkpoint.read(text));
        assertTrue(x.getMessage().contains("not an lrml checkpoint"), x.getMessage());
        IOException missing = assertThrows(IOException.class, () -> FashionTraining.resume(tmp.resolve("nowhere"), c -> c, QUIET));
        assertTrue(missing.getMessage().contains("not a run folder"), missing.getMessage());
    }

    @Test
    void missingDataSaysHowToGetIt() {
        TrainConfig cfg = tiny(1).toBuilder().data(tmp.resolve("no-data-here")).build();
        IOException e = assertThrows(IOException.class, () -> FashionTraining.start(cfg, tmp.resolve("nodata"), QUIET).run());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist") || e.getMessage().contains("--data"), e.getMessage());
    }
}
