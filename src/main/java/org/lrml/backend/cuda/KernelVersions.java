package org.lrml.backend.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.lrml.util.Setting;

/**
 * The version of each kernel a context launches: the launcher's default, or the one {@code
 * -Dlrml.cuda.kernel.<kernel>=N} forces (to compare versions in benchmarks). The properties are read once, when the
 * context opens, not at every launch; a forced version the kernel file does not have is an error naming the
 * property and the versions there are.
 */
final class KernelVersions {
    private final Map<String, Integer> forced = new ConcurrentHashMap<>();

    private KernelVersions() {
    }

    /** The versions the system properties force now. */
    static KernelVersions fromSettings() {
        return of(Setting.CUDA_KERNEL.valuesByName());
    }

    /** kernel name -> version text ("2" or "v2"), as -Dlrml.cuda.kernel.NAME=... gives them. */
    static KernelVersions of(Map<String, String> byKernel) {
        KernelVersions v = new KernelVersions();
        for (Map.Entry<String, String> e : byKernel.entrySet()) {
            try {
                v.forced.put(e.getKey(), Integer.parseInt(e.getValue().trim().replaceFirst("^v", "")));
            } catch (NumberFormatException x) {
                throw new IllegalArgumentException("-D" + Setting.CUDA_KERNEL.key() + e.getKey() + "=" + e.getValue()
                        + ": expected a version number such as 1 or v2");
            }
        }
        return v;
    }

    /** The version of ref to launch. */
    int version(KernelRef ref) {
        Integer v = forced.get(ref.kernel());
        if (v == null) {
            return ref.defaultVersion();
        }
        if (!ref.versions().contains(v)) {
            throw new IllegalArgumentException("-D" + Setting.CUDA_KERNEL.key() + ref.kernel() + "=" + v + ": kernels/"
                    + ref.stem() + ".cu has versions " + ref.versions());
        }
        return v;
    }

    /** Launch another version of ref from now on; null returns to the default (a test and benchmark hook). */
    void force(KernelRef ref, Integer version) {
        if (version == null) {
            forced.remove(ref.kernel());
        } else {
            forced.put(ref.kernel(), version);
            version(ref);
        }
    }
}
