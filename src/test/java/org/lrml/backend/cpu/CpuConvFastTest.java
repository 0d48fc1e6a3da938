package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.ConvGeometry;
import org.lrml.util.Tolerance;

/**
 * The float32 im2col + GEMM convolution against the reference loops (double accumulation, float64
 * storages holding the same float values): forward, backward data and backward filter over geometries
 * that exercise every branch of the fast path (chunks of several images with a short last chunk, the
 * in-place 1x1 path, strides, padding, dilation, groups, depthwise, kernels larger than the stride).
 */
class CpuConvFastTest {

    static Stream<Arguments> geometries() {
        return Stream.of(
                // n, cIn, h, w, cOut, kh, kw, sH, sW, pH, pW, dH, dW, groups  -- and what it exercises
                g("3x3 pad 1, odd sizes", 3, 3, 13, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                g("stride 2, pad 2", 2, 4, 15, 14, 6, 3, 3, 2, 2, 2, 2, 1, 1, 1),
                g("stride 2x1, pad 1x2, 5x3 kernel", 2, 3, 12, 9, 7, 5, 3, 2, 1, 1, 2, 1, 1, 1),
                g("dilation 2, pad 2", 2, 3, 11, 12, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1),
                g("groups 2", 2, 6, 9, 10, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2),
                g("depthwise", 2, 5, 9, 8, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5),
                g("1x1, one image per chunk (in place)", 2, 9, 17, 16, 11, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                g("1x1, several images per chunk", 7, 9, 5, 6, 10, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                g("1x1 stride 2", 3, 4, 9, 9, 6, 1, 1, 2, 2, 0, 0, 1, 1, 1),
                g("kernel 4 > stride 2, pad 1", 3, 2, 10, 11, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1),
                g("7 images, 5 per chunk (P = 49)", 7, 3, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                g("5 images, 2 per chunk (P = 100), groups 3", 5, 6, 10, 10, 9, 3, 3, 1, 1, 1, 1, 1, 1, 3),
                g("kernel covers the input, no padding", 2, 3, 4, 5, 4, 4, 5, 1, 1, 0, 0, 1, 1, 1),
                g("the CNN's second layer, 3 images", 3, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1));
    }

    private static Arguments g(String what, int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph,
                               int pw, int dh, int dw, int groups) {
        return Arguments.of(what, new ConvGeometry(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups));
    }

    private static long len(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static CpuStorage f32(float[] f) {
        return new CpuStorage(CpuBackend.INSTANCE, f);
    }

    private static CpuStorage f64(float[] f) {
        return new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void fastMatchesReference(String what, ConvGeometry g) {
        float[] x = CpuGemmFastTest.floats(1, (int) len(g.xShape()));
        float[] w = CpuGemmFastTest.floats(2, (int) len(g.wShape()));
        float[] dy = CpuGemmFastTest.floats(3, (int) len(g.yShape()));

        CpuStorage y = f32(new float[dy.length]);
        CpuConv.forward(g, f32(x), f32(w), y);
        CpuStorage yRef = f64(new float[dy.length]);
        CpuConv.referenceForward(g, f64(x), f64(w), yRef);
        Tolerance.F32.check("conv2d forward, " + what, g.yShape(), yRef.d(), CpuGemmFastTest.widen(y.f()));

        float[] dxInit = new float[x.length];
        java.util.Arrays.fill(dxInit, Float.NaN); // the output is overwritten, whatever it held
        CpuStorage dx = f32(dxInit);
        CpuConv.backwardData(g, f32(dy), f32(w), dx);
        CpuStorage dxRef = f64(new float[x.length]);
        CpuConv.referenceBackwardData(g, f64(dy), f64(w), dxRef);
        Tolerance.F32.check("conv2d backward data, " + what, g.xShape(), dxRef.d(), CpuGemmFastTest.widen(dx.f()));

        float[] dwInit = new float[w.length];
        java.util.Arrays.fill(dwInit, Float.NaN);
        CpuStorage dw = f32(dwInit);
        CpuConv.backwardFilter(g, f32(x), f32(dy), dw);
        CpuStorage dwRef = f64(new float[w.length]);
        CpuConv.referenceBackwardFilter(g, f64(x), f64(dy), dwRef);
        Tolerance.F32.check("conv2d backward filter, " + what, g.wShape(), dwRef.d(), CpuGemmFastTest.widen(dw.f()));
    }

    @Test
    void filterGradientIsTheSameBitsWhenRepeated() {
        // Chunk partial sums are reduced in chunk order, so repeated runs (with threads racing) agree exactly.
        ConvGeometry g = new ConvGeometry(13, 8, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(CpuConvFast.imagesPerChunk(g) > 1 && CpuConvFast.imagesPerChunk(g) < g.n());
        float[] x = CpuGemmFastTest.floats(4, (int) len(g.xShape()));
        float[] dy = CpuGemmFastTest.floats(5, (int) len(g.yShape()));
        float[] first = new float[(int) len(g.wShape())];
        CpuConvFast.backwardFilter(g, x, dy, first);
        for (int r = 0; r < 5; r++) {
            float[] again = new float[first.length];
            CpuConvFast.backwardFilter(g, x, dy, again);
            assertArrayEquals(first, again, "backward filter run " + r);
        }
    }
}
