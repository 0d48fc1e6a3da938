package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

import java.util.stream.Stream;

/**
 * The fused GeM ({@link Gem#apply}: {@link GemSum}, one pass forward and one backward) against its definition
 * ({@link Gem#composite}: clamp, pow, mean, pow) on the CPU: output, dL/dx and dL/dp equal bit for bit, in float32
 * (the fast pow and log paths) and float64, over maps with activations below, at and around eps, zeros of both signs,
 * ReLU-like maps, exponents a training run reaches, and a map of one pixel.
 */
class GemFusedTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(DType.F32, 3.0, 4, 7, 5, 6, 0),
                Arguments.of(DType.F32, 3.0000002, 3, 5, 7, 7, 1),
                Arguments.of(DType.F32, 2.71, 2, 9, 3, 4, 2),
                Arguments.of(DType.F32, 1.0, 2, 4, 4, 4, 3),
                Arguments.of(DType.F32, 0.5, 2, 4, 4, 4, 4),
                Arguments.of(DType.F32, 6.25, 2, 3, 5, 5, 5),
                Arguments.of(DType.F32, 3.0, 5, 64, 1, 1, 6),
                Arguments.of(DType.F32, 3.3, 1, 300, 7, 7, 7),
                Arguments.of(DType.F64, 3.0, 4, 7, 5, 6, 0),
                Arguments.of(DType.F64, 2.71, 2, 9, 3, 4, 2),
                Arguments.of(DType.F64, 0.5, 5, 64, 1, 1, 6));
    }

    @ParameterizedTest(name = "{0} p={1} {2}x{3}x{4}x{5}")
    @MethodSource("cases")
    void fusedEqualsTheCompositeBitForBit(DType dt, double p, int n, int c, int h, int w, long seed) {
        double[] xs = map(seed, n * c * h * w);
        Rng rng = new Rng(seed + 100);
        double[] r = new double[n * c];
        for (int i = 0; i < r.length; i++) {
            r[i] = rng.nextGaussian();
        }
        Tensor[] fused = run(dt, xs, r, p, new int[]{n, c, h, w}, true);
        Tensor[] composite = run(dt, xs, r, p, new int[]{n, c, h, w}, false);
        String[] what = {"y", "dL/dx", "dL/dp"};
        for (int k = 0; k < 3; k++) {
            double[] a = fused[k].toDoubleArray();
            double[] b = composite[k].toDoubleArray();
            assertEquals(b.length, a.length, what[k]);
            int differ = 0;
            int first = -1;
            for (int i = 0; i < a.length; i++) {
                if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                    differ++;
                    first = first < 0 ? i : first;
                }
            }
            assertEquals(0, differ, what[k] + ": " + differ + " of " + a.length + " differ, first at " + first
                    + (first >= 0 ? " (fused " + a[first] + ", composite " + b[first] + ")" : ""));
        }
        assertTrue(fused[2].toDoubleArray()[0] != 0, "dL/dp must be exercised");
    }

    /** y = GeM(x), L = sum(y r): returns y, dL/dx, dL/dp. */
    private static Tensor[] run(DType dt, double[] xs, double[] r, double p, int[] shape, boolean fused) {
        Tensor x = Tensor.fromDoubles(Backends.cpu(), dt, xs, shape).requiresGrad(true);
        Tensor pt = Tensor.full(Backends.cpu(), dt, p, 1).requiresGrad(true);
        Tensor y = fused ? Gem.apply(x, pt) : Gem.composite(x, pt, Gem.DEFAULT_EPS);
        Tensor weights = Tensor.fromDoubles(Backends.cpu(), dt, r, shape[0], shape[1]);
        y.mul(weights).sum(new int[]{0, 1}, false).backward();
        return new Tensor[]{y, x.grad(), pt.grad()};
    }

    /** A map with every kind of activation GeM meets: ReLU zeros, values below, at and just above eps, large ones. */
    private static double[] map(long seed, int size) {
        Rng rng = new Rng(seed);
        double eps = Gem.DEFAULT_EPS;
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = switch (i % 11) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> -Math.abs(rng.nextGaussian());
                case 3 -> eps;
                case 4 -> (float) eps;
                case 5 -> eps * (1 + rng.nextDouble());
                case 6 -> eps * rng.nextDouble();
                case 7 -> 20 * Math.abs(rng.nextGaussian());
                default -> Math.abs(rng.nextGaussian());
            };
        }
        return v;
    }
}
