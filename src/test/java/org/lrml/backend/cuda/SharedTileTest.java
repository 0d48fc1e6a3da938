package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * similarity.cu must give S bit for bit equal to sgemm_f32_v2's Q G^T (the fused ranking's contract). That holds by
 * construction only while both take their arithmetic from the one tile in gemm_tile.cuh; this test fails the default
 * build when either file grows its own copy again (an fma chain of its own), which the emulator suite would catch
 * only under -Pemulator and only on the shapes it tries.
 */
class SharedTileTest {

    @Test
    void gemmAndSimilarityShareTheTileHeader() {
        String gemm = code(KernelSources.source("gemm"));
        String sim = code(KernelSources.source("similarity"));
        for (String[] f : new String[][]{{"gemm.cu", gemm}, {"similarity.cu", sim}}) {
            assertTrue(f[1].contains("#include \"gemm_tile.cuh\""), f[0] + " must include gemm_tile.cuh");
            assertTrue(f[1].contains("tile_product<"), f[0] + " must compute its tile with tile_product");
        }
        assertEquals(0, count(sim, "fmaf("), "similarity.cu must not multiply-accumulate outside gemm_tile.cuh");
        // sgemm_f32_v1, the simple reference version, keeps its own loop; v2 takes the shared tile.
        assertEquals(1, count(gemm, "fmaf("), "gemm.cu: only sgemm_f32_v1 has its own fma loop");
    }

    /** The source without its // comments (the headers describe the fma chain in words). */
    private static String code(String source) {
        return source.replaceAll("//[^\n]*", "");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
