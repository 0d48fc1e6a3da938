package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** Sum/mean/max over axes, reshape, permute, transpose against straight loops. */
class ReductionLayoutForwardTest {

    /** Straight-loop reduction over a 3-D array along the flagged axes (keepdims layout). */
    private static double[] ref3(double[] x, int[] s, boolean[] ax, String op) {
        int o0 = ax[0] ? 1 : s[0];
        int o1 = ax[1] ? 1 : s[1];
        int o2 = ax[2] ? 1 : s[2];
        double[] out = new double[o0 * o1 * o2];
        java.util.Arrays.fill(out, op.equals("max") ? Double.NEGATIVE_INFINITY : 0);
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    int oi = ((ax[0] ? 0 : i) * o1 + (ax[1] ? 0 : j)) * o2 + (ax[2] ? 0 : k);
                    double v = x[(i * s[1] + j) * s[2] + k];
                    out[oi] = op.equals("max") ? Math.max(out[oi], v) : out[oi] + v;
                }
            }
        }
        if (op.equals("mean")) {
            int count = (ax[0] ? s[0] : 1) * (ax[1] ? s[1] : 1) * (ax[2] ? s[2] : 1);
            for (int i = 0; i < out.length; i++) {
                out[i] /= count;
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reductionsOverEveryAxisSet(DType dt) {
        int[] s = {5, 37, 9};
        Tensor x = TestData.randn(3, dt, s);
        double[] xv = x.toDoubleArray();
        for (int mask = 1; mask < 8; mask++) {
            boolean[] ax = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
            int count = 0;
            for (boolean b : ax) {
                count += b ? 1 : 0;
            }
            int[] axes = new int[count];
            int j = 0;
            for (int i = 0; i < 3; i++) {
                if (ax[i]) {
                    axes[j++] = i;
                }
            }
            String what = " over " + java.util.Arrays.toString(axes) + " " + dt;
            TestData.assertClose("sum" + what, ref3(xv, s, ax, "sum"), x.sum(axes, true));
            TestData.assertClose("mean" + what, ref3(xv, s, ax, "mean"), x.mean(axes, false));
            TestData.assertClose("max" + what, ref3(xv, s, ax, "max"), x.max(axes, true));
        }
    }

    @Test
    void reducedShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[]{2, 4}, x.sum(new int[]{1}, false).shape());
        assertArrayEquals(new int[]{2, 1, 4}, x.sum(new int[]{1}, true).shape());
        assertArrayEquals(new int[]{}, x.sum().shape());
        assertArrayEquals(new int[]{3}, x.mean(new int[]{0, -1}, false).shape());
    }

    @Test
    void maxPropagatesNaN() {
        Tensor x = Tensor.of(new float[]{1, Float.NaN, 3, 4}, 2, 2);
        double[] m = x.max(new int[]{1}, false).toDoubleArray();
        assertTrue(Double.isNaN(m[0]));
        assertTrue(m[1] == 4.0);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void permuteMatchesIndexArithmetic(DType dt) {
        int[] s = {3, 4, 5, 6};
        int[] perm = {2, 0, 3, 1};
        Tensor x = TestData.randn(4, dt, s);
        double[] xv = x.toDoubleArray();
        Tensor y = x.permute(perm);
        int[] ys = y.shape();
        double[] expected = new double[xv.length];
        int[] xst = Shape.strides(s);
        int[] idx = new int[4];
        for (int i = 0; i < expected.length; i++) {
            int rem = i;
            for (int d = 3; d >= 0; d--) {
                idx[d] = rem % ys[d];
                rem /= ys[d];
            }
            int src = 0;
            for (int d = 0; d < 4; d++) {
                src += idx[d] * xst[perm[d]];
            }
            expected[i] = xv[src];
        }
        assertArrayEquals(new int[]{5, 3, 6, 4}, ys);
        assertArrayEquals(expected, y.toDoubleArray());
        assertArrayEquals(xv, y.permute(1, 3, 0, 2).toDoubleArray(), "inverse permutation restores x");
    }

    @Test
    void transposeAndReshape() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new double[]{1, 4, 2, 5, 3, 6}, x.transpose(0, 1).toDoubleArray());
        assertArrayEquals(new int[]{3, 2}, x.reshape(-1, 2).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
