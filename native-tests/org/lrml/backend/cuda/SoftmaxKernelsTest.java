package org.lrml.backend.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;

/**
 * kernels/softmax.cu against the CPU backend: softmax and log-softmax, rows shorter and longer than a block, and
 * over the middle axis of (outer, axis, inner) views.
 */
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
                Storage cpuY = Compare.cpu().allocate(DType.F32, x.length);
                Compare.cpu().softmax().softmax(Compare.cpu().upload(x), rows, cols, log, cpuY);
                double[] expected = Compare.values(Compare.cpu(), cpuY);
                Storage y = cuda.allocate(DType.F32, x.length);
                cuda.softmax().softmax(cuda.upload(x), rows, cols, log, y);
                Compare.close((log ? "log-softmax " : "softmax ") + rows + " x " + cols, new int[]{rows, cols}, expected,
                        Compare.values(cuda, y));
            }
        }
    }

    @Test
    void softmaxOverAnAxisMatchesTheCpu() {
        int[][] shapes = {{3, 5, 7}, {1, 1031, 3}, {4, 2, 259}, {2, 17, 1}, {1, 3, 600}};
        for (int[] s : shapes) {
            float[] x = Compare.uniform(2, s[0] * s[1] * s[2], -8, 8);
            for (boolean log : new boolean[]{false, true}) {
                Storage cpuY = Compare.cpu().allocate(DType.F32, x.length);
                Compare.cpu().softmax().softmaxAxis(Compare.cpu().upload(x), s[0], s[1], s[2], log, cpuY);
                Storage y = cuda.allocate(DType.F32, x.length);
                cuda.softmax().softmaxAxis(cuda.upload(x), s[0], s[1], s[2], log, y);
                Compare.close((log ? "log-softmax " : "softmax ") + "over axis of " + java.util.Arrays.toString(s), s,
                        Compare.values(Compare.cpu(), cpuY), Compare.values(cuda, y));
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] x = {1000f, 999f, -1000f, 0f, 88f, 90f};
        Storage y = cuda.allocate(DType.F32, 6);
        cuda.softmax().softmax(cuda.upload(x), 2, 3, false, y);
        Compare.close("softmax of large logits", new int[]{2, 3}, softmaxInDouble(x, 2, 3), Compare.values(cuda, y));
    }

    /** Softmax of each row of x (rows x cols) in double, max-shifted: the exact values for the large logits. */
    private static double[] softmaxInDouble(float[] x, int rows, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                mx = Math.max(mx, x[r * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - mx);
            }
            for (int j = 0; j < cols; j++) {
                y[r * cols + j] = Math.exp(x[r * cols + j] - mx) / sum;
            }
        }
        return y;
    }
}
