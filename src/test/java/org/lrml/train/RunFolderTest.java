package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder's layout, and which checkpoint a resume picks. */
class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void theLatestCheckpointIsTheHighestEpochNumberNotTheLastName() throws IOException {
        RunFolder run = RunFolder.at(tmp.resolve("run"));
        run.create();
        for (int e : new int[]{2, 10, 999, 1000}) {
            Files.writeString(run.checkpoint(e), "x");
        }
        Files.writeString(run.checkpoints().resolve("epoch-2000.ckpt.tmp"), "an interrupted write");
        Files.writeString(run.checkpoints().resolve("notes.txt"), "not a checkpoint");
        assertEquals("epoch-1000.ckpt", run.latestCheckpoint().getFileName().toString());
        assertEquals("epoch-999.ckpt", run.checkpoint(999).getFileName().toString());
        assertEquals("epoch-002.ckpt", run.checkpoint(2).getFileName().toString());
    }

    @Test
    void aFolderWithoutCheckpointsIsNamedInTheError() throws IOException {
        RunFolder none = RunFolder.at(tmp.resolve("nowhere"));
        assertFalse(none.holdsRun());
        IOException e = assertThrows(IOException.class, none::latestCheckpoint);
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("not a run folder"), e.getMessage());
        RunFolder empty = RunFolder.at(tmp.resolve("empty"));
        empty.create();
        assertTrue(empty.holdsRun());
        IOException f = assertThrows(IOException.class, empty::latestCheckpoint);
        assertTrue(f.getMessage().contains("no epoch-NNN.ckpt"), f.getMessage());
    }

    @Test
    void ownsTheReportFiles() throws IOException {
        RunFolder run = RunFolder.at(tmp.resolve("reports"));
        run.create();
        run.writeConfig(Map.of("seed", 0));
        assertEquals("{\n  \"seed\" : 0\n}\n", Files.readString(run.configJson()));
        History h = new History();
        h.recordStep(0.5);
        h.recordEpoch(new EpochRecord(1, "cpu", 0.5, 1, 4, 0, 0, 1, 1, 12, 12, null, null, null));
        run.writeHistory(h, "test");
        assertTrue(Files.readString(run.historyJson()).contains("\"step_losses\" : [ 0.5 ]"));
        assertTrue(Files.size(run.curvesPng()) > 0);
        assertEquals(tmp.resolve("reports/metrics.json"), run.metricsJson());
        assertEquals(tmp.resolve("reports/gallery.png"), run.galleryPng());
    }
}
