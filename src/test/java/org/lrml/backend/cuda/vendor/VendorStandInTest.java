package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendor providers end to end against the stand-in cuBLAS and cuDNN (gcc-built, computing on host memory), in
 * child JVMs: JCublas2 and JCudnn 11.7.0 (its native library loaded under the name JCuda 12.6.0 asks for) on this
 * Java, the FFM bindings on the JDK 22+. Each run checks every GEMM and convolution case against the CPU backend,
 * and the stand-ins' trace shows the backend's stream and the FP32 math modes reached the libraries, the chosen
 * algorithm got its workspace, and every handle and descriptor was destroyed. Skips without gcc (or the JDK 22+).
 */
class VendorStandInTest {
    private static final String CHECK = VendorFakeCheck.class.getName();
    private static final int GEMM_CASES = VendorCases.gemms().size();
    private static final int CONV_CASES = VendorCases.convs().size() + 1;

    private static ChildJvm.Result check(Path java, boolean ffm, String binding, Path trace, Path... folders)
            throws IOException, InterruptedException {
        List<String> dirs = new ArrayList<>();
        for (Path f : folders) {
            dirs.add(f.toString());
        }
        List<String> jvm = new ArrayList<>(List.of("-cp", ChildJvm.classpath(ffm),
                "-D" + LibrarySearch.PROPERTY + "=" + String.join(":", dirs)));
        if (binding != null) {
            jvm.add("-D" + VendorProviders.BINDING_PROPERTY + "=" + binding);
        }
        if (ffm) {
            jvm.add("--enable-native-access=ALL-UNNAMED");
        }
        return ChildJvm.run(java, jvm, List.of(CHECK), Map.of("LRML_FAKE_TRACE", trace.toString()));
    }

