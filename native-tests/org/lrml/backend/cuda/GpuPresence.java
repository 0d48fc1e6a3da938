package org.lrml.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Whether this machine has an NVIDIA GPU, asked without the CUDA backend: the kernel driver's list of GPUs
 * (/proc/driver/nvidia/gpus), else {@code nvidia-smi -L}. The native tests use it to tell "no GPU here, skip"
 * from "a GPU is here and the backend failed to start", which must fail the run.
 */
final class GpuPresence {
    private GpuPresence() {
    }

    /** What shows the GPU ("nvidia-smi: GPU 0: NVIDIA H100 ..."), or null when no GPU is visible. */
    static String describe() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (Files.isDirectory(gpus)) {
            try (Stream<Path> s = Files.list(gpus)) {
                long n = s.count();
                if (n > 0) {
                    return n + " GPU(s) in " + gpus;
                }
            } catch (IOException e) {
                // fall through to nvidia-smi
            }
        }
        return nvidiaSmi();
    }

    private static String nvidiaSmi() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = out.lines().filter(l -> l.startsWith("GPU ")).toList();
            return p.exitValue() == 0 && !lines.isEmpty() ? "nvidia-smi: " + String.join("; ", lines) : null;
        } catch (IOException e) {
            return null;  // no nvidia-smi on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
