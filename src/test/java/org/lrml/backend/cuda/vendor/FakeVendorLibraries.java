package org.lrml.backend.cuda.vendor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Builds the stand-in cuBLAS and cuDNN (src/test/native/fake-vendor) with gcc into folders laid out like the
 * installs the engine meets:
 * <pre>
 *   cuda13/  libcublas.so.13 (needs libcublasLt.so.13 beside it, as NVIDIA's does), libcublasLt.so.13
 *   cuda12/  libcublas.so.12, libcublasLt.so.12
 *   cudnn9/  libcudnn.so.9 (9.10.2), libcudnn_cnn.so.9 (needs libfakedep.so.1 from deps/), libcudnn_adv.so.9
 *            (needs a library that exists nowhere: an optional sub-library that does not load)
 *   cudnn8/  libcudnn.so.8 (8.9.7), libcudnn_cnn_infer.so.8
 *   deps/    libfakedep.so.1
 *   mismatch/ libcublas.so.12 reporting cuBLAS 13, libcudnn.so.9 reporting cuDNN 8.9.2 (files misnamed or mixed up)
 * </pre>
 * Each library has its soname and, like NVIDIA's, symbols versioned with it (JCuda's JNI libraries ask for
 * {@code cublasSgemm_v2@libcublas.so.12}). Built once per build under target/fake-vendor; skips the calling test
 * without gcc.
 */
final class FakeVendorLibraries {
    private static final Path SOURCES = Path.of("src/test/native/fake-vendor");
    private static final Path OUT = Path.of("target/fake-vendor");
    /** Written when a build finishes; a build with another layout (or older sources) is redone. */
    private static final String LAYOUT = "cuda13 cuda12 cudnn9 cudnn8 deps mismatch, v2";

    private FakeVendorLibraries() {
    }

    /** The root of the built folders (cuda13, cuda12, cudnn9, cudnn8, deps). */
    static synchronized Path build() {
        Path root = OUT.toAbsolutePath();
        Path done = root.resolve("built");
        try {
            if (Files.exists(done) && Files.readString(done).equals(LAYOUT)
                    && Files.getLastModifiedTime(done).compareTo(newestSource()) > 0) {
                return root;
            }
            Files.createDirectories(root);
            Assumptions.assumeTrue(gccWorks(root), "gcc is not available to build the stand-in vendor libraries");
            Path deps = lib(root, "deps", "libfakedep.so.1", "fake_stub.c", List.of(), List.of());
            lib(root, "cuda13", "libcublasLt.so.13", "fake_stub.c", List.of(), List.of());
            lib(root, "cuda13", "libcublas.so.13", "fake_cublas.c", List.of("-DFAKE_MAJOR=13"),
                    List.of("-L" + root.resolve("cuda13"), "-l:libcublasLt.so.13"));
            lib(root, "cuda12", "libcublasLt.so.12", "fake_stub.c", List.of(), List.of());
            lib(root, "cuda12", "libcublas.so.12", "fake_cublas.c", List.of("-DFAKE_MAJOR=12"),
                    List.of("-L" + root.resolve("cuda12"), "-l:libcublasLt.so.12"));
            lib(root, "cudnn9", "libcudnn.so.9", "fake_cudnn.c", List.of("-DFAKE_VERSION=91002"), List.of());
            lib(root, "cudnn9", "libcudnn_cnn.so.9", "fake_stub.c", List.of(),
                    List.of("-L" + deps.getParent(), "-l:libfakedep.so.1"));
            Path nowhere = lib(root, "nowhere", "libnowhere.so.1", "fake_stub.c", List.of(), List.of());
            lib(root, "cudnn9", "libcudnn_adv.so.9", "fake_stub.c", List.of(),
                    List.of("-L" + nowhere.getParent(), "-l:libnowhere.so.1"));
            Files.delete(nowhere);
            lib(root, "mismatch", "libcublas.so.12", "fake_cublas.c", List.of("-DFAKE_MAJOR=13"), List.of());
            lib(root, "mismatch", "libcudnn.so.9", "fake_cudnn.c", List.of("-DFAKE_VERSION=8902"), List.of());
            lib(root, "mismatch", "libcudnn_cnn.so.9", "fake_stub.c", List.of(), List.of());
            lib(root, "cudnn8", "libcudnn.so.8", "fake_cudnn.c", List.of("-DFAKE_VERSION=8907"), List.of());
            lib(root, "cudnn8", "libcudnn_cnn_infer.so.8", "fake_stub.c", List.of(), List.of());
            Files.writeString(done, LAYOUT);
            return root;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the stand-in vendor libraries in " + root + ": " + e, e);
        }
    }

    /**
     * A stub library named {@code soname} in {@code dir} that needs the given libraries (each linked from where it is
     * now); for loader tests, with names no vendor library has. Skips the calling test without gcc.
     */
    static Path stub(Path dir, String soname, Path... needs) throws IOException {
        Files.createDirectories(dir);
        Assumptions.assumeTrue(gccWorks(dir), "gcc is not available to build stub libraries");
        List<String> links = new ArrayList<>();
        for (Path n : needs) {
            links.add("-L" + n.getParent());
            links.add("-l:" + n.getFileName());
        }
        return lib(dir.getParent(), dir.getFileName().toString(), soname, "fake_stub.c", List.of(), links);
    }

    /** A stand-in libnvToolsExt.so.1 (fake_nvtx.c) in {@code dir}; skips the calling test without gcc. */
    static Path nvtx(Path dir) throws IOException {
        Files.createDirectories(dir);
        Assumptions.assumeTrue(gccWorks(dir), "gcc is not available to build the stand-in libnvToolsExt");
        return lib(dir.getParent(), dir.getFileName().toString(), "libnvToolsExt.so.1", "fake_nvtx.c", List.of(),
                List.of());
    }

    private static java.nio.file.attribute.FileTime newestSource() throws IOException {
        try (var s = Files.list(SOURCES)) {
            return s.map(p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).max(java.nio.file.attribute.FileTime::compareTo).orElseThrow();
        }
    }

    private static boolean gccWorks(Path root) {
        try {
            return run(root, List.of("gcc", "--version")).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static Path lib(Path root, String folder, String soname, String source, List<String> defines,
                            List<String> links) throws IOException {
        Path dir = Files.createDirectories(root.resolve(folder));
        Path map = dir.resolve(soname + ".map");
        Files.writeString(map, soname + " { global: *; };\n");
        Path out = dir.resolve(soname);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-Wall", "-o", out.toString()));
        cmd.addAll(defines);
        cmd.add(SOURCES.resolve(source).toAbsolutePath().toString());
        cmd.add("-Wl,-soname," + soname);
        cmd.add("-Wl,--version-script=" + map);
        cmd.add("-Wl,--no-as-needed");
        cmd.addAll(links);
        String err = run(root, cmd);
        if (!err.isEmpty()) {
            throw new IllegalStateException("gcc failed for " + soname + ": " + err);
        }
        return out;
    }

    /** Runs a command; returns its output when it failed, "" when it succeeded. */
    private static String run(Path dir, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out: " + cmd;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return p.exitValue() == 0 ? "" : out.isEmpty() ? "exit " + p.exitValue() : out;
    }
}
