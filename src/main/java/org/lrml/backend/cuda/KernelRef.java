package org.lrml.backend.cuda;

import java.util.List;

/**
 * One kernel of a kernel file as a launcher uses it: the file stem ({@code gemm} for kernels/gemm.cu), the
 * kernel's name without version ({@code sgemm_f32}), the version the launcher uses by default and every
 * version the file provides. {@code -Dlrml.cuda.kernel.<kernel>=N} picks another version (to compare them in
 * benchmarks; read once per context by {@link KernelVersions}); the catalog test holds these declarations, the .cu
 * catalog and the PTX in agreement.
 */
public record KernelRef(String stem, String kernel, int defaultVersion, List<Integer> versions) {

    public static KernelRef of(String stem, String kernel, int defaultVersion, Integer... versions) {
        return new KernelRef(stem, kernel, defaultVersion, List.of(versions));
    }

    public KernelRef {
        if (!versions.contains(defaultVersion)) {
            throw new IllegalArgumentException(kernel + ": default version " + defaultVersion + " is not among " + versions);
        }
    }

    /** The default entry point, e.g. "sgemm_f32_v2" (a context may launch another: {@link CudaContext#version}). */
    public String entry() {
        return entry(defaultVersion);
    }

    public String entry(int version) {
        return kernel + "_v" + version;
    }
}
