package org.lrml.backend.cuda.vendor;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Starts a JVM of its own for a check that loads native libraries (the stand-in cuBLAS / cuDNN must never enter the
 * test JVM, where a later GPU test would meet them) or that needs another Java version.
 */
final class ChildJvm {
    /** Where the JDK 22+ is (the pom passes -Dlrml.jdk22.java; the default is this project's JDK 25). */
    static final Path JDK22_JAVA = Path.of(System.getProperty("lrml.jdk22.java",
            "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));

    record Result(int exit, String output) {
    }

    private ChildJvm() {
    }

    static Path thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * This JVM's classpath, with the manifest-only jar Surefire may start tests with expanded; with {@code ffm}, the
     * compiled multi-release part (target/classes/META-INF/versions/22) first, as a Java 22+ would read it from the
     * jar.
     */
    static String classpath(boolean ffm) throws IOException {
        List<String> out = new ArrayList<>();
        if (ffm) {
            out.add(Path.of("target/classes/META-INF/versions/22").toAbsolutePath().toString());
        }
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName() != null && p.getFileName().toString().startsWith("surefirebooter") && Files.isRegularFile(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    Manifest m = jar.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String u : cp.trim().split("\\s+")) {
                            out.add(Path.of(URI.create(u)).toString());
                        }
                    }
                }
            } else {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    static Result run(Path java, List<String> jvmArgs, List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(command);
        Path log = Files.createTempFile("lrml-child", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            // The child finds libraries only where the test says, not through this machine's settings.
            pb.environment().remove("LD_LIBRARY_PATH");
            pb.environment().remove(LibrarySearch.ENV);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the child JVM did not finish in 180 s: " + cmd + "\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
