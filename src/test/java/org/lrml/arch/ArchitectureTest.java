package org.lrml.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the seams visible: the backend is a leaf (it imports nothing above it, only org.lrml.util below it), util
 * imports nothing of the engine, nothing imports the command line, only org.lrml.backend.cuda touches JCuda, only
 * backends touch storage arrays, and -Dlrml.* properties are read in one registry (org.lrml.util.Setting).
 */
class ArchitectureTest {

    private static List<Path> sources(String root) throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(root))) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    @Test
    void onlyTheCudaBackendImportsJcuda() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : sources("src/main/java")) {
            String rel = p.toString().replace('\\', '/');
            if (rel.contains("/org/lrml/backend/cuda/")) {
                continue;
            }
            String text = Files.readString(p);
            if (text.contains("import jcuda.") || text.contains("jcuda.driver.") || text.contains("jcuda.jcublas.")) {
                offenders.add(rel);
            }
        }
        assertTrue(offenders.isEmpty(), "JCuda used outside org.lrml.backend.cuda: " + offenders);
    }

    @Test
    void onlyBackendsUseCpuStorageInternals() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : sources("src/main/java")) {
            String rel = p.toString().replace('\\', '/');
            if (rel.contains("/org/lrml/backend/")) {
                continue;
            }
            if (Files.readString(p).contains("CpuStorage")) {
                offenders.add(rel);
            }
        }
        assertTrue(offenders.isEmpty(), "CpuStorage used outside the backends: " + offenders);
    }

    /** Main sources of both release parts (Java 17 and the Java 22 foreign-function part). */
    private static List<Path> mainSources() throws IOException {
        List<Path> all = new ArrayList<>(sources("src/main/java"));
        all.addAll(sources("src/main/java22"));
        return all;
    }

    private static final Pattern ENGINE_REFERENCE = Pattern.compile("\\borg\\.lrml\\.([a-z0-9]+)\\b");

    /** The engine packages a source refers to (imports and fully qualified names), comments and strings removed. */
    static List<String> referencedPackages(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
        List<String> out = new ArrayList<>();
        Matcher m = ENGINE_REFERENCE.matcher(code);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> offenders(String under, List<String> allowed) throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : mainSources()) {
            String rel = p.toString().replace('\\', '/');
            if (!rel.contains("/org/lrml/" + under + "/")) {
                continue;
            }
            for (String pkg : referencedPackages(Files.readString(p))) {
                if (!allowed.contains(pkg)) {
                    offenders.add(rel + " -> org.lrml." + pkg);
                }
            }
        }
        return offenders;
    }

    @Test
    void theBackendIsALeaf() throws IOException {
        List<String> offenders = offenders("backend", List.of("backend", "util"));
        assertTrue(offenders.isEmpty(), "org.lrml.backend must import nothing above it (only org.lrml.backend.** and"
                + " org.lrml.util): " + offenders);
    }

    @Test
    void utilIsTheBottom() throws IOException {
        List<String> offenders = offenders("util", List.of("util"));
        assertTrue(offenders.isEmpty(), "org.lrml.util must import nothing of the engine: " + offenders);
    }

    @Test
    void nothingImportsTheCommandLine() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : mainSources()) {
            String rel = p.toString().replace('\\', '/');
            if (!rel.contains("/org/lrml/cli/") && referencedPackages(Files.readString(p)).contains("cli")) {
                offenders.add(rel);
            }
        }
        assertTrue(offenders.isEmpty(), "org.lrml.cli is the top layer; imported by " + offenders);
    }

    @Test
    void theReferenceScanSeesImportsAndQualifiedNames() {
        assertEquals(List.of("tensor", "loss"), referencedPackages("import org.lrml.tensor.Tensor;\n"
                + "// org.lrml.cli in a comment\nclass A { org.lrml.loss.LossSpec s; String t = \"org.lrml.io\"; }"));
    }

    private static final Pattern PROPERTY_READ = Pattern.compile(
            "(System\\.getProperty|Integer\\.getInteger|Long\\.getLong|Boolean\\.getBoolean)\\(\\s*([^,)]*)");

    @Test
    void lrmlPropertiesAreReadOnlyInTheRegistry() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path p : mainSources()) {
            String rel = p.toString().replace('\\', '/');
            if (rel.endsWith("/org/lrml/util/Setting.java")) {
                continue;
            }
            Matcher m = PROPERTY_READ.matcher(Files.readString(p));
            while (m.find()) {
                String arg = m.group(2).trim();
                // JVM facts (os.arch, java.home, user.home, ...) are fine; an lrml key or a constant is not.
                if (!arg.startsWith("\"") || arg.startsWith("\"lrml.")) {
                    offenders.add(rel + ": " + m.group());
                }
            }
        }
        assertTrue(offenders.isEmpty(), "read -Dlrml.* properties through org.lrml.util.Setting: " + offenders);
    }
}
