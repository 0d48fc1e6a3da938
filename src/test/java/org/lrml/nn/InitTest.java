package org.lrml.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.nn.Init.FanMode;
import org.lrml.nn.Init.Nonlinearity;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** Fans, gains and the statistics of each initialiser on large tensors (PyTorch's formulas). */
class InitTest {

    @Test
    void fansOfLinearAndConvolutionWeights() {
        assertEquals(new Init.Fans(300, 70), Init.fans(70, 300));
        assertEquals(new Init.Fans(16 * 9, 32 * 9), Init.fans(32, 16, 3, 3));
        assertEquals(new Init.Fans(5 * 7, 4 * 7), Init.fans(4, 5, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.fans(10));
        assertTrue(e.getMessage().contains("[10]"), e.getMessage());
    }

    @Test
    void gainsAsCalculateGain() {
        assertEquals(1.0, Init.gain(Nonlinearity.LINEAR, 0.3));
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, 0.3));
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.LEAKY_RELU, 0.0));
        assertEquals(Math.sqrt(1.0 / 3.0), Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
    }

    /** Mean and standard deviation of the values. */
    private static double[] stats(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        return new double[]{mean, Math.sqrt(var)};
    }

    /** Mean within 5 standard errors of 0 and standard deviation within 1% of the target. */
    private static void assertMoments(String what, Tensor t, double std) {
        double[] s = stats(t);
        double stdErr = std / Math.sqrt(t.numel());
        assertTrue(Math.abs(s[0]) < 5 * stdErr, what + ": mean " + s[0] + " (standard error " + stdErr + ")");
        assertEquals(std, s[1], 0.01 * std, what + ": standard deviation");
    }

    private static void assertWithin(String what, Tensor t, double bound) {
        double[] v = t.toDoubleArray();
        double max = Arrays.stream(v).map(Math::abs).max().orElseThrow();
        assertTrue(max < bound, what + ": |value| " + max + " exceeds the bound " + bound);
        assertTrue(max > 0.999 * bound, what + ": |value| " + max + " never comes near the bound " + bound);
    }

    @Test
    void kaimingNormalAndUniform() {
        Tensor w = Tensor.zeros(256, 128, 3, 3);
        int fanIn = 128 * 9;
        int fanOut = 256 * 9;
        Init.kaimingNormal(w, new Rng(1), 0, FanMode.FAN_IN, Nonlinearity.RELU);
        assertMoments("kaimingNormal relu fan_in", w, Math.sqrt(2.0 / fanIn));
        Init.kaimingNormal(w, new Rng(2), 0.2, FanMode.FAN_OUT, Nonlinearity.LEAKY_RELU);
        assertMoments("kaimingNormal leaky_relu fan_out", w, Math.sqrt(2.0 / (1 + 0.04)) / Math.sqrt(fanOut));
        Init.kaimingUniform(w, new Rng(3), 0, FanMode.FAN_IN, Nonlinearity.RELU);
        double bound = Math.sqrt(6.0 / fanIn);
        assertWithin("kaimingUniform relu", w, bound);
        assertMoments("kaimingUniform relu", w, bound / Math.sqrt(3));
        Init.kaimingUniform(w, new Rng(4), Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
        assertWithin("kaimingUniform a=sqrt(5) (nn.Linear's default)", w, 1 / Math.sqrt(fanIn));
        Init.kaimingUniform(w, new Rng(5), 0, FanMode.FAN_OUT, Nonlinearity.LINEAR);
        assertWithin("kaimingUniform linear fan_out", w, Math.sqrt(3.0 / fanOut));
    }

    @Test
    void xavierUniformAndNormal() {
        Tensor w = Tensor.zeros(Backends.cpu(), DType.F64, 700, 500);
        Init.xavierUniform(w, new Rng(6), 1.0);
        double bound = Math.sqrt(6.0 / 1200);
        assertWithin("xavierUniform", w, bound);
        assertMoments("xavierUniform", w, bound / Math.sqrt(3));
        Init.xavierNormal(w, new Rng(7), Math.sqrt(2));
        assertMoments("xavierNormal gain sqrt(2)", w, Math.sqrt(2) * Math.sqrt(2.0 / 1200));
    }

    @Test
    void seededAndReproducible() {
        Tensor a = Init.kaimingNormal(Tensor.zeros(30, 20), new Rng(9), 0, FanMode.FAN_IN, Nonlinearity.RELU);
        Tensor b = Init.kaimingNormal(Tensor.zeros(30, 20), new Rng(9), 0, FanMode.FAN_IN, Nonlinearity.RELU);
        Tensor c = Init.kaimingNormal(Tensor.zeros(30, 20), new Rng(10), 0, FanMode.FAN_IN, Nonlinearity.RELU);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertFalse(Arrays.equals(a.toFloatArray(), c.toFloatArray()));
    }

    @Test
    void emptyOrVectorWeightsAreErrors() {
        assertThrows(IllegalArgumentException.class,
                () -> Init.xavierUniform(Tensor.zeros(0, 4), new Rng(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> Init.kaimingUniform(Tensor.zeros(4), new Rng(1), 0, FanMode.FAN_IN, Nonlinearity.RELU));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(Tensor.zeros(4), new Rng(1), 0, -1));
    }
}
