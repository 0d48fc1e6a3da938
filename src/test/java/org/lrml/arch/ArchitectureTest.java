package org.lrml.arch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Keeps the seams visible: only org.lrml.backend.cuda touches JCuda, only backends touch storage arrays. */
class ArchitectureTest {

    private static List<Path> sources(String root) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(root))) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void onlyTheCudaBackendImportsJcuda() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : sources("src/main/java")) {
            String rel = p.toString().replace('\\', '/');
            if (rel.contains("/org/lrml/backend/cuda/")) {
                continue;
            }
            String text = Files.readString(p);
            if (text.contains("import jcuda.") || text.contains("jcuda.driver.") || text.contains("jcuda.jcublas.")) {
                offenders.add(rel);
            }
        }
        assertTrue(offenders.isEmpty(), "JCuda used outside org.lrml.backend.cuda: " + offenders);
    }

    @Test
    void onlyBackendsUseCpuStorageInternals() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : sources("src/main/java")) {
            String rel = p.toString().replace('\\', '/');
            if (rel.contains("/org/lrml/backend/")) {
                continue;
            }
            if (Files.readString(p).contains("CpuStorage")) {
                offenders.add(rel);
            }
        }
        assertTrue(offenders.isEmpty(), "CpuStorage used outside the backends: " + offenders);
    }
}
