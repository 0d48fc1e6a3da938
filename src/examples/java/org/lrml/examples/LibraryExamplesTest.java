package org.lrml.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;

/** Every example of docs/library.md compiles (this source set is built with the tests) and runs in mvn verify. */
class LibraryExamplesTest {
    private static String run(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void buildANetwork() throws Exception {
        String out = run(() -> BuildANetwork.main(new String[0]));
        assertTrue(out.contains("descriptors: [4, 32], first row norm 0.99999"), out);
    }

    @Test
    void customLossPassesGradcheck() throws Exception {
        String out = run(() -> CustomLoss.main(new String[0]));
        assertTrue(out.contains("ok"), out);
    }

    @Test
    void trainWithHooksAndProfiler(@TempDir Path dir) throws Exception {
        System.setProperty("lrml.profile.peak", "100,20");
        try {
            String out = run(() -> {
                List<Double> losses = TrainWithHooksAndProfiler.train(Backends.cpu(), 12, dir);
                assertTrue(losses.get(losses.size() - 1) < losses.get(0), "the loss falls: " + losses);
            });
            assertTrue(out.contains("kernels") && out.contains("optimizer"), out);
            String profile = Files.readString(dir.resolve("profile.json"));
            assertTrue(profile.contains("triplet margin (custom)") && profile.contains("conv.forward"), profile);
            assertTrue(Files.size(dir.resolve("trace.json")) > 1000);
        } finally {
            System.clearProperty("lrml.profile.peak");
        }
    }

    @Test
    void extractAndRank() throws Exception {
        double p = ExtractAndRank.precisionAt5(Backends.cpu());
        assertTrue(p > 0.5, "even an untrained network groups the blobs: " + p);
    }
}
