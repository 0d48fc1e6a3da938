package org.lrml.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.util.Setting;

/**
 * The ceiling the table's achieved rates are a share of, per backend: stated with
 * {@code -Dlrml.profile.peak=GFLOPS,GBPS} (e.g. a data sheet's numbers), or else measured when the profiler closes
 * with the backend's own kernels: the best of float32 GEMMs of 512 x 512 x 512 and of 32 MiB copies, repeated for at
 * least half a second.
 * A measured ceiling is what this engine reaches on this machine, not the hardware's peak; the report says which.
 *
 * @param backend   the backend's name
 * @param gflops    FLOP/s ceiling in GFLOP/s
 * @param gbps      memory ceiling in GB/s
 * @param source    "stated" or how it was measured
 */
public record Peak(String backend, double gflops, double gbps, String source) {
    static final int GEMM_N = 512;
    static final int COPY_FLOATS = 8 << 20;
    static final int MIN_REPS = 5;
    static final double MIN_SECONDS = 0.5;

    /** The ceilings of the backends a profile used. */
    static List<Peak> forBackends(List<Backend> backends) {
        List<Peak> out = new ArrayList<>();
        for (Backend b : backends) {
            out.add(of(b));
        }
        return out;
    }

    static Peak of(Backend b) {
        String stated = Setting.PROFILE_PEAK.value();
        if (stated != null) {
            String[] parts = stated.split(",");
            try {
                if (parts.length == 2) {
                    return new Peak(b.name(), Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                            "stated (-D" + Setting.PROFILE_PEAK.key() + ")");
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("-D" + Setting.PROFILE_PEAK.key() + "=" + stated
                    + ": expected GFLOPS,GBPS, e.g. 480,40");
        }
        return measure(b);
    }

    private static Peak measure(Backend b) {
        int n = GEMM_N;
        try (Storage a = b.allocate(DType.F32, (long) n * n);
             Storage c = b.allocate(DType.F32, (long) n * n);
             Storage d = b.allocate(DType.F32, (long) n * n);
             Storage src = b.allocate(DType.F32, COPY_FLOATS);
             Storage dst = b.allocate(DType.F32, COPY_FLOATS)) {
            b.fill(a, 0.5);
            b.fill(c, 0.25);
            b.fill(src, 1.0);
            GemmSpec spec = GemmSpec.of(false, false, n, n, n);
            double bestGemm = Double.MAX_VALUE;
            double bestCopy = Double.MAX_VALUE;
            // Best of at least MIN_REPS and of MIN_SECONDS each: the first calls are the JIT's, and a shared machine
            // lends the cores only now and then.
            long until = System.nanoTime() + (long) (MIN_SECONDS * 1e9);
            for (int rep = 0; rep < MIN_REPS || System.nanoTime() < until; rep++) {
                b.synchronize();
                long t0 = System.nanoTime();
                b.gemm().gemm(spec, a, c, d);
                b.synchronize();
                long t1 = System.nanoTime();
                b.copy(src, 0, dst, 0, COPY_FLOATS);
                b.synchronize();
                long t2 = System.nanoTime();
                bestGemm = Math.min(bestGemm, (t1 - t0) / 1e9);
                bestCopy = Math.min(bestCopy, (t2 - t1) / 1e9);
            }
            return new Peak(b.name(), spec.flops() / bestGemm / 1e9, 2.0 * COPY_FLOATS * 4 / bestCopy / 1e9,
                    String.format(Locale.ROOT, "measured: this engine's SGEMM %d^3 and a %d MiB copy on %s", n,
                            COPY_FLOATS * 4 >> 20, b.name()));
        }
    }
}
