package org.lrml.backend.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;

/**
 * The CUDA backend for the native tests (call it in each test's {@code @BeforeEach}, so every test is reported
 * as skipped with the reason), or a skip that states why (no JCuda natives, no driver, cuInit failed,
 * no device, PTX missing, driver too old). The reason is printed once per run. On a machine that has a GPU
 * ({@link GpuPresence}), or with the emulator requested, a backend that does not start fails every test instead:
 * a run of skips there would pass while proving nothing.
 *
 * <p>{@code -Dlrml.cuda.emulator=true} runs the same tests on a machine without a GPU against the kernel
 * emulator (kernels/emu, built with g++), which executes the kernels' source on the CPU: the launchers,
 * allocator and kernel logic are then checked for real, the JCuda calls are not.
 *
 * <p>Native tests run with {@code -Dlrml.cuda.syncEachLaunch=true} unless it is set otherwise, so a kernel
 * error is reported at the launch that caused it.
 */
public final class CudaAvailable {
    public static final String EMULATOR_PROPERTY = "lrml.cuda.emulator";
    /** Device memory the emulator pretends to have. */
    static final long EMULATOR_MEMORY = 2L << 30;

    private static Backend backend;
    private static String reason;
    /** Set when the missing backend must fail the run instead of skipping it (a GPU is present, or -Pemulator). */
    private static String failure;

    private CudaAvailable() {
    }

    /** The shared CUDA backend; skips the calling test (or class) with the reason when there is none. */
    public static synchronized Backend assumeCuda() {
        if (backend == null && reason == null) {
            if (System.getProperty(CudaContext.SYNC_PROPERTY) == null) {
                System.setProperty(CudaContext.SYNC_PROPERTY, "true");
            }
            if (Boolean.getBoolean(EMULATOR_PROPERTY)) {
                try {
                    backend = emulated(EMULATOR_MEMORY);
                } catch (RuntimeException e) {
                    reason = "the kernel emulator is not available: " + e.getMessage();
                    // -Pemulator asked for it: a suite of skips would pass while testing nothing.
                    failure = "-D" + EMULATOR_PROPERTY + "=true but " + reason;
                }
            } else {
                reason = Backends.cudaUnavailableReason();
                if (reason == null) {
                    backend = Backends.cuda();
                } else {
                    String gpus = GpuPresence.describe();
                    if (gpus != null) {
                        // On a GPU machine a backend that cannot start is the failure to report, not a skip.
                        failure = "this machine has a GPU (" + gpus + ") but the CUDA backend did not start: " + reason;
                    }
                }
            }
            System.out.println(reason == null ? "[native tests] on " + backend.describe().lines().findFirst().orElse("")
                    : "[native tests] skipped: " + reason);
        }
        if (failure != null) {
            throw new AssertionError(failure);
        }
        Assumptions.assumeTrue(reason == null, () -> "no CUDA backend: " + reason);
        return backend;
    }

    /** True when the backend under test is the emulator (some checks need a real GPU). */
    public static boolean emulated() {
        return Boolean.getBoolean(EMULATOR_PROPERTY);
    }

    /**
     * A fresh backend on the emulator with the given memory (for tests that close or exhaust a backend); with
     * stems, an emulator of only those kernel files (launching any other kernel then fails).
     */
    static CudaBackend emulated(long memory, String... stems) {
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(root.resolve("kernels/emu"))) {
            throw new IllegalStateException("kernels/emu is not under the working directory " + root);
        }
        return CudaBackend.openWith(new EmulatedDevice(EmulatorBuild.binary(root, List.of(stems)), memory));
    }

    /** A fresh backend on the emulator whose launches run their blocks in the given order (shuffle, reverse, in-order). */
    static CudaBackend emulatedInOrder(String blockOrder) {
        Path root = Path.of("").toAbsolutePath();
        return CudaBackend.openWith(new EmulatedDevice(EmulatorBuild.binary(root, List.of()), 1L << 30, blockOrder));
    }

    /** A second, independent backend of the same kind as the shared one (real GPU or emulator). */
    static CudaBackend fresh(long emulatorMemory) {
        assumeCuda();
        return emulated() ? emulated(emulatorMemory) : (CudaBackend) CudaBackend.open();
    }
}
