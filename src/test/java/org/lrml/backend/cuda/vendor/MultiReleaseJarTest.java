package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged jars (run by the jar-tests execution, after package): multi-release with the FFM bindings under
 * META-INF/versions/22 and JCudnn's native library under the name JCuda 12.6.0 asks for, in the shaded
 * target/lrml.jar and in the plain jar the GPU bundle ships; and {@code lrml info} from the shaded jar is truthful
 * on Java 17 (the FFM bindings need 22) and on the JDK 22+ (their own reasons, no native-access warnings).
 */
@Tag("jar")
class MultiReleaseJarTest {
    private static final Path SHADED = Path.of("target/lrml.jar");
    private static final Path PLAIN = Path.of("target/lrml-0.1.0.jar");
    private static final String FFM_CLASS = "META-INF/versions/22/org/lrml/backend/cuda/ffm/FfmBindings.class";

    @Test
    void bothJarsAreMultiReleaseWithTheFfmPartAndJcudnnsNativeLibrary() throws Exception {
        boolean ffmBuilt = Files.isDirectory(Path.of("target/classes/META-INF/versions/22"));
        for (Path jar : List.of(SHADED, PLAIN)) {
            assertTrue(Files.isRegularFile(jar), jar + " is missing: these tests run after package (mvn verify)");
            try (JarFile j = new JarFile(jar.toFile(), true, java.util.zip.ZipFile.OPEN_READ, Runtime.version())) {
                Attributes main = j.getManifest().getMainAttributes();
                assertEquals("true", main.getValue("Multi-Release"), jar + ": Multi-Release must survive shading");
                assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"), jar.toString());
                assertTrue(j.isMultiRelease(), jar.toString());
                assertNotNull(j.getEntry(JCudnnBinding.nativeResource()), jar + " lacks " + JCudnnBinding.nativeResource());
                if (ffmBuilt) {
                    assertNotNull(j.getEntry(FFM_CLASS), jar + " lacks " + FFM_CLASS);
                }
            }
        }
        assertNotNull(new JarFile(SHADED.toFile()).getManifest().getMainAttributes().getValue("Main-Class"));
    }

    private static String info(Path java) throws Exception {
        ChildJvm.Result r = ChildJvm.run(java, List.of("--add-modules", "jdk.incubator.vector", "-jar",
                SHADED.toAbsolutePath().toString()), List.of("info"), Map.of());
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    @Test
    void onJava17InfoSaysTheFfmBindingsNeedJava22() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() < 22, "this JVM is Java 22+");
        String out = info(ChildJvm.thisJava());
        if (out.contains("cuda: not available")) {
            assertTrue(out.contains("cuBLAS 13 via FFM: the FFM binding needs Java 22 or newer (running "
                    + Runtime.version().feature() + ")"), out);
            assertTrue(out.contains("cuDNN 9 via FFM: the FFM binding needs Java 22 or newer"), out);
        } else {
            assertTrue(out.contains("the FFM binding needs Java 22 or newer"), out);
        }
    }

    @Test
    void onJava22InfoGivesTheFfmBindingsOwnReasons() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(ChildJvm.JDK22_JAVA), "no JDK 22+ at " + ChildJvm.JDK22_JAVA);
        Assumptions.assumeTrue(Files.isDirectory(Path.of("target/classes/META-INF/versions/22")),
                "the FFM part was not built");
        String out = info(ChildJvm.JDK22_JAVA);
        assertFalse(out.contains("needs Java 22"), out);
        assertFalse(out.contains("restricted method"), "Enable-Native-Access must silence the warnings:\n" + out);
        if (out.contains("cuda: not available")) {
            for (String b : List.of("cuBLAS 13 via FFM: ", "cuBLAS 12 via FFM: ", "cuDNN 9 via FFM: ")) {
                int at = out.indexOf(b);
                assertTrue(at > 0, b + " missing:\n" + out);
                String reason = out.substring(at + b.length(), out.indexOf('\n', at));
                assertTrue(reason.contains(" not found in [") || reason.startsWith("found "), reason);
            }
        }
    }
}
