package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} must fall back to the scalar kernel
 * (the LinkageError caught at first use) and compute the same bits as this JVM's vector kernel.
 */
class CpuGemmFallbackTest {

    @Test
    void withoutTheVectorModuleTheScalarKernelGivesTheSameBits() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GemmFallbackProbe.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("scalar"), "expected the scalar kernel without the module: " + lines.get(0));
        float[] expected = GemmFallbackProbe.product();
        float[] actual = new float[lines.size() - 1];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = Float.intBitsToFloat(Integer.parseInt(lines.get(i + 1).trim()));
        }
        assertArrayEquals(expected, actual, "vector (" + CpuGemmFast.describe() + ") and scalar kernels differ");
    }
}