    private static void assertRanEverything(ChildJvm.Result r, Path trace) throws IOException {
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("OK gemm cases " + GEMM_CASES + ", conv cases " + CONV_CASES), r.output());
        // k = 0 goes to the built-in GEMM; the 5-group geometry's three passes to the built-in convolution.
        assertTrue(r.output().contains("gemm handed to the built-in provider: 1"), r.output());
        assertTrue(r.output().contains("conv handed to the built-in provider: 3"), r.output());
        assertTrue(r.output().contains("fallback: conv2d backward filter"), r.output());
        assertTrue(r.output().contains("algo 2 (not deterministic)"), r.output());
        String t = Files.readString(trace);
        assertTrue(t.contains("cublasSetStream_v2 0x5eed"), "the backend's stream must reach cuBLAS:\n" + t);
        assertTrue(t.contains("cublasSetMathMode 0"), "CUBLAS_DEFAULT_MATH (FP32) must be set:\n" + t);
        assertTrue(t.contains("cudnnSetStream 0x5eed"), "the backend's stream must reach cuDNN:\n" + t);
        assertTrue(t.contains("cudnnSetConvolutionMathType 3"), "CUDNN_FMA_MATH (no TF32) must be set:\n" + t);
        for (String pass : List.of("Forward", "BackwardData", "BackwardFilter")) {
            assertTrue(t.contains("cudnnConvolution" + pass + " algo=2 workspace=8192"), pass + ":\n" + t);
        }
        assertTrue(t.contains("cublasSgemmStridedBatched NT"), "a batch must be one strided-batched call:\n" + t);
        assertTrue(t.contains("cublasDestroy_v2") && t.contains("cudnnDestroy"), "handles must be destroyed:\n" + t);
        Matcher m = Pattern.compile("destroyed . \\((\\d+) of (\\d+)\\)").matcher(t);
        String destroyed = null;
        String created = null;
        while (m.find()) {
            destroyed = m.group(1);
            created = m.group(2);
        }
        assertTrue(destroyed != null && destroyed.equals(created),
                "every descriptor must be destroyed on close: " + destroyed + " of " + created);
    }

    @Test
    void jcudaBindingsServeThroughTheStandIns(@TempDir Path tmp) throws Exception {
        Path root = FakeVendorLibraries.build();
        Path trace = tmp.resolve("trace.txt");
        ChildJvm.Result r = check(ChildJvm.thisJava(), false, "jcuda", trace, root.resolve("cuda12"),
                root.resolve("cudnn8"));
        assertTrue(r.output().contains("gemm: cuBLAS 12.2.5 via JCublas2 (" + root.resolve("cuda12/libcublas.so.12")),
                r.output());
        assertTrue(r.output().contains("conv: cuDNN 8.9.7 via JCudnn 11.7.0 (" + root.resolve("cudnn8/libcudnn.so.8")),
                r.output());
        assertRanEverything(r, trace);
    }

    @Test
    void ffmBindingsServeThroughTheStandInsOnJava22(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        Assumptions.assumeTrue(Files.isDirectory(Path.of("target/classes/META-INF/versions/22")),
                "the FFM part was not built (no JDK 22+ javac when the build ran)");
        Path root = FakeVendorLibraries.build();
        Path trace = tmp.resolve("trace.txt");
        ChildJvm.Result r = check(ChildJvm.JDK22_JAVA, true, "ffm", trace, root.resolve("cuda13"),
                root.resolve("cudnn9"), root.resolve("deps"));
        assertTrue(r.output().contains("gemm: cuBLAS 13.2.5 via FFM (" + root.resolve("cuda13/libcublas.so.13")),
                r.output());
        assertTrue(r.output().contains("conv: cuDNN 9.10.2 via FFM (" + root.resolve("cudnn9/libcudnn.so.9")),
                r.output());
        // An optional sub-library whose dependency exists nowhere is noted, not fatal.
        assertTrue(r.output().contains("libcudnn_adv.so.9 did not load"), r.output());
        assertRanEverything(r, trace);
    }

    @Test
    void theOrderOfPreferenceHoldsWhenEveryLibraryIsThere(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        Assumptions.assumeTrue(Files.isDirectory(Path.of("target/classes/META-INF/versions/22")),
                "the FFM part was not built");
        Path root = FakeVendorLibraries.build();
        ChildJvm.Result r = check(ChildJvm.JDK22_JAVA, true, null, tmp.resolve("trace.txt"), root.resolve("cuda12"),
                root.resolve("cuda13"), root.resolve("cudnn8"), root.resolve("cudnn9"), root.resolve("deps"));
        assertEquals(0, r.exit(), r.output());
        // cuBLAS 12 via JCublas2 first where libcublas.so.12 loads; cuDNN 9 via FFM before cuDNN 8.
        assertTrue(r.output().contains("gemm: cuBLAS 12.2.5 via JCublas2"), r.output());
        assertTrue(r.output().contains("conv: cuDNN 9.10.2 via FFM"), r.output());
    }

    @Test
    void aLibraryReportingAnotherVersionThanItsNameIsRefusedWithBothVersions(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        Assumptions.assumeTrue(Files.isDirectory(Path.of("target/classes/META-INF/versions/22")),
                "the FFM part was not built");
        Path root = FakeVendorLibraries.build();
        Path wrong = root.resolve("mismatch");
        ChildJvm.Result r = check(ChildJvm.JDK22_JAVA, true, null, tmp.resolve("trace.txt"), wrong);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("cuBLAS 12 via JCublas2: cublasGetProperty reports cuBLAS 13.2.5 for "
                + wrong.resolve("libcublas.so.12") + " but JCublas 12.6.0 needs 12.x"), r.output());
        assertTrue(r.output().contains("cuBLAS 12 via FFM: cublasGetProperty reports cuBLAS 13.2.5 for "
                + wrong.resolve("libcublas.so.12") + " but a libcublas.so.12 must be 12.x"), r.output());
        assertTrue(r.output().contains("cuDNN 9 via FFM: cudnnGetVersion returned 8.9.2 (8902) for "
                + wrong.resolve("libcudnn.so.9") + " but this binding needs 9.x"), r.output());
        assertTrue(r.output().contains("OK gemm cases 0, conv cases 0"), r.output());
    }

    @Test
    void forcedOffLeavesTheLibraryAlone(@TempDir Path tmp) throws Exception {
        Path root = FakeVendorLibraries.build();
        Path trace = tmp.resolve("trace.txt");
        List<String> jvm = List.of("-cp", ChildJvm.classpath(false),
                "-D" + LibrarySearch.PROPERTY + "=" + root.resolve("cuda12") + ":" + root.resolve("cudnn8"),
                "-Dlrml.cuda.provider.gemm=builtin", "-Dlrml.cuda.provider.conv=builtin");
        ChildJvm.Result r = ChildJvm.run(ChildJvm.thisJava(), jvm, List.of(CHECK),
                Map.of("LRML_FAKE_TRACE", trace.toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("gemm: unavailable: forced off by -Dlrml.cuda.provider.gemm=builtin"), r.output());
        assertTrue(r.output().contains("conv: unavailable: forced off by -Dlrml.cuda.provider.conv=builtin"), r.output());
        assertTrue(!Files.exists(trace), "a forced-off library must not be called");
    }
}
