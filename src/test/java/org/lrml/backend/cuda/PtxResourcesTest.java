package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The PTX ships as classpath resources (and so in the jar): the manifest lists every kernel file, each .ptx is
 * there with the manifest's ISA and target, and the runtime reads it the same way.
 */
class PtxResourcesTest {

    @Test
    void everyKernelFileIsOnTheClasspathWithTheManifestIsa() throws IOException {
        KernelSources.assumeBuiltWithNvcc();
        ClassLoader cl = PtxResourcesTest.class.getClassLoader();
        Properties manifest = new Properties();
        try (InputStream in = cl.getResourceAsStream("kernels/manifest.properties")) {
            assertNotNull(in, "kernels/manifest.properties is not on the classpath");
            manifest.load(in);
        }
        assertEquals(String.join(",", KernelSources.stems()), manifest.getProperty("stems"));
        // The jar must load on drivers for CUDA 12.0 (R525) and newer, not only on CUDA 13 drivers (docs/cuda.md).
        assertEquals("8.0", manifest.getProperty("ptxIsa"), "the shipped PTX must declare ISA 8.0 (R525+ drivers)");
        assertEquals(12000, PtxIsa.requiredDriver(manifest.getProperty("ptxIsa")));
        assertTrue(manifest.getProperty("ptxasChecked").contains("sm_80") && manifest.getProperty("ptxasChecked")
                .contains("sm_90"), manifest.toString());
        for (String stem : KernelSources.stems()) {
            try (InputStream in = cl.getResourceAsStream("kernels/" + stem + ".ptx")) {
                assertNotNull(in, "kernels/" + stem + ".ptx is not on the classpath");
                String ptx = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(ptx.contains("\n.version " + manifest.getProperty("ptxIsa") + "\n"),
                        stem + ".ptx is not ISA " + manifest.getProperty("ptxIsa"));
                assertTrue(ptx.contains("\n.target " + manifest.getProperty("arch").replace("compute_", "sm_")),
                        stem + ".ptx does not target " + manifest.getProperty("arch"));
                assertEquals(KernelSources.sourceEntries(stem), PtxSignature.parse(ptx).keySet(), stem + ".ptx entries");
            }
        }
        PtxBundle bundle = PtxBundle.load();
        assertEquals(KernelSources.stems(), bundle.stems());
        assertTrue(CudaBackend.kernelInventory().startsWith(KernelSources.stems().size() + " kernel files, PTX ISA "),
                CudaBackend.kernelInventory());
    }
}
