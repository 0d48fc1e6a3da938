package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.util.Tolerance;

/**
 * The forward of deep 1x1 convolutions as a batched GEMM with shared, once-packed weights (ResNet's bottlenecks and
 * stride-2 projections) against the reference loops, through the path and through the dispatcher; the shared-A
 * batched GEMM against one GEMM per product, bit for bit (the GEMM's contract: a value depends only on its row,
 * column and k); an RGB stem on the channels-last path with merged kernel rows; and the channels-last forward with
 * merged rows bit for bit against the kernel ({@link CpuConvVector#tile}) run on hand-packed panels, one position at
 * a time.
 */
class CpuConvLandmarkPathsTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // n, cIn, h, w, cOut, stride
                Arguments.of("one image, P >= 256", new ConvGeometry(1, 24, 17, 16, 40, 1, 1, 1, 1, 0, 0, 1, 1, 1)),
                Arguments.of("8 images of 7x7 (ResNet's layer4 shape)", new ConvGeometry(8, 64, 7, 7, 72, 1, 1, 1, 1, 0,
                        0, 1, 1, 1)),
                Arguments.of("stride 2, odd input (projection)", new ConvGeometry(3, 32, 15, 13, 48, 1, 1, 2, 2, 0, 0,
                        1, 1, 1)),
                Arguments.of("stride 2x3, k past one block (300)", new ConvGeometry(2, 300, 9, 10, 33, 1, 1, 2, 3, 0, 0,
                        1, 1, 1)),
                Arguments.of("3 images, m and n off the tiles", new ConvGeometry(3, 17, 5, 9, 19, 1, 1, 1, 1, 0, 0, 1, 1,
                        1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void matchesTheReference(String what, ConvGeometry g) {
        float[] x = CpuGemmFastTest.floats(11, g.n() * g.cIn() * g.h() * g.w());
        float[] w = CpuGemmFastTest.floats(12, g.cOut() * g.cIn());
        int ylen = g.n() * g.cOut() * g.outH() * g.outW();
        CpuStorage ref = new CpuStorage(CpuBackend.INSTANCE, new double[ylen]);
        CpuConv.referenceForward(g, new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(x)),
                new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(w)), ref);
        float[] y = new float[ylen];
        java.util.Arrays.fill(y, Float.NaN);
        CpuConvIm2col.forwardPointwise(g, x, w, y);
        Tolerance.F32.check("pointwise forward, " + what, g.yShape(), ref.d(), CpuGemmFastTest.widen(y));
        float[] viaDispatch = new float[ylen];
        CpuConvFast.forward(g, x, w, viaDispatch);
        Tolerance.F32.check("dispatched forward, " + what, g.yShape(), ref.d(), CpuGemmFastTest.widen(viaDispatch));
    }

    @Test
    void anRgbStemTakesTheChannelsLastPathWithMergedKernelRows() {
        // ResNet's stem: 7x7, stride 2, padding 3, three channels: 21 contiguous inputs per kernel row.
        ConvGeometry g = new ConvGeometry(2, 3, 29, 31, 64, 7, 7, 2, 2, 3, 3, 1, 1, 1);
        org.junit.jupiter.api.Assertions.assertEquals(21, CpuConvImplicit.tapWidth(g));
        org.junit.jupiter.api.Assertions.assertTrue(!CpuConvImplicit.AVAILABLE || CpuConvImplicit.canForward(g));
        float[] x = CpuGemmFastTest.floats(31, g.n() * g.cIn() * g.h() * g.w());
        float[] w = CpuGemmFastTest.floats(32, g.cOut() * g.cIn() * 49);
        int ylen = g.n() * g.cOut() * g.outH() * g.outW();
        CpuStorage ref = new CpuStorage(CpuBackend.INSTANCE, new double[ylen]);
        CpuConv.referenceForward(g, new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(x)),
                new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(w)), ref);
        float[] y = new float[ylen];
        CpuConvFast.forward(g, x, w, y);
        Tolerance.F32.check("RGB stem forward", g.yShape(), ref.d(), CpuGemmFastTest.widen(y));
        // Dilation along the width keeps one tap per kernel element.
        org.junit.jupiter.api.Assertions.assertEquals(3, CpuConvImplicit.tapWidth(
                new ConvGeometry(1, 3, 20, 20, 16, 3, 3, 1, 1, 2, 2, 2, 2, 1)));
    }

    @Test
    void mergedRowsGiveTheKernelsBitsPositionByPosition() {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuConvImplicit.AVAILABLE, "the Vector API is not loaded");
        // 300 inputs: each 3x3 kernel row is one tap of 900 contiguous channels.
        ConvGeometry g = new ConvGeometry(2, 300, 6, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        float[] x = CpuGemmFastTest.floats(41, g.n() * g.cIn() * g.h() * g.w());
        float[] w = CpuGemmFastTest.floats(42, g.cOut() * g.cIn() * 9);
        float[] y = new float[g.n() * g.cOut() * g.outH() * g.outW()];
        CpuConvImplicit.forward(g, x, w, y);
        // One tile at a time with the unsliced kernel, on the same channels-last input and packed weights.
        int hp = g.h() + 2;
        int wp = g.w() + 2;
        float[] xp = new float[g.n() * hp * wp * g.cIn()];
        CpuConvImplicit.toChannelsLast(x, g.n(), g.cIn(), g.h(), g.w(), 1, 1, xp);
        int nr = CpuConvVector.NR;
        int k = 9 * g.cIn();
        int[] taps = {0, wp * g.cIn(), 2 * wp * g.cIn()};
        int p = g.outH() * g.outW();
        for (int q = 0; q < g.n() * p; q++) {
            int img = q / p;
            int oh = (q % p) / g.outW();
            int ow = q % g.outW();
            int[] rows = new int[CpuConvVector.MR];
            java.util.Arrays.fill(rows, ((img * hp + oh) * wp + ow) * g.cIn());
            for (int jb = 0; jb * nr < g.cOut(); jb++) {
                float[] panel = new float[k * nr];
                for (int j = 0; j < nr && jb * nr + j < g.cOut(); j++) {
                    for (int c = 0; c < g.cIn(); c++) {
                        for (int t = 0; t < 9; t++) {
                            panel[(t * g.cIn() + c) * nr + j] = w[((jb * nr + j) * g.cIn() + c) * 9 + t];
                        }
                    }
                }
                float[] acc = new float[CpuConvVector.MR * nr];
                CpuConvVector.tile(taps, 3 * g.cIn(), rows, 0, xp, panel, 0, acc);
                for (int j = 0; j < nr && jb * nr + j < g.cOut(); j++) {
                    float expected = acc[j];
                    float actual = y[(img * g.cOut() + jb * nr + j) * p + oh * g.outW() + ow];
                    org.junit.jupiter.api.Assertions.assertEquals(Float.floatToIntBits(expected),
                            Float.floatToIntBits(actual), "position " + q + ", channel " + (jb * nr + j));
                }
            }
        }
    }

    @Test
    void sharedWeightsGiveTheBitsOfSeparateProducts() {
        int batch = 5;
        int m = 70;
        int n = 45;
        int k = 530;
        float[] a = CpuGemmFastTest.floats(21, m * k);
        float[] b = CpuGemmFastTest.floats(22, batch * k * n);
        float[] together = new float[batch * m * n];
        CpuGemmFast.gemm(new GemmSpec(batch, false, false, m, n, k, 1.0, 0, k, 0, 0, n, (long) k * n, 0.0, 0, n,
                (long) m * n), a, b, together);
        for (int i = 0; i < batch; i++) {
            float[] alone = new float[m * n];
            CpuGemmFast.gemm(new GemmSpec(1, false, false, m, n, k, 1.0, 0, k, 0, (long) i * k * n, n, 0, 0.0, 0, n, 0),
                    a, b, alone);
            assertArrayEquals(alone, java.util.Arrays.copyOfRange(together, i * m * n, (i + 1) * m * n), "product " + i);
        }
    }
}
