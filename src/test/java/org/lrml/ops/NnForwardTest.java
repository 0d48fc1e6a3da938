package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/**
 * Forward values of slice, concat, linear, softmax, log-softmax, cross-entropy, L2 normalisation and the
 * global poolings against straight loops in double, on sizes that cross the CPU chunk boundaries.
 */
class NnForwardTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void sliceCopiesTheRegion(DType dt) {
        int[] s = {3, 11, 5};
        Tensor x = TestData.randn(1, dt, s);
        double[] xv = x.toDoubleArray();
        Tensor y = Slice.apply(x, 1, -8, 9);
        assertArrayEquals(new int[]{3, 6, 5}, y.shape());
        double[] ref = new double[3 * 6 * 5];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 5; k++) {
                    ref[(i * 6 + j) * 5 + k] = xv[(i * 11 + j + 3) * 5 + k];
                }
            }
        }
        TestData.assertClose("slice " + dt, ref, y);
        assertArrayEquals(new int[]{3, 0, 5}, Slice.apply(x, 1, 4, 4).shape());
    }

    @Test
    void sliceRejectsBoundsOutsideTheAxis() {
        Tensor x = Tensor.zeros(4, 6);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Slice.apply(x, 1, 2, 7));
        assertTrue(e.getMessage().contains("[4, 6]") && e.getMessage().contains("[2, 7)"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.apply(x, 0, 3, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Slice.apply(x, 0, -5, 2));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void concatJoinsAlongAnAxis(DType dt) {
        Tensor a = TestData.randn(2, dt, 4, 3, 2);
        Tensor b = TestData.randn(3, dt, 4, 5, 2);
        Tensor y = Concat.apply(List.of(a, b, a), 1);
        assertArrayEquals(new int[]{4, 11, 2}, y.shape());
        double[] av = a.toDoubleArray();
        double[] bv = b.toDoubleArray();
        double[] ref = new double[4 * 11 * 2];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 11; j++) {
                for (int k = 0; k < 2; k++) {
                    double v = j < 3 ? av[(i * 3 + j) * 2 + k] : j < 8 ? bv[(i * 5 + j - 3) * 2 + k]
                            : av[(i * 3 + j - 8) * 2 + k];
                    ref[(i * 11 + j) * 2 + k] = v;
                }
            }
        }
        TestData.assertClose("concat " + dt, ref, y);
    }

    @Test
    void concatNamesTheMisfit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Concat.apply(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1));
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("[3, 3]"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void linearWithAndWithoutBias(DType dt) {
        int in = 67;
        int out = 33;
        Tensor x = TestData.randn(4, dt, 3, 5, in);
        Tensor w = TestData.randn(5, dt, out, in);
        Tensor b = TestData.randn(6, dt, out);
        double[] xv = x.toDoubleArray();
        double[] wv = w.toDoubleArray();
        double[] bv = b.toDoubleArray();
        double[] ref = new double[15 * out];
        double[] refNoBias = new double[15 * out];
        for (int r = 0; r < 15; r++) {
            for (int o = 0; o < out; o++) {
                double acc = 0;
                for (int i = 0; i < in; i++) {
                    acc += xv[r * in + i] * wv[o * in + i];
                }
                refNoBias[r * out + o] = acc;
                ref[r * out + o] = acc + bv[o];
            }
        }
        Tensor y = Linear.apply(x, w, b);
        assertArrayEquals(new int[]{3, 5, out}, y.shape());
        TestData.assertClose("linear with bias " + dt, ref, y);
        TestData.assertClose("linear without bias " + dt, refNoBias, Linear.apply(x, w, null));
    }

    @Test
    void linearNamesShapesThatDoNotFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Linear.apply(Tensor.zeros(2, 5), Tensor.zeros(3, 4), null));
        assertTrue(e.getMessage().contains("[2, 5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Linear.apply(Tensor.zeros(2, 4), Tensor.zeros(3, 4),
                Tensor.zeros(4)));
    }

    /** Row-wise softmax or log-softmax in double, the textbook way with the max shift. */
    static double[] softmaxRef(double[] x, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                m = Math.max(m, x[r * cols + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x[r * cols + j] - m);
            }
            for (int j = 0; j < cols; j++) {
                double v = x[r * cols + j] - m;
                y[r * cols + j] = log ? v - Math.log(s) : Math.exp(v) / s;
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxAndLogSoftmaxOverManyRows(DType dt) {
        // 1001 rows of 37: three parallel chunks, the last one short.
        Tensor x = TestData.randn(7, dt, 7, 143, 37).mul(4.0);
        double[] xv = x.toDoubleArray();
        Tensor p = Softmax.apply(x);
        TestData.assertClose("softmax " + dt, softmaxRef(xv, 37, false), p);
        TestData.assertClose("logSoftmax " + dt, softmaxRef(xv, 37, true), LogSoftmax.apply(x));
        double[] pv = p.toDoubleArray();
        for (int r = 0; r < 1001; r++) {
            double s = 0;
            for (int j = 0; j < 37; j++) {
                s += pv[r * 37 + j];
            }
            assertEquals(1.0, s, 1e-5, "row " + r + " sums to 1");
        }
    }

    @Test
    void softmaxKeepsHugeLogitsFinite() {
        Tensor x = Tensor.of(new float[]{1000f, 999f, -1000f, 88f, 89f, 90f}, 2, 3);
        TestData.assertClose("softmax huge", softmaxRef(x.toDoubleArray(), 3, false), Softmax.apply(x));
        TestData.assertClose("logSoftmax huge", softmaxRef(x.toDoubleArray(), 3, true), LogSoftmax.apply(x));
    }

    @Test
    void softmaxPropagatesNaNThroughItsRow() {
        float[] y = Softmax.apply(Tensor.of(new float[]{1f, Float.NaN, 2f, 1f, 2f, 3f}, 2, 3)).toFloatArray();
        for (int j = 0; j < 3; j++) {
            assertTrue(Float.isNaN(y[j]), "row 0 element " + j + " is NaN");
            assertTrue(!Float.isNaN(y[3 + j]), "row 1 element " + j + " is finite");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void crossEntropyIsTheMeanNegativeLogLikelihood(DType dt) {
        int n = 9;
        int c = 13;
        Tensor x = TestData.randn(8, dt, n, c).mul(3.0);
        int[] t = {0, 12, 5, 5, 7, 1, 12, 3, 9};
        double[] logp = softmaxRef(x.toDoubleArray(), c, true);
        double ref = 0;
        for (int i = 0; i < n; i++) {
            ref -= logp[i * c + t[i]] / n;
        }
        Tensor loss = CrossEntropy.apply(x, t);
        assertArrayEquals(new int[]{}, loss.shape());
        TestData.assertClose("crossEntropy " + dt, new double[]{ref}, loss);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        Tensor x = Tensor.zeros(3, 4);
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.apply(x, new int[]{0, 4, 1}));
        assertTrue(high.getMessage().contains("target 4 of row 1") && high.getMessage().contains("[0, 4)"),
                high.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.apply(x, new int[]{0, 1, -1}));
        assertTrue(negative.getMessage().contains("target -1 of row 2"), negative.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.apply(x, new int[]{0, 1}));
        assertTrue(count.getMessage().contains("2 targets for 3 rows"), count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.apply(Tensor.zeros(3, 4, 2), new int[3]));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void l2NormalizeGivesUnitRowsAndLeavesZeroRowsZero(DType dt) {
        int d = 29;
        Tensor x = TestData.randn(9, dt, 2, 17, d);
        double[] xv = x.toDoubleArray();
        for (int j = 0; j < d; j++) {
            xv[5 * d + j] = 0;
        }
        x = Tensor.fromDoubles(Backends.cpu(), dt, xv, 2, 17, d);
        double[] ref = new double[xv.length];
        for (int r = 0; r < 34; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += xv[r * d + j] * xv[r * d + j];
            }
            double denom = Math.max(Math.sqrt(s), 1e-12);
            for (int j = 0; j < d; j++) {
                ref[r * d + j] = xv[r * d + j] / denom;
            }
        }
        TestData.assertClose("l2Normalize " + dt, ref, L2Normalize.apply(x));
    }

    /** (N, C, H, W) -> (N, C) with the given pooling of each H x W map, in double. */
    private interface MapPool {
        double pool(double[] x, int offset, int hw);
    }

    private static double[] poolRef(double[] x, int nc, int hw, MapPool f) {
        double[] y = new double[nc];
        for (int i = 0; i < nc; i++) {
            y[i] = f.pool(x, i * hw, hw);
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void globalPoolings(DType dt) {
        int[] s = {3, 5, 7, 9};
        Tensor x = TestData.randn(10, dt, s);
        double[] xv = x.toDoubleArray();
        int hw = 63;
        TestData.assertClose("mac " + dt, poolRef(xv, 15, hw, (v, o, n) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                m = Math.max(m, v[o + i]);
            }
            return m;
        }), Mac.apply(x));
        TestData.assertClose("spoc " + dt, poolRef(xv, 15, hw, (v, o, n) -> {
            double m = 0;
            for (int i = 0; i < n; i++) {
                m += v[o + i];
            }
            return m / n;
        }), Spoc.apply(x));
        for (double p : new double[]{1.0, 3.0, 4.7}) {
            Tensor pt = Tensor.full(Backends.cpu(), dt, p, 1);
            TestData.assertClose("gem p " + p + " " + dt, poolRef(xv, 15, hw, (v, o, n) -> {
                double m = 0;
                for (int i = 0; i < n; i++) {
                    m += Math.pow(Math.max(v[o + i], 1e-6), p);
                }
                return Math.pow(m / n, 1 / p);
            }), Gem.apply(x, pt));
        }
        assertArrayEquals(new int[]{3, 5}, Gem.apply(x, Tensor.full(Backends.cpu(), dt, 3.0)).shape());
    }

    @Test
    void poolingsNeedNchw() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mac.apply(Tensor.zeros(2, 3, 4)));
        assertTrue(e.getMessage().contains("mac") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gem.apply(Tensor.zeros(1, 2, 2, 2), Tensor.zeros(2)));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void dropoutMaskFollowsTheCounterHash(DType dt) {
        // 301 x 233 = 70133 elements: three mask chunks.
        Tensor x = TestData.randn(11, dt, 301, 233);
        double p = 0.35;
        long seed = 1234;
        double[] xv = x.toDoubleArray();
        double[] ref = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            double keep = dt == DType.F32 ? (float) (1 / (1 - p)) : 1 / (1 - p);
            ref[i] = org.lrml.util.Rng.uniformAt(seed, i) >= p ? xv[i] * keep : 0.0;
        }
        Tensor y = Dropout.apply(x, p, seed, true);
        TestData.assertClose("dropout " + dt, ref, y);
        assertArrayEquals(y.toDoubleArray(), Dropout.apply(x, p, seed, true).toDoubleArray(), "same seed, same mask");
        int dropped = 0;
        int differ = 0;
        double[] other = Dropout.apply(x, p, seed + 1, true).toDoubleArray();
        double[] yv = y.toDoubleArray();
        for (int i = 0; i < yv.length; i++) {
            dropped += yv[i] == 0 ? 1 : 0;
            differ += (yv[i] == 0) != (other[i] == 0) ? 1 : 0;
        }
        // Binomial(70133, 0.35): the standard deviation of the rate is 0.0018; 5 sigma bounds.
        double rate = dropped / (double) yv.length;
        assertTrue(Math.abs(rate - p) < 0.009, "dropped rate " + rate + " for p " + p);
        // Independent masks disagree with probability 2 p (1 - p) = 0.455.
        double disagree = differ / (double) yv.length;
        assertTrue(Math.abs(disagree - 2 * p * (1 - p)) < 0.01, "masks of neighbouring seeds disagree at " + disagree);
    }

    @Test
    void dropoutIsTheIdentityWhenOffAndRejectsBadP() {
        Tensor x = TestData.randn(12, DType.F32, 5, 4);
        assertSame(x, Dropout.apply(x, 0.5, 1, false));
        assertSame(x, Dropout.apply(x, 0.0, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Dropout.apply(x, 1.0, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Dropout.apply(x, -0.1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> Dropout.apply(x, Double.NaN, 1, true));
    }
}
