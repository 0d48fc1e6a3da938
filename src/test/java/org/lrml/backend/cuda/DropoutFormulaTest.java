package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.util.Rng;

/**
 * The proof that kernels/dropout.cu computes Rng.uniformAt exactly, runnable without a GPU: the kernel's own
 * source is compiled for the CPU (the test emulator, g++) and its mask compared bit for bit with one built from
 * Rng.uniformAt, over a million counters and seeds that exercise the unsigned 64-bit arithmetic. Skips without
 * g++. (On a GPU the native DropoutKernelsTest repeats the comparison with the PTX.)
 */
class DropoutFormulaTest {

    @Test
    void theKernelSourceComputesUniformAtBitForBit() {
        CudaBackend b;
        try {
            b = CudaAvailable.emulated(256L << 20, "dropout");
        } catch (IllegalStateException | org.lrml.backend.BackendUnavailableException e) {
            // No g++ (no emulator) or no nvcc at build time (no PTX manifest for the backend to open with).
            Assumptions.abort("cannot run the kernel emulator here: " + e.getMessage());
            return;
        }
        try (CudaBackend backend = b) {
            int n = 1 << 20;
            for (long seed : new long[]{0, 7, -1, Long.MIN_VALUE, 0x5DEECE66DL}) {
                double p = 0.37;
                Storage m = backend.allocate(DType.F32, n);
                backend.dropout().mask(seed, p, m);
                float[] got = Compare.floats(backend, m);
                float scale = (float) (1.0 / (1.0 - p));
                int kept = 0;
                for (int i = 0; i < n; i++) {
                    float want = Rng.uniformAt(seed, i) >= p ? scale : 0f;
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i])) {
                        throw new AssertionError("dropout.cu differs from Rng.uniformAt at seed " + seed + ", counter " + i
                                + ": expected " + want + ", got " + got[i]);
                    }
                    kept += want != 0 ? 1 : 0;
                }
                assertEquals(0.63, kept / (double) n, 0.01, "keep rate");
            }
        }
    }
}
