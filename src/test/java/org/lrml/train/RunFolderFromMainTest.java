package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.NpyArray;
import org.lrml.testutil.TinyFashion;
import org.lrml.train.fashion.FashionTraining;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A run folder written by main before the trainer was split into parts (test resource train/run-main-284d38f,
 * made as its README says): its config and history read back and are written again in exactly the same JSON,
 * and its epoch-1 checkpoint resumes to an epoch 2 that matches the one main wrote.
 */
class RunFolderFromMainTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    static Path tmp;
    static Path old;
    static Path data;

    @BeforeAll
    static void locate() throws URISyntaxException, IOException {
        old = Path.of(RunFolderFromMainTest.class.getResource("/train/run-main-284d38f/config.json").toURI()).getParent();
        data = TinyFashion.write(tmp.resolve("data"), 300, 100, 5);
    }

    private static Map<String, Object> json(Path file) throws IOException {
        return JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
    }

    @Test
    void configAndHistoryKeepTheirJsonForm() throws IOException {
        String config = Files.readString(old.resolve("config.json"));
        assertEquals(config, JSON.writeValueAsString(TrainConfig.fromMap(json(old.resolve("config.json"))).toMap()) + "\n");
        Checkpoint c = Checkpoint.read(old.resolve("checkpoints/epoch-002.ckpt"));
        assertEquals(config, JSON.writeValueAsString(c.config().toMap()) + "\n", "the checkpoint's config");
        assertEquals(Files.readString(old.resolve("history.json")),
                JSON.writeValueAsString(History.fromMap(c.history()).toMap()) + "\n", "the checkpoint's history");
    }

    @Test
    void itsCheckpointResumesToTheEpochMainWrote() throws IOException {
        Path run = tmp.resolve("resumed");
        Files.createDirectories(run.resolve("checkpoints"));
        Files.copy(old.resolve("config.json"), run.resolve("config.json"));
        Files.copy(old.resolve("checkpoints/epoch-001.ckpt"), run.resolve("checkpoints/epoch-001.ckpt"));
        FashionTraining.resume(run, c -> c.toBuilder().epochs(2).data(data).build(), QUIET).run();

        Checkpoint expected = Checkpoint.read(old.resolve("checkpoints/epoch-002.ckpt"));
        Checkpoint got = Checkpoint.read(RunFolder.at(run).checkpoint(2));
        History he = History.fromMap(expected.history());
        History hg = History.fromMap(got.history());
        assertEquals(he.epochs().get(0), hg.epochs().get(0), "epoch 1 comes from the old checkpoint as it was");
        assertEquals(he.stepLosses().size(), hg.stepLosses().size());
        // Bit for bit on the machine that wrote the fixture; elsewhere the CPU's vector width may round differently.
        List<Double> le = he.stepLosses();
        List<Double> lg = hg.stepLosses();
        for (int i = 0; i < le.size(); i++) {
            assertEquals(le.get(i), lg.get(i), 1e-4 * Math.abs(le.get(i)), "step " + i + " loss");
        }
        assertEquals(expected.model().keySet(), got.model().keySet());
        assertEquals(expected.optimizer().keySet(), got.optimizer().keySet());
        for (Map.Entry<String, NpyArray> e : expected.model().entrySet()) {
            float[] a = e.getValue().toTensor(org.lrml.backend.Backends.cpu()).toFloatArray();
            float[] b = got.model().get(e.getKey()).toTensor(org.lrml.backend.Backends.cpu()).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-3f * Math.max(1f, Math.abs(a[i])), e.getKey() + "[" + i + "]");
            }
        }
        assertTrue(Files.isRegularFile(run.resolve("metrics.json")));
    }
}
