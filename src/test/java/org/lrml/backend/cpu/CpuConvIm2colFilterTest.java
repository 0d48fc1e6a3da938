package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.ConvGeometry;
import org.lrml.util.Rng;

/**
 * The im2col filter gradient, in whichever orientation it runs its GEMM (dW_chunk = dY col^T, or its transpose
 * col dY^T when K is small, as a first layer's 9 taps), against the GEMM contract written out: per chunk of images,
 * or without a patch matrix ({@link CpuConvPlanar}: one input plane at stride 1), each dW element is a chain of fused multiply-adds over the chunk's positions in k blocks of 256, each block folded
 * into the result by fma(blockSum, 1, result); the chunks are added in chunk order. Equal bit for bit.
 */
class CpuConvIm2colFilterTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // n, cIn, h, w, cOut, kh, kw, sH, sW, pH, pW, dH, dW, groups
                Arguments.of(new ConvGeometry(5, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)),   // planar: K = 9
                Arguments.of(new ConvGeometry(7, 1, 9, 11, 16, 5, 3, 1, 1, 2, 1, 1, 1, 1)),    // planar, 2 images a chunk
                Arguments.of(new ConvGeometry(2, 1, 30, 30, 48, 7, 7, 1, 1, 3, 3, 1, 1, 1)),   // planar: K = 49
                Arguments.of(new ConvGeometry(3, 1, 13, 11, 8, 5, 5, 2, 2, 2, 2, 1, 1, 1)),    // swapped: K = 25, O = 8
                Arguments.of(new ConvGeometry(2, 3, 17, 15, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1)),   // K = 27
                Arguments.of(new ConvGeometry(4, 4, 9, 9, 6, 3, 3, 1, 1, 0, 0, 1, 1, 2)),      // groups
                Arguments.of(new ConvGeometry(2, 8, 12, 12, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1)));   // O = 3: not swapped
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void filterGradientIsTheContractsChainOfFusedMultiplyAdds(ConvGeometry g) {
        Rng rng = new Rng(g.h() * 31L + g.cOut());
        float[] x = new float[g.n() * g.cIn() * g.h() * g.w()];
        float[] dy = new float[g.n() * g.cOut() * g.outH() * g.outW()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) rng.nextGaussian();
        }
        float[] dw = new float[g.cOut() * g.cInPerGroup() * g.kh() * g.kw()];
        CpuConvIm2col.backwardFilter(g, x, dy, dw);
        float[] expected = contract(g, x, dy);
        for (int i = 0; i < dw.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dw[i]),
                    g + ": dW[" + i + "] = " + dw[i] + ", the contract gives " + expected[i]);
        }
    }

    private static float[] contract(ConvGeometry g, float[] x, float[] dy) {
        int p = g.outH() * g.outW();
        int per = CpuConvIm2col.imagesPerChunk(g);
        int chunks = (g.n() + per - 1) / per;
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        int k = cpg * g.kh() * g.kw();
        float[] dw = new float[g.cOut() * k];
        for (int ch = 0; ch < chunks; ch++) {
            int n0 = ch * per;
            int cols = Math.min(per, g.n() - n0) * p;
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int o = 0; o < opg; o++) {
                    for (int t = 0; t < k; t++) {
                        float result = 0f;
                        for (int b0 = 0; b0 < cols; b0 += CpuGemmFast.KC) {
                            float acc = 0f;
                            for (int q = b0; q < Math.min(cols, b0 + CpuGemmFast.KC); q++) {
                                int img = n0 + q / p;
                                int pos = q % p;
                                float dyv = dy[(img * g.cOut() + grp * opg + o) * p + pos];
                                acc = Math.fma(dyv, patch(g, x, img, grp, t, pos), acc);
                            }
                            result = Math.fma(acc, 1f, b0 == 0 ? 0f : result);
                        }
                        int i = (grp * opg + o) * k + t;
                        dw[i] = ch == 0 ? result : dw[i] + result;
                    }
                }
            }
        }
        return dw;
    }

    /** Row t = (c KH + ki) KW + kj of the group's patch matrix at output position pos (0 in the padding). */
    private static float patch(ConvGeometry g, float[] x, int img, int grp, int t, int pos) {
        int kw = g.kw();
        int kh = g.kh();
        int c = t / (kh * kw);
        int ki = t / kw % kh;
        int kj = t % kw;
        int ih = pos / g.outW() * g.strideH() - g.padH() + ki * g.dilH();
        int iw = pos % g.outW() * g.strideW() - g.padW() + kj * g.dilW();
        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
            return 0f;
        }
        return x[((img * g.cIn() + grp * g.cInPerGroup() + c) * g.h() + ih) * g.w() + iw];
    }
}
