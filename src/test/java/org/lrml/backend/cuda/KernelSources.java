package org.lrml.backend.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * What the CPU-side kernel tests read: the kernels/*.cu sources with their header catalogs and extern "C" entry
 * points, the PTX the build produced (target/classes/kernels) and the ptxas reports (target/kernels).
 */
final class KernelSources {
    static final Path KERNELS = Path.of("kernels");
    static final Path PTX = Path.of("target/classes/kernels");
    static final Path REPORTS = Path.of("target/kernels");
    /** Catalog line: "//   sgemm_f32 v2 [default] what it does". */
    private static final Pattern CATALOG = Pattern.compile("^//\\s{2,}([a-z][a-z0-9_]*)\\s+v(\\d+)\\b(\\s+\\[default])?");

    /** One catalog entry. */
    record Version(String kernel, int version, boolean isDefault) {
        String entry() {
            return kernel + "_v" + version;
        }
    }

    private KernelSources() {
    }

    static List<String> stems() {
        try (Stream<Path> s = Files.list(KERNELS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu")).map(n -> n.substring(0, n.length() - 3))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String source(String stem) {
        try {
            return Files.readString(KERNELS.resolve(stem + ".cu"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The catalog in the file's leading comment block. */
    static List<Version> catalog(String stem) {
        List<Version> out = new ArrayList<>();
        for (String line : source(stem).split("\n")) {
            if (!line.startsWith("//")) {
                break;
            }
            Matcher m = CATALOG.matcher(line);
            if (m.find()) {
                out.add(new Version(m.group(1), Integer.parseInt(m.group(2)), m.group(3) != null));
            }
        }
        return out;
    }

    /** extern "C" __global__ entry points declared in the source. */
    static Set<String> sourceEntries(String stem) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = EmulatorBuild.KERNEL.matcher(source(stem));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** .entry names of the built PTX. */
    static Set<String> ptxEntries(String stem) {
        try {
            return new LinkedHashSet<>(PtxSignature.parse(Files.readString(PTX.resolve(stem + ".ptx"))).keySet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final Path LAUNCHERS = Path.of("src/main/java/org/lrml/backend/cuda/kernels");

    /**
     * The name a stem's launcher, native test and benchmark share: the launcher class whose name, lower-cased, is
     * the stem + "kernels" ("topk" -> "TopK", "tupleloss" -> "TupleLoss"); without one, the stem capitalised
     * ("batchnorm" -> "Batchnorm"), which the catalog test then reports missing.
     */
    static String paired(String stem) {
        String suffix = "Kernels.java";
        try (Stream<Path> s = Files.list(LAUNCHERS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.equalsIgnoreCase(stem + suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).findFirst()
                    .orElse(stem.substring(0, 1).toUpperCase(Locale.ROOT) + stem.substring(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Skips the calling test when the build ran without nvcc (then there is no PTX and no report to check). */
    static void assumeBuiltWithNvcc() {
        Path missing = REPORTS.resolve("NVCC-MISSING.txt");
        Assumptions.assumeFalse(Files.exists(missing), "nvcc was not available when the build ran: no PTX was built");
        Assumptions.assumeTrue(Files.exists(PTX.resolve("manifest.properties")),
                "target/classes/kernels/manifest.properties is missing: kernels/build.sh has not run (mvn generate-resources)");
    }

    /** Per entry point of one ptxas report: registers, shared memory bytes, stack frame, spill stores, spill loads. */
    record Resources(String kernel, int registers, int sharedBytes, int stackBytes, int spillStores, int spillLoads) {
    }

    private static final Pattern COMPILING = Pattern.compile("Compiling entry function '(\\w+)' for '(\\w+)'");
    private static final Pattern FRAME = Pattern.compile(
            "(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers(?:.*?, (\\d+) bytes smem)?");

    static Map<String, Resources> report(String stem, String arch) {
        Path p = REPORTS.resolve(stem + "." + arch + ".txt");
        List<String> lines;
        try {
            lines = Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException("ptxas report " + p + " is missing (kernels/build.sh writes it)", e);
        }
        return parseReport(lines);
    }

    /** Parses ptxas -v output. */
    static Map<String, Resources> parseReport(List<String> lines) {
        Map<String, Resources> out = new LinkedHashMap<>();
        String current = null;
        int[] frame = null;
        for (String line : lines) {
            Matcher c = COMPILING.matcher(line);
            if (c.find()) {
                current = c.group(1);
                frame = null;
                continue;
            }
            Matcher f = FRAME.matcher(line);
            if (f.find() && current != null && frame == null) {
                frame = new int[]{Integer.parseInt(f.group(1)), Integer.parseInt(f.group(2)), Integer.parseInt(f.group(3))};
                continue;
            }
            Matcher u = USED.matcher(line);
            if (u.find() && current != null) {
                int smem = u.group(2) == null ? 0 : Integer.parseInt(u.group(2));
                int[] fr = frame == null ? new int[3] : frame;
                out.put(current, new Resources(current, Integer.parseInt(u.group(1)), smem, fr[0], fr[1], fr[2]));
                current = null;
            }
        }
        return out;
    }
}
