package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Launchers work on raw device addresses (Buf), so the Storage that owns a block could be cleaned (its block
 * returned to the caching allocator and handed to scratch of the same launcher) while the call that reads it is
 * still being queued, if the JIT decides the Storage is dead after its address was taken. Every Storage-level family
 * method of the CUDA backend therefore ends with CudaStorage.keepReachable(...) over its storages. A GC race cannot
 * be provoked deterministically in a test; this keeps the rule from being forgotten in a new method.
 */
class KeepReachableTest {
    private static final Pattern METHOD = Pattern.compile(
            "\\n    (?:@Override\\n    )?(?:public |default )[^\\n;=]*\\(([^)]*)\\) \\{\\n(.*?)\\n    }\\n", Pattern.DOTALL);

    @Test
    void everyStorageLevelEntryKeepsItsStoragesReachable() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("src/main/java/org/lrml/backend/cuda/kernels"))) {
            s.filter(p -> p.getFileName().toString().endsWith("Kernels.java")).forEach(files::add);
        }
        files.add(Path.of("src/main/java/org/lrml/backend/cuda/GemmProvider.java"));
        files.add(Path.of("src/main/java/org/lrml/backend/cuda/ConvProvider.java"));
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path f : files) {
            Matcher m = METHOD.matcher(Files.readString(f));
            while (m.find()) {
                if (!m.group(1).matches(".*\\bStorage\\b.*") && !m.group(1).contains("List<Storage>")) {
                    continue;
                }
                checked++;
                if (!m.group(2).contains("CudaStorage.keepReachable(")) {
                    missing.add(f.getFileName() + ": (" + m.group(1) + ")");
                }
            }
        }
        assertTrue(checked >= 27, "found only " + checked + " Storage-level methods: the scan is broken");
        assertTrue(missing.isEmpty(), "Storage-level entries without CudaStorage.keepReachable: " + missing);
    }
}
