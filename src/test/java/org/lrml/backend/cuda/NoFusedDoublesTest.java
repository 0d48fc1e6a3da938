package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The kernel files whose double arithmetic promises bit parity with the CPU (optimiser steps: stored state is what
 * the next step reads; batch-norm statistics and affine) must not contain fused multiply-adds in double: nvcc fuses
 * a*b+c into fma.rn.f64 by default, which rounds once where the CPU (Java) rounds twice. Those files build with
 * -fmad=false (their "// nvcc-flags:" header line); this reads the PTX the jar ships. The CPU emulator compiles
 * with g++, which does not fuse on x86-64, so only this check can see it.
 */
class NoFusedDoublesTest {
    private static final List<String> PARITY_FILES = List.of("optim", "batchnorm");

    @Test
    void parityFilesAreBuiltWithoutFusedDoubleMultiplyAdds() throws IOException {
        for (String stem : PARITY_FILES) {
            assertTrue(KernelSources.source(stem).contains("\n// nvcc-flags: -fmad=false"),
                    "kernels/" + stem + ".cu must declare '// nvcc-flags: -fmad=false' in its header");
        }
        KernelSources.assumeBuiltWithNvcc();
        for (String stem : PARITY_FILES) {
            String ptx = Files.readString(KernelSources.PTX.resolve(stem + ".ptx"));
            assertEquals(0, ptx.lines().filter(l -> l.contains("fma.rn.f64")).count(),
                    "kernels/" + stem + ".ptx has fused double multiply-adds (fma.rn.f64): the CPU does not fuse");
        }
    }
}
