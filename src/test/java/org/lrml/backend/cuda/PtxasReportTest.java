package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The ptxas resource reports kernels/build.sh keeps for sm_80 and sm_90: every kernel has one, and the hot
 * kernels (every entry of gemm.cu, conv.cu, reduce.cu, softmax.cu, batchnorm.cu, similarity.cu, topk.cu and
 * tupleloss.cu) spill nothing to local memory. Also writes target/kernels/resources.md, the table docs/cuda.md quotes.
 */
class PtxasReportTest {
    static final List<String> HOT = List.of("gemm", "conv", "reduce", "softmax", "batchnorm", "similarity", "topk",
            "tupleloss");
    static final List<String> ARCHS = List.of("sm_80", "sm_90");

    @Test
    void everyKernelHasAReportAndHotKernelsDoNotSpill() throws IOException {
        KernelSources.assumeBuiltWithNvcc();
        List<String> table = new ArrayList<>();
        table.add("| kernel | arch | registers | shared memory (bytes) | stack frame (bytes) | spill stores / loads (bytes) |");
        table.add("|---|---|---|---|---|---|");
        List<String> spills = new ArrayList<>();
        for (String stem : KernelSources.stems()) {
            for (String arch : ARCHS) {
                Map<String, KernelSources.Resources> r = KernelSources.report(stem, arch);
                assertEquals(new TreeSet<>(KernelSources.ptxEntries(stem)), new TreeSet<>(r.keySet()),
                        "ptxas report target/kernels/" + stem + "." + arch + ".txt versus the PTX entries");
                for (KernelSources.Resources k : r.values()) {
                    table.add(String.format("| %s | %s | %d | %d | %d | %d / %d |", k.kernel(), arch, k.registers(),
                            k.sharedBytes(), k.stackBytes(), k.spillStores(), k.spillLoads()));
                    if (HOT.contains(stem) && (k.spillStores() > 0 || k.spillLoads() > 0)) {
                        spills.add(k.kernel() + " on " + arch + ": " + k.spillStores() + " bytes spill stores, "
                                + k.spillLoads() + " bytes spill loads");
                    }
                }
            }
        }
        Files.write(KernelSources.REPORTS.resolve("resources.md"), table);
        assertTrue(spills.isEmpty(), "hot kernels spill registers to local memory: " + spills
                + " (see target/kernels/*.txt; reduce the register tile or the unrolling)");
    }

    @Test
    void theReportParserReadsPtxasOutput() {
        // A report as ptxas 13 writes it, parsed field by field.
        List<String> sample = List.of(
                "ptxas info    : 0 bytes gmem",
                "ptxas info    : Compiling entry function 'k_v1' for 'sm_80'",
                "ptxas info    : Function properties for k_v1",
                "    8 bytes stack frame, 12 bytes spill stores, 16 bytes spill loads",
                "ptxas info    : Used 161 registers, used 1 barriers, 16384 bytes smem, 484 bytes cmem[0]",
                "ptxas info    : Compiling entry function 'j_v2' for 'sm_80'",
                "ptxas info    : Function properties for j_v2",
                "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads",
                "ptxas info    : Used 30 registers, used 0 barriers, 388 bytes cmem[0]");
        Map<String, KernelSources.Resources> r = KernelSources.parseReport(sample);
        assertEquals(new KernelSources.Resources("k_v1", 161, 16384, 8, 12, 16), r.get("k_v1"));
        assertEquals(new KernelSources.Resources("j_v2", 30, 0, 0, 0, 0), r.get("j_v2"));
    }
}
