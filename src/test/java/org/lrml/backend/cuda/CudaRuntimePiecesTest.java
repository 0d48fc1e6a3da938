package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lrml.backend.BackendUnavailableException;
import org.lrml.backend.cuda.kernels.GemmKernels;

/** The CUDA runtime's host-side logic, testable without a GPU: PTX parsing, driver table, versions, providers. */
class CudaRuntimePiecesTest {

    private static final String PTX = String.join("\n",
            ".version 9.0", ".target sm_80", ".address_size 64",
            ".visible .entry k_v1(",
            "\t.param .u32 k_v1_param_0,",
            "\t.param .align 8 .b8 k_v1_param_1[64],",
            "\t.param .u64 k_v1_param_2,",
            "\t.param .f32 k_v1_param_3,",
            "\t.param .f64 k_v1_param_4",
            ")", "{", "\tret;", "}",
            ".visible .entry empty_v1()", "{", "\tret;", "}",
            ".visible .entry ptrs_v1(",
            "\t.param .u64 .ptr .align 1 ptrs_v1_param_0,",
            "\t.param .u64 .ptr .global .align 16 ptrs_v1_param_1,",
            "\t.param .u64 .ptr ptrs_v1_param_2,",
            "\t.param .u32 ptrs_v1_param_3",
            ")", "{", "\tret;", "}");

    @Test
    void ptxSignaturesAreParsedAndChecked() {
        Map<String, PtxSignature> sigs = PtxSignature.parse(PTX);
        assertEquals(List.of("k_v1", "empty_v1", "ptrs_v1"), List.copyOf(sigs.keySet()));
        // Pointer attributes (LLVM, newer nvcc) are read as the plain type.
        assertEquals(List.of("u64", "u64", "u64", "u32"), sigs.get("ptrs_v1").paramTypes());
        PtxSignature k = sigs.get("k_v1");
        assertEquals(List.of("u32", "b8[64]", "u64", "f32", "f64"), k.paramTypes());
        KernelArgs good = new KernelArgs().i32("op", 1).structOfLongs("d", new long[8]).ptr("x", 0x100).f32("a", 1f)
                .f64("b", 2.0);
        assertNull(k.mismatch(good));
        KernelArgs narrow = new KernelArgs().i32("op", 1).structOfLongs("d", new long[8]).i32("x", 1).f32("a", 1f)
                .f64("b", 2.0);
        assertTrue(k.mismatch(narrow).contains("parameter 2 is declared .u64 but the launcher passed x as I32"),
                k.mismatch(narrow));
        assertTrue(k.mismatch(new KernelArgs().i32("op", 1)).contains("takes 5 parameters"));
        assertTrue(sigs.get("empty_v1").paramTypes().isEmpty());
    }

    @Test
    void argumentsAreLittleEndianAndDescribed() {
        KernelArgs a = new KernelArgs().i32("n", 258).ptr("p", 0xABCDL).f64("x", 0.5);
        assertArrayEquals(new byte[]{2, 1, 0, 0}, a.list().get(0).bytes());
        assertEquals(8, a.list().get(1).bytes().length);
        assertEquals("n=258, p=0xabcd, x=0.5", a.describe());
    }

    @Test
    void driverRequirementsFollowThePtxIsa() {
        assertEquals(13000, PtxIsa.requiredDriver("9.0"));
        assertEquals(12040, PtxIsa.requiredDriver("8.4"));
        assertTrue(PtxIsa.driverSupports(13000, "9.0"));
        assertFalse(PtxIsa.driverSupports(12080, "9.0"));
        assertTrue(PtxIsa.driverSupports(12080, "8.7"));
        assertTrue(PtxIsa.describeRequirement("9.0").contains("CUDA 13.0") && PtxIsa.describeRequirement("9.0").contains("R580"));
        assertTrue(PtxIsa.driverSupports(13000, "9.9"), "unknown (newer) ISAs are left to the driver");
    }

    @Test
    void kernelVersionsCanBeForcedAndAreChecked() {
        assertEquals("sgemm_f32_v2", GemmKernels.SGEMM.entry());
        assertEquals(2, KernelVersions.of(Map.of()).version(GemmKernels.SGEMM));
        assertEquals(1, KernelVersions.of(Map.of("sgemm_f32", "1")).version(GemmKernels.SGEMM));
        assertEquals(1, KernelVersions.of(Map.of("sgemm_f32", "v1")).version(GemmKernels.SGEMM));
        KernelVersions seven = KernelVersions.of(Map.of("sgemm_f32", "v7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> seven.version(GemmKernels.SGEMM));
        assertTrue(e.getMessage().contains("-Dlrml.cuda.kernel.sgemm_f32=7: kernels/gemm.cu has versions [1, 2]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelVersions.of(Map.of("sgemm_f32", "two")));
        assertTrue(e.getMessage().contains("expected a version number"), e.getMessage());
        String prop = "lrml.cuda.kernel." + GemmKernels.SGEMM.kernel();
        try {
            System.setProperty(prop, "1");
            assertEquals(1, KernelVersions.fromSettings().version(GemmKernels.SGEMM), "read from the property");
        } finally {
            System.clearProperty(prop);
        }
    }

    @Test
    void providersPreferTheFirstAvailableAndForcingIsChecked() {
        Map<Providers.Family, List<Providers.Option>> options = Map.of(Providers.Family.GEMM, List.of(
                Providers.Option.unavailable("cublas", "libcublas.so.12 not found"),
                Providers.Option.available("builtin", "kernels/gemm.cu")));
        Providers p = Providers.resolve(options);
        assertEquals("builtin", p.active(Providers.Family.GEMM));
        assertNull(p.active(Providers.Family.CONV), "a family without options has no provider");
        assertTrue(p.row(Providers.Family.GEMM).describe().contains("cublas: libcublas.so.12 not found"));
        String prop = Providers.PROPERTY_PREFIX + "gemm";
        try {
            System.setProperty(prop, "cublas");
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Providers.resolve(options));
            assertTrue(e.getMessage().contains("not available here: libcublas.so.12 not found"), e.getMessage());
            System.setProperty(prop, "magic");
            e = assertThrows(BackendUnavailableException.class, () -> Providers.resolve(options));
            assertTrue(e.getMessage().contains("known: [cublas, builtin]"), e.getMessage());
            System.setProperty(prop, "builtin");
            assertTrue(Providers.resolve(options).row(Providers.Family.GEMM).forced());
        } finally {
            System.clearProperty(prop);
        }
    }

    @Test
    void scatterTablesKeepSourcesInOrder() {
        int[] t = org.lrml.backend.cuda.kernels.LayoutKernelsAccess.csr(new int[]{4, 0, 4, 2, 4}, 6);
        // touched = 3 rows {0, 2, 4}; starts {0, 1, 2, 5}; sources {1 | 3 | 0, 2, 4}
        assertArrayEquals(new int[]{3, 0, 2, 4, 0, 1, 2, 5, 1, 3, 0, 2, 4}, t);
    }
}
