package org.lrml.backend.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;

/**
 * kernels/conv.cu (im2col, col2im) with the built-in SGEMM: forward, backward data and backward filter against
 * the CPU backend for geometries with stride, padding, dilation and groups.
 */
@Tag("gpu")
class ConvKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    static final ConvGeometry[] GEOMETRIES = {
            new ConvGeometry(2, 3, 13, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
            new ConvGeometry(3, 4, 17, 15, 6, 3, 2, 2, 1, 0, 1, 1, 1, 2),
            new ConvGeometry(2, 6, 12, 12, 6, 3, 3, 1, 2, 2, 2, 2, 2, 3),
            new ConvGeometry(1, 8, 9, 10, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),
            new ConvGeometry(5, 2, 7, 7, 3, 5, 5, 2, 2, 2, 2, 1, 1, 1),
            new ConvGeometry(2, 4, 6, 20, 4, 2, 3, 3, 2, 1, 0, 1, 2, 4),
    };

    @Test
    void forwardMatchesTheCpu() {
        for (ConvGeometry g : GEOMETRIES) {
            float[] x = Compare.normal(1, g.n() * g.cIn() * g.h() * g.w());
            float[] w = Compare.normal(2, g.cOut() * g.cInPerGroup() * g.kh() * g.kw());
            double[] expected = forward(Compare.cpu(), g, x, w);
            Compare.close("conv2d forward " + g, g.yShape(), expected, forward(cuda, g, x, w));
        }
    }

    @Test
    void backwardDataMatchesTheCpu() {
        for (ConvGeometry g : GEOMETRIES) {
            float[] dy = Compare.normal(3, g.n() * g.cOut() * g.outH() * g.outW());
            float[] w = Compare.normal(4, g.cOut() * g.cInPerGroup() * g.kh() * g.kw());
            double[] expected = backwardData(Compare.cpu(), g, dy, w);
            Compare.close("conv2d backward data " + g, g.xShape(), expected, backwardData(cuda, g, dy, w));
        }
    }

    @Test
    void backwardFilterMatchesTheCpu() {
        for (ConvGeometry g : GEOMETRIES) {
            float[] x = Compare.normal(5, g.n() * g.cIn() * g.h() * g.w());
            float[] dy = Compare.normal(6, g.n() * g.cOut() * g.outH() * g.outW());
            double[] expected = backwardFilter(Compare.cpu(), g, x, dy);
            Compare.close("conv2d backward filter " + g, g.wShape(), expected, backwardFilter(cuda, g, x, dy));
        }
    }

    private static double[] forward(Backend b, ConvGeometry g, float[] x, float[] w) {
        Storage y = b.allocate(DType.F32, (long) g.n() * g.cOut() * g.outH() * g.outW());
        Builtin.conv(b).forward(g, b.upload(x), b.upload(w), y);
        return Compare.values(b, y);
    }

    private static double[] backwardData(Backend b, ConvGeometry g, float[] dy, float[] w) {
        Storage dx = b.upload(Compare.uniform(9, g.n() * g.cIn() * g.h() * g.w(), 7, 8));  // must be overwritten
        Builtin.conv(b).backwardData(g, b.upload(dy), b.upload(w), dx);
        return Compare.values(b, dx);
    }

    private static double[] backwardFilter(Backend b, ConvGeometry g, float[] x, float[] dy) {
        Storage dw = b.upload(Compare.uniform(9, g.cOut() * g.cInPerGroup() * g.kh() * g.kw(), 7, 8));
        Builtin.conv(b).backwardFilter(g, b.upload(x), b.upload(dy), dw);
        return Compare.values(b, dw);
    }
}
