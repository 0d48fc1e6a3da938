package org.lrml.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.lrml.backend.BackendUnavailableException;
import org.lrml.util.Setting;

/**
 * The PTX kernels the engine launches: {@code kernels/<stem>.ptx} and {@code kernels/manifest.properties}
 * (written by kernels/build.sh) from the jar, or from the folder named by {@code -Dlrml.cuda.ptxDir} (PTX a
 * user rebuilt with their own nvcc for an older driver).
 */
final class PtxBundle {
    static final String DIR_PROPERTY = "lrml.cuda.ptxDir";
    private static final String RESOURCE_DIR = "kernels/";

    private final String source;
    private final Properties manifest;
    private final Path dir;

    private PtxBundle(String source, Properties manifest, Path dir) {
        this.source = source;
        this.manifest = manifest;
        this.dir = dir;
    }

    /** The bundle in use, or the exact reason there is none. */
    static PtxBundle load() {
        String d = Setting.CUDA_PTX_DIR.value();
        if (d != null) {
            Path dir = Path.of(d);
            Path m = dir.resolve("manifest.properties");
            if (!Files.isRegularFile(m)) {
                throw new BackendUnavailableException("-D" + DIR_PROPERTY + "=" + d + " has no manifest.properties: build the"
                        + " PTX there with kernels/build.sh --arch compute_NN --out " + d);
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(m)) {
                p.load(in);
            } catch (IOException e) {
                throw new BackendUnavailableException("cannot read " + m + ": " + e.getMessage());
            }
            return new PtxBundle(dir.toString(), p, dir);
        }
        Properties p = new Properties();
        try (InputStream in = PtxBundle.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + "manifest.properties")) {
            if (in == null) {
                throw new BackendUnavailableException(missingReason());
            }
            p.load(in);
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read kernels/manifest.properties from the jar: " + e.getMessage());
        }
        return new PtxBundle("the jar", p, null);
    }

    /** Null when the jar carries PTX (or a PTX folder is named), else why not. */
    static String missingOrNull() {
        try {
            load();
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }

    static String missingReason() {
        return "the PTX kernels are missing from the jar (no kernels/manifest.properties on the classpath): it was built"
                + " without nvcc; install the CUDA toolkit and rebuild (mvn package), or build them with kernels/build.sh"
                + " --out DIR and run with -D" + DIR_PROPERTY + "=DIR";
    }

    String isa() {
        return manifest.getProperty("ptxIsa", "?");
    }

    String arch() {
        return manifest.getProperty("arch", "?");
    }

    String nvcc() {
        return manifest.getProperty("nvcc", "?");
    }

    String source() {
        return source;
    }

    List<String> stems() {
        List<String> out = new ArrayList<>();
        for (String s : manifest.getProperty("stems", "").split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    /** The PTX text of one kernel file, or a BackendUnavailableException naming the missing file. */
    String text(String stem) {
        try {
            if (dir != null) {
                Path p = dir.resolve(stem + ".ptx");
                if (!Files.isRegularFile(p)) {
                    throw new BackendUnavailableException("PTX file " + p + " is missing (rebuild with kernels/build.sh --out "
                            + dir + ")");
                }
                return Files.readString(p, StandardCharsets.UTF_8);
            }
            try (InputStream in = PtxBundle.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + stem + ".ptx")) {
                if (in == null) {
                    throw new BackendUnavailableException("PTX kernel file kernels/" + stem + ".ptx is missing from the jar"
                            + " although its manifest lists it; rebuild the jar (mvn package)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading PTX of " + stem + " from " + source, e);
        }
    }

    /** "PTX ISA 9.0 for compute_80 (nvcc release 13.0, V13.0.88), from the jar". */
    String describe() {
        return "PTX ISA " + isa() + " for " + arch() + " (nvcc " + nvcc() + "), from " + source;
    }
}
