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
 * The float32 convolution paths against the reference loops (double accumulation, float64 storages holding
 * the same float values): forward, backward data and backward filter, through the dispatcher and through
 * each path directly (im2col + GEMM, and channels-last implicit GEMM where it applies), over geometries
 * that exercise every branch: chunks of several images with a short last chunk, the in-place 1x1 path,
 * strides, padding, dilation, groups, depthwise, kernels larger than the stride, channel counts on and off
 * the 32-wide panels, and position counts that end mid-tile.
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
                // Deep enough for the channels-last path (16+ channels per group).
                g("the CNN's second layer, 3 images", 3, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                g("20 -> 40 channels (off the 32-wide panels), 9x11", 3, 20, 9, 11, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                g("deep, stride 2, pad 2, 5x5", 2, 17, 13, 12, 33, 5, 5, 2, 2, 2, 2, 1, 1, 1),
                g("deep, dilation 2, pad 1", 2, 16, 11, 10, 18, 3, 3, 1, 1, 1, 1, 2, 2, 1),
                g("deep, groups 2, 3x2 kernel, pad 1x0", 3, 34, 8, 9, 36, 3, 2, 1, 1, 1, 0, 1, 1, 2),
                g("deep 1x1", 3, 24, 5, 7, 19, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                g("deep, kernel 4 > stride 3, no padding", 2, 16, 13, 14, 17, 4, 4, 3, 3, 0, 0, 1, 1, 1),
                g("deep, 13 images of 7x7 (several filter chunks)", 13, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                // Channels per group a multiple of 32: the filter gradient's direct kernel.
                g("32 per group, groups 2, stride 2, pad 1", 2, 64, 9, 8, 48, 3, 3, 2, 2, 1, 1, 1, 1, 2),
                g("32 channels, dilation 2, pad 2, 23 images (two filter chunks)", 23, 32, 7, 7, 8, 3, 3, 1, 1, 2, 2, 2,
                        2, 1));
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

    static CpuStorage f32(float[] f) {
        return new CpuStorage(CpuBackend.INSTANCE, f);
    }

    private static CpuStorage f64(float[] f) {
        return new CpuStorage(CpuBackend.INSTANCE, CpuGemmFastTest.widen(f));
    }

    /** The conv2d of one path, as three calls on float arrays. */
    private interface Path {
        void forward(ConvGeometry g, float[] x, float[] w, float[] y);

        void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx);

        void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw);
    }

    private static final Path DISPATCH = new Path() {
        public void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
            CpuConv.forward(g, f32(x), f32(w), f32(y));
        }

        public void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
            CpuConv.backwardData(g, f32(dy), f32(w), f32(dx));
        }

        public void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
            CpuConv.backwardFilter(g, f32(x), f32(dy), f32(dw));
        }
    };

    private static final Path IM2COL = new Path() {
        public void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
            CpuConvIm2col.forward(g, x, w, y);
        }

        public void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
            CpuConvIm2col.backwardData(g, dy, w, dx);
        }

        public void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
            CpuConvIm2col.backwardFilter(g, x, dy, dw);
        }
    };

    /** The channels-last path on every geometry it can compute (its channel minimum is about speed only). */
    private static final Path IMPLICIT = new Path() {
        public void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
            if (CpuConvImplicit.AVAILABLE) {
                CpuConvImplicit.forward(g, x, w, y);
            } else {
                CpuConvIm2col.forward(g, x, w, y);
            }
        }

        public void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
            boolean stride1 = g.strideH() == 1 && g.strideW() == 1 && g.padH() <= g.dilH() * (g.kh() - 1)
                    && g.padW() <= g.dilW() * (g.kw() - 1);
            if (CpuConvImplicit.AVAILABLE && stride1) {
                CpuConvImplicit.backwardData(g, dy, w, dx);
            } else {
                CpuConvIm2col.backwardData(g, dy, w, dx);
            }
        }

        public void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
            CpuConvImplicit.backwardFilter(g, x, dy, dw);
        }
    };

    static Stream<Arguments> geometriesAndPaths() {
        return geometries().flatMap(a -> Stream.of(
                Arguments.of(a.get()[0], a.get()[1], "dispatch", DISPATCH),
                Arguments.of(a.get()[0], a.get()[1], "im2col", IM2COL),
                Arguments.of(a.get()[0], a.get()[1], "channels-last", IMPLICIT)));
    }

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("geometriesAndPaths")
    void fastMatchesReference(String what, ConvGeometry g, String pathName, Path path) {
        float[] x = CpuGemmFastTest.floats(1, (int) len(g.xShape()));
        float[] w = CpuGemmFastTest.floats(2, (int) len(g.wShape()));
        float[] dy = CpuGemmFastTest.floats(3, (int) len(g.yShape()));
        String name = what + " (" + pathName + ")";

        float[] y = new float[dy.length];
        java.util.Arrays.fill(y, Float.NaN); // outputs are overwritten, whatever they held
        path.forward(g, x, w, y);
        CpuStorage yRef = f64(new float[dy.length]);
        CpuConv.referenceForward(g, f64(x), f64(w), yRef);
        Tolerance.F32.check("conv2d forward, " + name, g.yShape(), yRef.d(), CpuGemmFastTest.widen(y));

        float[] dx = new float[x.length];
        java.util.Arrays.fill(dx, Float.NaN);
        path.backwardData(g, dy, w, dx);
        CpuStorage dxRef = f64(new float[x.length]);
        CpuConv.referenceBackwardData(g, f64(dy), f64(w), dxRef);
        Tolerance.F32.check("conv2d backward data, " + name, g.xShape(), dxRef.d(), CpuGemmFastTest.widen(dx));

        float[] dw = new float[w.length];
        java.util.Arrays.fill(dw, Float.NaN);
        path.backwardFilter(g, x, dy, dw);
        CpuStorage dwRef = f64(new float[w.length]);
        CpuConv.referenceBackwardFilter(g, f64(x), f64(dy), dwRef);
        Tolerance.F32.check("conv2d backward filter, " + name, g.wShape(), dwRef.d(), CpuGemmFastTest.widen(dw));
    }

    @Test
    void filterGradientIsTheSameBitsWhenRepeated() {
        // Chunk partial sums are reduced in chunk order, so repeated runs (with threads racing) agree exactly.
        ConvGeometry deep = new ConvGeometry(23, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        ConvGeometry shallow = new ConvGeometry(13, 8, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(CpuConvImplicit.imagesPerFilterChunk(deep) < deep.n());
        assertTrue(CpuConvIm2col.imagesPerChunk(shallow) > 1 && CpuConvIm2col.imagesPerChunk(shallow) < shallow.n());
        for (ConvGeometry g : new ConvGeometry[]{deep, shallow}) {
            float[] x = CpuGemmFastTest.floats(4, (int) len(g.xShape()));
            float[] dy = CpuGemmFastTest.floats(5, (int) len(g.yShape()));
            float[] first = new float[(int) len(g.wShape())];
            CpuConvFast.backwardFilter(g, x, dy, first);
            for (int r = 0; r < 5; r++) {
                float[] again = new float[first.length];
                CpuConvFast.backwardFilter(g, x, dy, again);
                assertArrayEquals(first, again, "backward filter run " + r + " of " + g);
            }
        }
    }
}
