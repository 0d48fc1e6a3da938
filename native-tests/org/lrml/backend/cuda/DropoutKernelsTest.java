package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.tensor.DType;

/**
 * kernels/dropout.cu: the mask equals, bit for bit, the one built from Rng.uniformAt (the CPU's definition), for
 * several seeds (including negative ones, which exercise the unsigned arithmetic) and probabilities.
 */
@Tag("gpu")
class DropoutKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    @Test
    void maskIsBitForBitTheCpusDefinition() {
        int n = 100_003;
        for (long seed : new long[]{0, 1, 42, -7, Long.MIN_VALUE, 0x9E3779B97F4A7C15L}) {
            for (double p : new double[]{0.1, 0.5, 0.9}) {
                float[] expected = Reference.dropoutMask(seed, p, n);
                Storage m = cuda.allocate(DType.F32, n);
                cuda.dropoutMask(seed, p, m);
                Compare.identical("dropout mask seed " + seed + " p " + p, expected, Compare.floats(cuda, m));
            }
        }
    }

    @Test
    void cpuBackendAgreesWhenItHasDropout() {
        int n = 4099;
        double[] cpu = Reference.cpuOr("dropout", () -> {
            Storage m = Compare.cpu().allocate(DType.F32, n);
            Compare.cpu().dropoutMask(123, 0.3, m);
            return Compare.values(Compare.cpu(), m);
        }, () -> Compare.widen(Reference.dropoutMask(123, 0.3, n)));
        Storage m = cuda.allocate(DType.F32, n);
        cuda.dropoutMask(123, 0.3, m);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[i] = (float) cpu[i];
        }
        Compare.identical("dropout mask vs CPU backend", expected, Compare.floats(cuda, m));
    }

    @Test
    void keepRateIsNearOneMinusP() {
        int n = 200_000;
        Storage m = cuda.allocate(DType.F32, n);
        cuda.dropoutMask(9, 0.25, m);
        int kept = 0;
        for (float v : Compare.floats(cuda, m)) {
            kept += v != 0 ? 1 : 0;
        }
        double rate = kept / (double) n;
        assertTrue(Math.abs(rate - 0.75) < 0.01, "keep rate " + rate + " for p = 0.25");
    }
}
