package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.util.Rng;

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
                float[] expected = maskFromRng(seed, p, n);
                Storage m = cuda.allocate(DType.F32, n);
                cuda.dropout().mask(seed, p, m);
                Compare.identical("dropout mask seed " + seed + " p " + p, expected, Compare.floats(cuda, m));
            }
        }
    }

    @Test
    void cpuBackendAgrees() {
        int n = 4099;
        Storage cpuM = Compare.cpu().allocate(DType.F32, n);
        Compare.cpu().dropout().mask(123, 0.3, cpuM);
        float[] expected = Compare.floats(Compare.cpu(), cpuM);
        Storage m = cuda.allocate(DType.F32, n);
        cuda.dropout().mask(123, 0.3, m);
        Compare.identical("dropout mask vs CPU backend", expected, Compare.floats(cuda, m));
    }

    @Test
    void keepRateIsNearOneMinusP() {
        int n = 200_000;
        Storage m = cuda.allocate(DType.F32, n);
        cuda.dropout().mask(9, 0.25, m);
        int kept = 0;
        for (float v : Compare.floats(cuda, m)) {
            kept += v != 0 ? 1 : 0;
        }
        double rate = kept / (double) n;
        assertTrue(Math.abs(rate - 0.75) < 0.01, "keep rate " + rate + " for p = 0.25");
    }

    /** The mask by its definition: 1 / (1 - p) where Rng.uniformAt(seed, i) >= p, else 0. */
    private static float[] maskFromRng(long seed, double p, int n) {
        float scale = (float) (1.0 / (1.0 - p));
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = Rng.uniformAt(seed, i) >= p ? scale : 0f;
        }
        return m;
    }
}
