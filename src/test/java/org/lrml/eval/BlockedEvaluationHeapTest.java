package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.NpyFiles;

/**
 * The point of blocked evaluation: a child JVM whose heap (-Xmx16m) is half the size of the database file (32 MiB
 * of float32) evaluates it, every item kept, and gets exactly the per-query APs that this JVM computes with the
 * database in memory.
 */
class BlockedEvaluationHeapTest {
    private static final int M = 16384;
    private static final int D = 512;

    @Test
    void aDatabaseLargerThanTheHeapIsEvaluatedExactly(@TempDir Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("db.npy");
        NpyFiles.write(file, M, D, false, (r, dst) -> {
            for (int j = 0; j < D; j++) {
                dst[j] = BlockedEvalProbe.value(4, r * D + j);
            }
        });
        long fileBytes = Files.size(file);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx16m",
                "-cp", System.getProperty("java.class.path"), BlockedEvalProbe.class.getName(), file.toString(), "500");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        long childHeap = Long.parseLong(lines.get(0).substring("maxMemory ".length()));
        assertTrue(childHeap < fileBytes / 2 + (8 << 20), "child heap " + childHeap + " vs database " + fileBytes);

        float[] x = new float[M * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = BlockedEvalProbe.value(4, i);
        }
        EvalResult expected = DescriptorEval.evaluate(BlockedEvalProbe.queries(D), x,
                BlockedEvalProbe.labels(2, BlockedEvalProbe.QUERIES), BlockedEvalProbe.labels(3, M), D, false);
        double[] child = new double[BlockedEvalProbe.QUERIES];
        for (int i = 0; i < child.length; i++) {
            child[i] = Double.longBitsToDouble(Long.parseLong(lines.get(1 + i).trim()));
        }
        assertArrayEquals(expected.perQueryAp(), child);
    }
}
