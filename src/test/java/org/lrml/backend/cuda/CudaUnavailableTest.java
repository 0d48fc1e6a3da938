package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lrml.backend.BackendUnavailableException;
import org.lrml.backend.Backends;
import org.lrml.cli.Main;

/**
 * On a machine without a usable GPU, Backends.cuda() fails with one precise line (never a stack trace) and
 * {@code lrml info} prints it; on a machine with one, info shows the device.
 */
class CudaUnavailableTest {
    /** How every reason the CUDA backend gives for not starting begins. */
    private static final List<String> KNOWN_REASONS = List.of(
            "the NVIDIA driver library libcuda.so.1 was not found",
            "JCuda's native library",
            "JCuda's classes are missing",
            "cuInit",
            "the NVIDIA driver is installed but sees no CUDA device",
            "-Dlrml.cuda.",
            "the PTX kernels are missing from the jar",
            "the driver is too old for the PTX kernels",
            "the driver cannot load the PTX kernels");

    private static String[] info() {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run("info"));
        } finally {
            System.setOut(out);
        }
        return o.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void theReasonIsOnePreciseLineAndInfoPrintsIt() {
        String reason = Backends.cudaUnavailableReason();
        String[] lines = info();
        if (reason == null) {
            boolean shown = false;
            for (String l : lines) {
                shown |= l.startsWith("  cuda: ") && !l.contains("not available");
            }
            assertTrue(shown, "CUDA works here but lrml info does not show the device:\n" + String.join("\n", lines));
            return;
        }
        assertFalse(reason.contains("\n") || reason.contains("\tat "), "the reason must be one line: " + reason);
        assertTrue(KNOWN_REASONS.stream().anyMatch(reason::startsWith), "unexpected reason: " + reason);
        assertTrue(List.of(lines).contains("  cuda: not available: " + reason), String.join("\n", lines));
        assertThrows(BackendUnavailableException.class, Backends::cuda);
        if (!Files.exists(Path.of("/dev/nvidiactl")) && !libcudaPresent()) {
            // This project's build machines: no driver at all.
            assertTrue(reason.startsWith("the NVIDIA driver library libcuda.so.1 was not found"), reason);
        }
        boolean kernelsLine = false;
        for (String l : lines) {
            kernelsLine |= l.startsWith("  cuda kernels: ");
        }
        assertTrue(kernelsLine, "lrml info should say which PTX this build carries:\n" + String.join("\n", lines));
        // Without a backend there is no providers table: info says what each vendor library binding found.
        List<String> all = List.of(lines);
        int vendors = all.indexOf("  cuda vendor libraries (used once the CUDA backend starts):");
        assertTrue(vendors > 0, String.join("\n", lines));
        assertTrue(all.get(vendors + 1).startsWith("    searched "), all.get(vendors + 1));
        assertTrue(all.get(vendors + 2).startsWith("    gemm cublas, cuBLAS 12 via JCublas2: "), all.get(vendors + 2));
        assertTrue(all.get(vendors + 6).startsWith("    conv cudnn, cuDNN 8 via JCudnn 11.7.0: "), all.get(vendors + 6));
        if (Runtime.version().feature() < 22) {
            assertTrue(all.get(vendors + 3).endsWith("the FFM binding needs Java 22 or newer (running "
                    + Runtime.version().feature() + ")"), all.get(vendors + 3));
        }
    }

    private static boolean libcudaPresent() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/local/cuda/lib64", "/usr/lib/aarch64-linux-gnu")) {
            if (Files.exists(Path.of(dir, "libcuda.so.1"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void jcudaLoaderMessagesAreTranslated() {
        String ldMessage = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open"
                + " shared object file: No such file or directory";
        assertTrue(JCudaDevice.nativeLoadReason(new UnsatisfiedLinkError(ldMessage))
                .startsWith("the NVIDIA driver library libcuda.so.1 was not found"));
        String noNatives = "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path";
        assertTrue(JCudaDevice.nativeLoadReason(new UnsatisfiedLinkError(noNatives)).startsWith("JCuda's native library for"));
        assertTrue(JCudaDevice.initReason(100).contains("CUDA_ERROR_NO_DEVICE"), JCudaDevice.initReason(100));
    }
}
