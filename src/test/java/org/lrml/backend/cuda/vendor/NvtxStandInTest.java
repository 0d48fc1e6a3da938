package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiler's NVTX ranges through the FFM binding, against a stand-in libnvToolsExt.so.1 built with gcc
 * (src/test/native/fake-vendor/fake_nvtx.c) and loaded only in a child JVM on Java 22+: every family call is a
 * pushed and popped range, every taped op a mark, phases are ranges, and pushes and pops balance. On Java 17, and
 * where the library is missing, the profiler says why and runs without NVTX (ProfilerNvtxStatusTest).
 */
class NvtxStandInTest {
    @Test
    void rangesAndMarksReachTheLibrary(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        Path lib = FakeVendorLibraries.nvtx(tmp.resolve("nvtx"));
        Path trace = tmp.resolve("nvtx-trace.txt");
        ChildJvm.Result r = ChildJvm.run(ChildJvm.JDK22_JAVA,
                List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-Dlrml.cuda.libs=" + lib.getParent(), "-Dlrml.profile.peak=1,1", "-cp",
                        ChildJvm.classpath(true)),
                List.of("org.lrml.profile.NvtxChild"), Map.of("LRML_FAKE_TRACE", trace.toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("nvtx: on: " + lib), r.output());
        List<String> lines = Files.readAllLines(trace);
        assertTrue(lines.contains("push step") && lines.contains("push forward"), lines.toString());
        assertTrue(lines.contains("push conv.forward") && lines.contains("mark conv2d"), lines.toString());
        assertTrue(lines.contains("push conv2d (backward)"), lines.toString());
        long pushes = lines.stream().filter(l -> l.startsWith("push ")).count();
        long pops = lines.stream().filter(l -> l.equals("pop")).count();
        assertEquals(pushes, pops, "every range closed: " + lines);
    }

    @Test
    void withoutTheLibraryTheStatusNamesWhereItLooked(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        ChildJvm.Result r = ChildJvm.run(ChildJvm.JDK22_JAVA,
                List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                        "-Dlrml.cuda.libs=" + tmp, "-Dlrml.profile.peak=1,1", "-cp", ChildJvm.classpath(true)),
                List.of("org.lrml.profile.NvtxChild"), Map.of());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("nvtx: off: libnvToolsExt.so.1 not found in"), r.output());
        assertTrue(r.output().contains(tmp.toString()), r.output());
    }
}
