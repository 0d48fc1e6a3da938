package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.ops.BatchNorm2d.Mode;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Tolerance;

/**
 * Pooling and batch normalisation: hand-worked cases for the rules (first maximum, padding never wins,
 * divisors, unbiased running variance, frozen statistics), and the float32 loops against the float64
 * ones on sizes that span several parallel chunks.
 */
class PoolBatchNormTest {

    private static Tensor f64(double[] v, int... shape) {
        return Tensor.of(Backends.cpu(), v, shape).requiresGrad(true);
    }

    @Test
    void maxPoolGivesTheGradientToTheFirstMaximumAndPaddingNeverWins() {
        // One 3x3 plane of equal values: the k2 s1 windows each pick their top-left cell.
        Tensor x = f64(new double[]{-1, -1, -1, -1, -1, -1, -1, -1, -1}, 1, 1, 3, 3);
        Tensor y = MaxPool2d.apply(x, 2, 1, 0);
        assertArrayEquals(new double[]{-1, -1, -1, -1}, y.toDoubleArray());
        y.backward(Tensor.of(Backends.cpu(), new double[]{1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new double[]{1, 2, 0, 3, 4, 0, 0, 0, 0}, x.grad().toDoubleArray());
        // All-negative input with padding 1: a padded zero would win if padding took part.
        Tensor p = MaxPool2d.apply(Tensor.of(Backends.cpu(), new double[]{-3, -2, -5, -4}, 1, 1, 2, 2), 2, 2, 1);
        assertArrayEquals(new double[]{-3, -2, -5, -4}, p.toDoubleArray());
    }

    @Test
    void maxPoolPropagatesNan() {
        Tensor y = MaxPool2d.apply(Tensor.of(Backends.cpu(), new float[]{1, Float.NaN, 3, 2}, 1, 1, 2, 2), 2, 2, 0);
        assertTrue(Float.isNaN(y.toFloatArray()[0]));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "kernel {0}, stride {1}, padding {2}, {3}x{4}")
    @org.junit.jupiter.params.provider.CsvSource({"3,2,1,9,8", "2,2,0,9,8", "2,2,0,8,11", "2,2,0,6,6"})
    void maxPoolBranchFreeFloat32AgreesWithTheFloat64SpecificationOnTiesZerosAndNan(int k, int stride, int pad,
                                                                                 int h, int w) {
        // Values drawn from {-1, -0, +0, 1, NaN}: many ties, both zeros, NaNs; overlapping padded windows and
        // the unrolled 2x2 path with odd sizes (cells no window covers must get a zero gradient).
        float[] pool = {-1f, -0f, 0f, 1f, Float.NaN};
        int[] shape = {3, 5, h, w};
        float[] v = new float[3 * 5 * h * w];
        org.lrml.util.Rng r = new org.lrml.util.Rng(4);
        for (int i = 0; i < v.length; i++) {
            v[i] = pool[r.nextInt(pool.length)];
        }
        Tensor x32 = Tensor.of(Backends.cpu(), v, shape).requiresGrad(true);
        Tensor x64 = x32.detach().to(DType.F64).requiresGrad(true);
        Tensor y32 = MaxPool2d.apply(x32, k, stride, pad);
        Tensor y64 = MaxPool2d.apply(x64, k, stride, pad);
        double[] a = y32.toDoubleArray();
        double[] b = y64.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToLongBits(b[i]), Double.doubleToLongBits(a[i]), "window " + i
                    + ": float32 " + a[i] + ", float64 " + b[i]);
        }
        double[] dy = new double[a.length];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i + 1; // distinct integers: any misrouted gradient changes a sum exactly
        }
        y32.backward(Tensor.fromDoubles(Backends.cpu(), DType.F32, dy, y32.shape()));
        y64.backward(Tensor.of(Backends.cpu(), dy, y64.shape()));
        assertArrayEquals(x64.grad().toDoubleArray(), x32.grad().toDoubleArray());
        // The backend overwrites dx whatever it held (cells no window covers included).
        org.lrml.backend.PoolGeometry g = new org.lrml.backend.PoolGeometry(3, 5, h, w, k, k, stride, stride, pad, pad,
                true);
        Tensor dirty = Tensor.full(Backends.cpu(), DType.F32, Double.NaN, shape);
        Backends.cpu().pool().maxBackward(g, x32.storage(),
                Tensor.fromDoubles(Backends.cpu(), DType.F32, dy, y32.shape()).storage(), dirty.storage());
        assertArrayEquals(x64.grad().toDoubleArray(), dirty.toDoubleArray());
    }

    @Test
    void avgPoolDivisorCountsPaddingOnlyWhenAsked() {
        double[] v = {1, 2, 3, 4};
        Tensor with = AvgPool2d.apply(Tensor.of(Backends.cpu(), v, 1, 1, 2, 2), new int[]{2, 2}, new int[]{2, 2},
                new int[]{1, 1}, true);
        assertArrayEquals(new double[]{0.25, 0.5, 0.75, 1.0}, with.toDoubleArray());
        Tensor without = AvgPool2d.apply(Tensor.of(Backends.cpu(), v, 1, 1, 2, 2), new int[]{2, 2},
                new int[]{2, 2}, new int[]{1, 1}, false);
        assertArrayEquals(v, without.toDoubleArray());
    }

    /** Forward and backward of f on float32 and float64 copies of the same values; asserts they agree. */
    private static void float32MatchesFloat64(String what, int[] shape, java.util.function.UnaryOperator<Tensor> f) {
        double[] xv = TestData.normal(7, Math.toIntExact(org.lrml.backend.Shape.numel(shape)));
        Tensor x32 = Tensor.fromDoubles(Backends.cpu(), DType.F32, xv, shape).requiresGrad(true);
        Tensor x64 = Tensor.of(Backends.cpu(), x32.toDoubleArray(), shape).requiresGrad(true);
        Tensor y32 = f.apply(x32);
        Tensor y64 = f.apply(x64);
        Tolerance.F32.check(what + " forward", y32.shape(), y64.toDoubleArray(), y32.toDoubleArray());
        double[] dy = TestData.normal(8, Math.toIntExact(y32.numel()));
        y32.backward(Tensor.fromDoubles(Backends.cpu(), DType.F32, dy, y32.shape()));
        y64.backward(Tensor.of(Backends.cpu(), Tensor.fromDoubles(Backends.cpu(), DType.F32, dy, y32.shape())
                .toDoubleArray(), y32.shape()));
        Tolerance.F32.check(what + " backward", shape, x64.grad().toDoubleArray(), x32.grad().toDoubleArray());
    }

    @Test
    void float32LoopsMatchFloat64AcrossChunks() {
        // 7 x 60 planes of 13 x 11: several parallel chunks, odd window edges.
        int[] shape = {7, 60, 13, 11};
        float32MatchesFloat64("maxPool2d k3 s2 p1", shape, x -> MaxPool2d.apply(x, 3, 2, 1));
        float32MatchesFloat64("avgPool2d k3x2 s2x1 p1 (exclude pad)", shape,
                x -> AvgPool2d.apply(x, new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 1}, false));
        for (Mode mode : Mode.values()) {
            float32MatchesFloat64("batchNorm2d " + mode, shape, x -> {
                Tensor rm = Tensor.fromDoubles(Backends.cpu(), x.dtype(), TestData.normal(9, 60), 60);
                Tensor rv = Tensor.fromDoubles(Backends.cpu(), x.dtype(), TestData.uniform(10, 60, 0.5, 2), 60);
                Tensor gamma = Tensor.fromDoubles(Backends.cpu(), x.dtype(), TestData.uniform(11, 60, 0.5, 2), 60);
                Tensor beta = Tensor.fromDoubles(Backends.cpu(), x.dtype(), TestData.normal(12, 60), 60);
                return BatchNorm2d.apply(x, gamma, beta, rm, rv, mode, 0.1, 1e-5);
            });
        }
    }

    @Test
    void batchNormStatisticsStayAccurateWithALargeMean() {
        // Values 1000 + N(0, 1): a one-pass sum of squares in float would lose the variance entirely.
        int n = 16;
        int c = 3;
        int s = 101;
        double[] v = TestData.normal(21, n * c * s);
        for (int i = 0; i < v.length; i++) {
            v[i] = 1000 + v[i];
        }
        Tensor x = Tensor.fromDoubles(Backends.cpu(), DType.F32, v, n, c, s);
        double[] xs = x.toDoubleArray();
        Tensor mean = Tensor.empty(Backends.cpu(), DType.F32, c);
        Tensor var = Tensor.empty(Backends.cpu(), DType.F32, c);
        Backends.cpu().batchnorm().stats(x.storage(), n, c, s, mean.storage(), var.storage());
        double[] em = new double[c];
        double[] ev = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sum += xs[(i * c + ch) * s + j];
                }
            }
            em[ch] = sum / (n * s);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = xs[(i * c + ch) * s + j] - em[ch];
                    sq += d * d;
                }
            }
            ev[ch] = sq / (n * s);
        }
        TestData.assertClose("batchNormStats mean", em, mean);
        TestData.assertClose("batchNormStats biased variance", ev, var);
    }

    @Test
    void trainingUpdatesRunningStatisticsWithTheUnbiasedVarianceAndFrozenNeverDoes() {
        double[] xv = {1, 2, 3, 4, 10, 20, 30, 40}; // (2, 2, 2): channel 0 = {1, 2, 10, 20}, channel 1 = {3, 4, 30, 40}
        Tensor x = Tensor.of(Backends.cpu(), xv, 2, 2, 2);
        Tensor rm = Tensor.of(Backends.cpu(), new double[]{0.5, -1}, 2);
        Tensor rv = Tensor.of(Backends.cpu(), new double[]{2, 3}, 2);
        BatchNorm2d.apply(x, null, null, rm, rv, Mode.TRAINING, 0.25, 1e-5);
        double m0 = (1 + 2 + 10 + 20) / 4.0;
        double m1 = (3 + 4 + 30 + 40) / 4.0;
        double u0 = (sq(1 - m0) + sq(2 - m0) + sq(10 - m0) + sq(20 - m0)) / 3;
        double u1 = (sq(3 - m1) + sq(4 - m1) + sq(30 - m1) + sq(40 - m1)) / 3;
        TestData.assertClose("running mean", new double[]{0.75 * 0.5 + 0.25 * m0, 0.75 * -1 + 0.25 * m1}, rm);
        TestData.assertClose("running var", new double[]{0.75 * 2 + 0.25 * u0, 0.75 * 3 + 0.25 * u1}, rv);

        double[] before = rm.toDoubleArray();
        double[] beforeVar = rv.toDoubleArray();
        Tensor gamma = Tensor.of(Backends.cpu(), new double[]{1.5, 0.5}, 2).requiresGrad(true);
        Tensor beta = Tensor.of(Backends.cpu(), new double[]{0.1, 0.2}, 2).requiresGrad(true);
        Tensor y = BatchNorm2d.apply(x, gamma, beta, rm, rv, Mode.FROZEN, 0.25, 1e-5);
        y.sum().backward();
        assertArrayEquals(before, rm.toDoubleArray(), "FROZEN changed the running mean");
        assertArrayEquals(beforeVar, rv.toDoubleArray(), "FROZEN changed the running variance");
        assertArrayEquals(new double[]{4, 4}, beta.grad().toDoubleArray());
        double expectY0 = 1.5 * (1 - before[0]) / Math.sqrt(beforeVar[0] + 1e-5) + 0.1;
        assertEquals(expectY0, y.toDoubleArray()[0], 1e-12);
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void trainingModeNeedsMoreThanOneValuePerChannel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNorm2d.apply(
                Tensor.of(Backends.cpu(), new double[]{1, 2}, 1, 2, 1, 1), null, null, null, null, Mode.TRAINING,
                0.1, 1e-5));
        assertTrue(e.getMessage().contains("[1, 2, 1, 1]"), e.getMessage());
        Tensor x = Tensor.of(Backends.cpu(), new double[]{1, 2, 3, 4}, 2, 2, 1, 1);
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class, () -> BatchNorm2d.apply(x, null,
                null, Tensor.zeros(Backends.cpu(), DType.F64, 2), null, Mode.TRAINING, 0.1, 1e-5));
        assertTrue(half.getMessage().contains("only the mean"), half.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> BatchNorm2d.apply(x, null,
                null, null, null, Mode.FROZEN, 0.1, 1e-5));
        assertTrue(none.getMessage().contains("FROZEN"), none.getMessage());
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.apply(x, Tensor.zeros(4, 2, 3, 3), null, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("[2, 3, 8, 8]") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.apply(x, Tensor.zeros(4, 3, 11, 3), null, 1, 1, 1, 1));
        assertTrue(k.getMessage().contains("does not fit"), k.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> MaxPool2d.apply(x, 2, 2, 2));
        assertTrue(p.getMessage().contains("maxPool2d") && p.getMessage().contains("[2, 3, 8, 8]"), p.getMessage());
    }
}
