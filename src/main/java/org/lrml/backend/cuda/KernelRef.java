package org.lrml.backend.cuda;

import java.util.List;

/**
 * One kernel of a kernel file as a launcher uses it: the file stem ({@code gemm} for kernels/gemm.cu), the
 * kernel's name without version ({@code sgemm_f32}), the version the launcher uses by default and every
 * version the file provides. {@code -Dlrml.cuda.kernel.<kernel>=N} picks another version (to compare them in
 * benchmarks); the catalog test holds these declarations, the .cu catalog and the PTX in agreement.
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

    /** The version in use: the default, or the one -Dlrml.cuda.kernel.NAME selects. */
    public int version() {
        String forced = System.getProperty("lrml.cuda.kernel." + kernel);
        if (forced == null || forced.isBlank()) {
            return defaultVersion;
        }
        int v;
        try {
            v = Integer.parseInt(forced.trim().replaceFirst("^v", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dlrml.cuda.kernel." + kernel + "=" + forced + ": expected a version number,"
                    + " one of " + versions);
        }
        if (!versions.contains(v)) {
            throw new IllegalArgumentException("-Dlrml.cuda.kernel." + kernel + "=" + forced + ": kernels/" + stem
                    + ".cu has versions " + versions);
        }
        return v;
    }

    /** The entry point in use, e.g. "sgemm_f32_v2". */
    public String entry() {
        return entry(version());
    }

    public String entry(int version) {
        return kernel + "_v" + version;
    }
}
