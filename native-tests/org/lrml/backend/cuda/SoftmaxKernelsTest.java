package org.lrml.backend.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.tensor.DType;

/** kernels/softmax.cu against the CPU backend: softmax and log-softmax, rows shorter and longer than a block. */
@Tag("gpu")
class SoftmaxKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    @Test
    void softmaxAndLogSoftmaxMatchTheCpu() {
        int[][] sizes = {{257, 10}, {3, 1031}, {64, 2}, {5, 256}, {2, 4099}};
        for (int[] rc : sizes) {
            int rows = rc[0];
            int cols = rc[1];
            float[] x = Compare.uniform(1, rows * cols, -8, 8);
            for (boolean log : new boolean[]{false, true}) {
                double[] expected = Reference.cpuOr("softmax", () -> {
                    Storage y = Compare.cpu().allocate(DType.F32, x.length);
                    Compare.cpu().softmax(Compare.cpu().upload(x), rows, cols, log, y);
                    return Compare.values(Compare.cpu(), y);
                }, () -> Reference.softmax(x, rows, cols, log));
                Storage y = cuda.allocate(DType.F32, x.length);
                cuda.softmax(cuda.upload(x), rows, cols, log, y);
                Compare.close((log ? "log-softmax " : "softmax ") + rows + " x " + cols, new int[]{rows, cols}, expected,
                        Compare.values(cuda, y));
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] x = {1000f, 999f, -1000f, 0f, 88f, 90f};
        Storage y = cuda.allocate(DType.F32, 6);
        cuda.softmax(cuda.upload(x), 2, 3, false, y);
        Compare.close("softmax of large logits", new int[]{2, 3}, Reference.softmax(x, 2, 3, false), Compare.values(cuda, y));
    }
}
