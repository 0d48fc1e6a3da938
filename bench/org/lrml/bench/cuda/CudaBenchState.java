package org.lrml.bench.cuda;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.Storage;
import org.lrml.util.Rng;

/**
 * What every CUDA benchmark shares: the backend (the benchmark fails at setup with the exact reason when there
 * is none), seeded inputs, and the line that converts a score to throughput. Benchmark bodies are one line and
 * synchronise the GPU before returning, so the score is the kernel's time plus one launch and one sync.
 */
final class CudaBenchState {
    private CudaBenchState() {
    }

    static Backend cuda() {
        String reason = Backends.cudaUnavailableReason();
        if (reason != null) {
            throw new IllegalStateException("no CUDA backend: " + reason);
        }
        return Backends.cuda();
    }

    /**
     * The backend with the given provider serving a family ("gemm", "conv"): forced with
     * -Dlrml.cuda.provider.FAMILY before the backend opens, which JMH's fork per parameter value allows. A provider
     * not available here fails the setup with its reason; so does a backend opened earlier in this JVM (-f 0) with
     * another provider.
     */
    static Backend cudaWith(String family, String provider) {
        String property = "lrml.cuda.provider." + family;
        System.setProperty(property, provider);
        Backend b = cuda();
        String providers = b.describe();
        String row = providers.lines().filter(l -> l.trim().startsWith(family + " ")).findFirst().orElse("");
        if (!row.trim().startsWith(family) || !row.contains(" " + provider + " (forced)")) {
            throw new IllegalStateException("-D" + property + "=" + provider + " did not take effect (the backend was"
                    + " opened before in this JVM; run JMH with forks): " + row.trim());
        }
        return b;
    }

    static Storage normal(Backend b, long seed, int n) {
        Rng r = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return b.upload(f);
    }

    static Storage uniform(Backend b, long seed, int n, double lo, double hi) {
        Rng r = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return b.upload(f);
    }

    /** Printed once per trial: what one call moves or computes, to turn the score into GB/s or TFLOP/s. */
    static void perCall(String what, double bytes, double flops) {
        System.out.printf("%n[per call] %s: %.3e bytes, %.3e flops (GB/s = bytes / score_us / 1e3; TFLOP/s = flops /"
                + " score_us / 1e6)%n", what, bytes, flops);
    }
}
