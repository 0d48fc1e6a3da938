package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.ConvGeometry;
import org.lrml.util.Rng;

/**
 * {@link CpuConvPlanar}'s forward against im2col + GEMM, bit for bit, including signed zeros from the padding and
 * widths that end inside a vector; its filter gradient against the GEMM contract is in CpuConvIm2colFilterTest.
 */
class CpuConvPlanarTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // n, cIn, h, w, cOut, kh, kw, sH, sW, pH, pW, dH, dW, groups
                Arguments.of(new ConvGeometry(3, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
                Arguments.of(new ConvGeometry(2, 1, 13, 40, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1)),
                Arguments.of(new ConvGeometry(2, 1, 9, 7, 5, 3, 3, 1, 1, 0, 0, 1, 1, 1)),
                Arguments.of(new ConvGeometry(1, 1, 33, 35, 16, 3, 5, 1, 1, 1, 2, 1, 1, 1)),
                Arguments.of(new ConvGeometry(2, 1, 20, 20, 48, 7, 7, 1, 1, 3, 3, 1, 1, 1)));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardEqualsIm2colBitForBit(ConvGeometry g) {
        assumeTrue(CpuConvPlanar.serves(g), "needs the Vector API (run with --add-modules jdk.incubator.vector)");
        Rng rng = new Rng(g.w() * 7L + g.cOut());
        float[] x = new float[g.n() * g.h() * g.w()];
        for (int i = 0; i < x.length; i++) {
            // Some exact zeros of both signs, so the padding's +0 products meet -0 sums.
            x[i] = i % 13 == 0 ? -0f : i % 17 == 0 ? 0f : (float) rng.nextGaussian();
        }
        float[] w = new float[g.cOut() * g.kh() * g.kw()];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 11 == 0 ? -0f : (float) rng.nextGaussian();
        }
        int outLen = g.n() * g.cOut() * g.outH() * g.outW();
        float[] expected = new float[outLen];
        CpuConvIm2col.forward(g, x, w, expected);
        float[] actual = new float[outLen];
        java.util.Arrays.fill(actual, Float.NaN);
        CpuConvPlanar.forward(g, x, w, actual);
        int negativeZeros = 0;
        for (int i = 0; i < outLen; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    g + ": y[" + i + "] = " + actual[i] + ", im2col gives " + expected[i]);
            negativeZeros += Float.floatToRawIntBits(actual[i]) == 0x80000000 ? 1 : 0;
        }
        assertTrue(negativeZeros == 0, "fma(acc, 1, +0) never leaves -0, as the GEMM's store");
    }
}
