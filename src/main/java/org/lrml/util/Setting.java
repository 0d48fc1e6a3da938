package org.lrml.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Every {@code -Dlrml.*} system property the engine reads, with its meaning and default: the one place that reads
 * them (the registry {@code lrml info} prints). Readers take a value when the thing it configures is created (a
 * backend, its kernels, a thread pool), never on a hot path; a property set later takes effect for the next
 * backend opened. Malformed values are errors that name the property and what it accepts.
 *
 * <p>Set them on the command line: {@code LRML_JAVA_OPTS="-Dlrml.cpu.threads=1" ./lrml train}.
 */
public enum Setting {
    CPU_THREADS("lrml.cpu.threads", "threads of the CPU backend", "the number of cores"),
    CPU_RECYCLE("lrml.cpu.recycle", "true: the CPU backend reuses the arrays of closed storages for new ones of the"
            + " same length (no zeroing, no garbage); false: every storage gets a new array", "true"),
    CPU_POISON("lrml.cpu.poison", "true: every new CPU storage is filled with NaN first, so code that reads a buffer"
            + " before writing it shows (a test mode)", "false"),
    CPU_VECTOR("lrml.cpu.vector", "true: SGEMM through the Vector API where it is fast; false: the scalar kernels", "true"),
    CUDA_DEVICE("lrml.cuda.device", "index of the GPU the CUDA backend opens", "0"),
    CUDA_PTX_DIR("lrml.cuda.ptxDir", "folder of PTX built with kernels/build.sh (e.g. for an older driver)",
            "the PTX inside the jar"),
    CUDA_SYNC_EACH_LAUNCH("lrml.cuda.syncEachLaunch", "true: synchronise after every kernel, so an asynchronous error"
            + " names the launch that caused it", "false"),
    CUDA_PROVIDER("lrml.cuda.provider.", "<family>=<name>: force a provider of an op family, e.g."
            + " lrml.cuda.provider.gemm=builtin (lrml info lists the families and their providers)", "the first available"),
    CUDA_KERNEL("lrml.cuda.kernel.", "<kernel>=<version>: force a version of a kernel, e.g. lrml.cuda.kernel.sgemm_f32=1"
            + " (the catalogs in kernels/*.cu list them)", "each launcher's default version"),
    CUDA_SIMILARITY_RANK("lrml.cuda.similarityRank", "auto, fused or blocked: the path of similarity ranking", "auto"),
    CUDA_LIBS("lrml.cuda.libs", "folders holding cuBLAS / cuDNN, separated by ':'",
            "LD_LIBRARY_PATH, CUDA_HOME and the usual install folders"),
    CUDA_BINDING("lrml.cuda.binding", "jcuda or ffm: try only that binding of the vendor libraries", "both"),
    CUDA_CUBLAS_MATH("lrml.cuda.cublas.math", "default or pedantic: cuBLAS math mode", "default (FP32, no TF32)"),
    CUDA_CUDNN_WORKSPACE_MIB("lrml.cuda.cudnn.workspaceMiB", "largest cuDNN workspace in MiB", "1024"),
    PROFILE_PEAK("lrml.profile.peak", "GFLOPS,GBPS: the ceilings the profiler's table rates are a share of (e.g."
            + " 480,40)", "measured with the backend's own SGEMM and copy when the profiler closes"),
    DEBUG("lrml.debug", "true: print the stack trace of an internal error", "false");

    private final String key;
    private final String meaning;
    private final String defaultValue;

    Setting(String key, String meaning, String defaultValue) {
        this.key = key;
        this.meaning = meaning;
        this.defaultValue = defaultValue;
    }

    /** The property name ({@code lrml.cpu.threads}), or its prefix for per-name settings ({@code lrml.cuda.kernel.}). */
    public String key() {
        return key;
    }

    /** Whether this setting is a family of properties, one per name after the prefix. */
    public boolean isPrefix() {
        return key.endsWith(".");
    }

    /** The value, trimmed; null when unset or blank. */
    public String value() {
        requireSingle();
        return read(key);
    }

    /** The value for one name of a prefix setting ({@code CUDA_PROVIDER.value("gemm")}); null when unset or blank. */
    public String value(String name) {
        if (!isPrefix()) {
            throw new IllegalStateException(key + " is not a per-name setting");
        }
        return read(key + name);
    }

    /** Every name set for a prefix setting, with its value (e.g. {sgemm_f32=1}). */
    public Map<String, String> valuesByName() {
        if (!isPrefix()) {
            throw new IllegalStateException(key + " is not a per-name setting");
        }
        Map<String, String> out = new TreeMap<>();
        Properties p = System.getProperties();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(key) && name.length() > key.length()) {
                String v = read(name);
                if (v != null) {
                    out.put(name.substring(key.length()), v);
                }
            }
        }
        return out;
    }

    /** The value as an int, or the fallback when unset; a malformed or too small value is an error naming it. */
    public int intValue(int fallback, int min) {
        String v = value();
        if (v == null) {
            return fallback;
        }
        try {
            int x = Integer.parseInt(v);
            if (x >= min) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + key + "=" + v + ": expected an integer >= " + min + " (" + meaning + ")");
    }

    /** The value as a boolean (true or false, any case), or the fallback when unset. */
    public boolean booleanValue(boolean fallback) {
        String v = value();
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + key + "=" + v + ": expected true or false (" + meaning + ")");
        };
    }

    /** One of the given choices (lower-cased), or the fallback when unset. */
    public String choice(String fallback, String... choices) {
        String v = value();
        if (v == null) {
            return fallback;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(lower)) {
                return c;
            }
        }
        throw new IllegalArgumentException("-D" + key + "=" + v + ": expected " + String.join(", ", choices)
                + " (" + meaning + ")");
    }

    /** One line per setting: key, meaning, default, and the value set now where there is one (for lrml info). */
    public static List<String> describeAll() {
        List<String> out = new ArrayList<>();
        for (Setting s : values()) {
            String now;
            if (s.isPrefix()) {
                Map<String, String> set = s.valuesByName();
                now = set.isEmpty() ? "" : "  [set: " + set + "]";
            } else {
                String v = s.value();
                now = v == null ? "" : "  [set: " + v + "]";
            }
            out.add(String.format(Locale.ROOT, "-D%-28s %s (default: %s)%s", s.key + (s.isPrefix() ? "<name>" : ""),
                    s.meaning, s.defaultValue, now));
        }
        return out;
    }

    private void requireSingle() {
        if (isPrefix()) {
            throw new IllegalStateException(key + " is a per-name setting: use value(name)");
        }
    }

    private static String read(String property) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
