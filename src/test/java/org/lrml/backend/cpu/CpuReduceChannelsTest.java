package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.lrml.backend.ReduceOp;
import org.lrml.testutil.TestData;

/**
 * The parallel per-channel path of {@link CpuReduce} ((n, c, s) reduced over n and s, e.g. a conv bias
 * gradient) gives exactly the values of its specification: each output combined in double, n then s.
 */
class CpuReduceChannelsTest {

    private static double[] expected(ReduceOp op, double[] x, int n, int c, int s) {
        double[] out = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double v = op == ReduceOp.SUM ? 0 : op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double e = x[(i * c + ch) * s + j];
                    v = op == ReduceOp.SUM ? v + e : op == ReduceOp.MAX ? Math.max(v, e) : Math.min(v, e);
                }
            }
            out[ch] = v;
        }
        return out;
    }

    @Test
    void channelSumsMaxAndMinMatchTheSpecificationExactly() {
        // (2, 3, 7, 4, 5) over axes 0, 1, 3, 4 merges to (n, c, s) = (6, 7, 20).
        int[] shape = {2, 3, 7, 4, 5};
        boolean[] axes = {true, true, false, true, true};
        double[] v = TestData.normal(3, 2 * 3 * 7 * 4 * 5);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        double[] fd = CpuGemmFastTest.widen(f);
        for (ReduceOp op : ReduceOp.values()) {
            CpuStorage out32 = new CpuStorage(CpuBackend.INSTANCE, new float[7]);
            CpuReduce.reduce(op, new CpuStorage(CpuBackend.INSTANCE, f), shape, axes, out32);
            double[] e32 = expected(op, fd, 6, 7, 20);
            float[] e32f = new float[7];
            for (int i = 0; i < 7; i++) {
                e32f[i] = (float) e32[i];
            }
            assertArrayEquals(e32f, out32.f(), op + " float32");
            CpuStorage out64 = new CpuStorage(CpuBackend.INSTANCE, new double[7]);
            CpuReduce.reduce(op, new CpuStorage(CpuBackend.INSTANCE, v.clone()), shape, axes, out64);
            assertArrayEquals(expected(op, v, 6, 7, 20), out64.d(), op + " float64");
        }
    }
}
