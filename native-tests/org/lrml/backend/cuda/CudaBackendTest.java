package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.kernels.ElementwiseKernels;
import org.lrml.backend.DType;

/** The runtime around the kernels: transfers, describe, dtype refusal, checked launches, timers, close. */
@Tag("gpu")
class CudaBackendTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    @Test
    void uploadCopyDownloadRoundTrip() {
        float[] x = Compare.normal(1, 1025);
        Storage s = cuda.upload(x);
        Storage d = cuda.allocate(DType.F32, 2000);
        cuda.fill(d, 3);
        cuda.copy(s, 5, d, 100, 1000);
        float[] got = Compare.floats(cuda, d);
        for (int i = 0; i < 2000; i++) {
            float want = i >= 100 && i < 1100 ? x[i - 100 + 5] : 3f;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "element " + i);
        }
        double[] wide = new double[1025];
        cuda.download(s, wide);
        assertEquals((double) x[1024], wide[1024]);
    }

    @Test
    void describeNamesDeviceKernelsAndProviders() {
        String d = cuda.describe();
        assertTrue(d.startsWith("cuda: "), d);
        assertTrue(d.contains("PTX ISA"), d);
        for (Providers.Family f : Providers.Family.values()) {
            assertTrue(d.contains("  " + f.key()), f + " missing from\n" + d);
        }
        assertTrue(d.contains("similarity_topk_f32_v1") && d.contains("tupleloss_grad_f32_v1"), d);
        // The gemm row names its active provider: the built-in kernel, or cuBLAS where it loaded.
        String gemm = ((CudaBackend) cuda).providers().active(Providers.Family.GEMM);
        assertTrue(d.contains(gemm.equals("builtin") ? "gemm        builtin: sgemm_f32_v2" : "gemm        cublas"), d);
    }

    @Test
    void float64IsRefusedWithAWayOut() {
        assertFalse(cuda.supports(DType.F64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.allocate(DType.F64, 3));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("to(DType.F32)"), e.getMessage());
    }

    @Test
    void aLauncherKernelMismatchIsCaughtBeforeTheDriver() {
        CudaContext ctx = ((CudaBackend) cuda).context();
        KernelFunction fill = ctx.function(ElementwiseKernels.FILL);
        // fill_f32_v1(float* y, float value, long long n) given an int where the long belongs:
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.launch1d(fill, 10, 256,
                new KernelArgs().ptr("y", 0).f32("value", 1f).i32("n", 10)));
        assertTrue(e.getMessage().contains("fill_f32_v1 parameter 2 is declared .u64"), e.getMessage());
    }

    @Test
    void anOversizedBlockIsRefusedWithTheLaunchContext() {
        CudaContext ctx = ((CudaBackend) cuda).context();
        KernelFunction fill = ctx.function(ElementwiseKernels.FILL);
        Storage s = cuda.allocate(DType.F32, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ctx.launch(fill, 1, 1, 1, 2048, 1, 1,
                0, new KernelArgs().ptr("y", CudaStorage.of(s).address()).f32("value", 1f).i64("n", 10)));
        assertTrue(e.getMessage().contains("kernel fill_f32_v1 (kernels/elementwise.cu) grid (1, 1, 1) block (2048, 1, 1)")
                && e.getMessage().contains("n=10"), e.getMessage());
    }

    @Test
    void timerMeasuresQueuedWork() {
        try (CudaTimer t = ((CudaBackend) cuda).timer()) {
            Storage s = cuda.allocate(DType.F32, 1 << 20);
            t.start();
            cuda.fill(s, 1);
            t.stop();
            assertTrue(t.millis() >= 0);
        }
    }

    @Test
    void closeReleasesEverythingAndLaterUseIsAnError() {
        CudaBackend b = CudaAvailable.fresh(1L << 28);
        Storage s = b.upload(new float[]{1, 2, 3});
        b.close();
        b.close();  // idempotent
        assertThrows(IllegalStateException.class, () -> b.allocate(DType.F32, 3));
        assertThrows(RuntimeException.class, () -> b.download(s, new float[3]));
    }
}
