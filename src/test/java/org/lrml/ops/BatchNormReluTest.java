package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.nn.Relu;
import org.lrml.nn.Sequential;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * relu(batchNorm2d(x)) fused ({@link BatchNorm2d#applyRelu}: one pass forward, one backward on the CPU in float32)
 * against the two ops, bit for bit: output, dL/dx, dL/dgamma, dL/dbeta and the running statistics, in each mode,
 * with maps whose normalised values include exact zeros of both signs and negatives (masked by ReLU). And a
 * Sequential of BatchNorm2d then Relu takes the fused path only when neither module has hooks.
 */
class BatchNormReluTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(BatchNorm2d.Mode.TRAINING, DType.F32, new int[]{4, 5, 6, 7}),
                Arguments.of(BatchNorm2d.Mode.TRAINING, DType.F32, new int[]{64, 32, 28, 28}),
                Arguments.of(BatchNorm2d.Mode.TRAINING, DType.F32, new int[]{3, 8, 1, 1}),
                Arguments.of(BatchNorm2d.Mode.INFERENCE, DType.F32, new int[]{4, 5, 6, 7}),
                Arguments.of(BatchNorm2d.Mode.FROZEN, DType.F32, new int[]{2, 16, 9, 9}),
                Arguments.of(BatchNorm2d.Mode.TRAINING, DType.F64, new int[]{4, 5, 6, 7}));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void fusedEqualsBatchNormThenReluBitForBit(BatchNorm2d.Mode mode, DType dt, int[] shape) {
        double[][] fused = run(mode, dt, shape, true);
        double[][] composite = run(mode, dt, shape, false);
        String[] what = {"y", "dL/dx", "dL/dgamma", "dL/dbeta", "running mean", "running var"};
        for (int k = 0; k < what.length; k++) {
            for (int i = 0; i < composite[k].length; i++) {
                long a = Double.doubleToRawLongBits(fused[k][i]);
                long b = Double.doubleToRawLongBits(composite[k][i]);
                int at = i;
                int kk = k;
                assertEquals(b, a, () -> what[kk] + "[" + at + "]: fused " + fused[kk][at] + ", composite "
                        + composite[kk][at]);
            }
        }
        int zeros = 0;
        for (double v : fused[0]) {
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 0, "ReLU must cut some values");
    }

    private static double[][] run(BatchNorm2d.Mode mode, DType dt, int[] shape, boolean fused) {
        Rng rng = new Rng(shape[1] * 7L + shape[3]);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        int c = shape[1];
        int plane = n / shape[0] / c;
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            int ch = i / plane % c;
            // Channel 0 is constant (normalised values exactly 0: beta's sign decides), the others Gaussian.
            xs[i] = ch == 0 ? 1.5 : rng.nextGaussian() * (1 + ch % 3);
        }
        double[] gs = new double[c];
        double[] bs = new double[c];
        for (int ch = 0; ch < c; ch++) {
            gs[ch] = 0.5 + rng.nextDouble();
            bs[ch] = ch == 0 ? -0.0 : ch == 1 ? 0.0 : rng.nextGaussian() * 0.3;
        }
        Tensor x = Tensor.fromDoubles(Backends.cpu(), dt, xs, shape).requiresGrad(true);
        Tensor gamma = Tensor.fromDoubles(Backends.cpu(), dt, gs, c).requiresGrad(true);
        Tensor beta = Tensor.fromDoubles(Backends.cpu(), dt, bs, c).requiresGrad(true);
        double[] rm = new double[c];
        double[] rv = new double[c];
        for (int ch = 0; ch < c; ch++) {
            rm[ch] = 0.1 * ch;
            rv[ch] = 1 + 0.05 * ch;
        }
        Tensor runningMean = Tensor.fromDoubles(Backends.cpu(), dt, rm, c);
        Tensor runningVar = Tensor.fromDoubles(Backends.cpu(), dt, rv, c);
        Tensor y = fused ? BatchNorm2d.applyRelu(x, gamma, beta, runningMean, runningVar, mode, 0.1, 1e-5)
                : BatchNorm2d.apply(x, gamma, beta, runningMean, runningVar, mode, 0.1, 1e-5).relu();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = rng.nextGaussian();
        }
        y.mul(Tensor.fromDoubles(Backends.cpu(), dt, r, shape)).sum().backward();
        return new double[][]{y.toDoubleArray(), x.grad().toDoubleArray(), gamma.grad().toDoubleArray(),
                beta.grad().toDoubleArray(), runningMean.toDoubleArray(), runningVar.toDoubleArray()};
    }

    @org.junit.jupiter.api.Test
    void sequentialFusesOnlyModulesWithoutHooks() {
        org.lrml.nn.BatchNorm2d bn = new org.lrml.nn.BatchNorm2d(3);
        Sequential seq = new Sequential(bn, new Relu());
        Tensor x = Tensor.randn(Backends.cpu(), DType.F32, new Rng(1), 1, 2, 3, 4, 4);
        assertEquals("batchNorm2dRelu", opOf(seq.forward(x)));
        int[] seen = {0};
        bn.registerForwardHook((m, in, out) -> {
            seen[0]++;
            return null;
        });
        assertEquals("relu", opOf(seq.forward(x)));
        assertEquals(1, seen[0], "the hooked module ran through call()");
    }

    private static String opOf(Tensor t) {
        return t.gradFn() == null ? "none" : t.gradFn().op();
    }
}
