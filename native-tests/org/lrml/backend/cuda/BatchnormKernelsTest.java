package org.lrml.backend.cuda;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;

/**
 * kernels/batchnorm.cu against the CPU backend in all its uses: statistics (training forward), the channel affine
 * map (training and inference forward), and both backward passes; shapes of BatchNorm2d (s = H W) and
 * BatchNorm1d (s = 1), with channel reductions longer and shorter than a block.
 */
@Tag("gpu")
class BatchnormKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    /** (n, c, s) */
    private static final int[][] SHAPES = {{4, 3, 49}, {2, 17, 300}, {129, 5, 1}, {1, 2, 1031}, {64, 8, 1}};

    @Test
    void statisticsMatchTheCpu() {
        for (int[] d : SHAPES) {
            int n = d[0];
            int c = d[1];
            int s = d[2];
            float[] x = Compare.uniform(1, n * c * s, -1, 3);
            Storage cpuM = Compare.cpu().allocate(DType.F32, c);
            Storage cpuV = Compare.cpu().allocate(DType.F32, c);
            Compare.cpu().batchnorm().stats(Compare.cpu().upload(x), n, c, s, cpuM, cpuV);
            double[] expected = concat(Compare.values(Compare.cpu(), cpuM), Compare.values(Compare.cpu(), cpuV));
            Storage m = cuda.allocate(DType.F32, c);
            Storage v = cuda.allocate(DType.F32, c);
            cuda.batchnorm().stats(cuda.upload(x), n, c, s, m, v);
            Compare.close("batchNormStats " + Arrays.toString(d), null, expected,
                    concat(Compare.values(cuda, m), Compare.values(cuda, v)));
        }
    }

    @Test
    void channelAffineMatchesTheCpuAlsoInPlace() {
        for (int[] d : SHAPES) {
            int n = d[0];
            int c = d[1];
            int s = d[2];
            float[] x = Compare.normal(2, n * c * s);
            float[] scale = Compare.uniform(3, c, 0.5, 2);
            float[] shift = Compare.normal(4, c);
            Storage cpuY = Compare.cpu().allocate(DType.F32, x.length);
            Compare.cpu().batchnorm().channelAffine(Compare.cpu().upload(x), n, c, s, Compare.cpu().upload(scale),
                    Compare.cpu().upload(shift), cpuY);
            double[] expected = Compare.values(Compare.cpu(), cpuY);
            Storage xs = cuda.upload(x);
            cuda.batchnorm().channelAffine(xs, n, c, s, cuda.upload(scale), cuda.upload(shift), xs);
            Compare.close("channelAffine in place " + Arrays.toString(d), null, expected, Compare.values(cuda, xs));
        }
    }

    @Test
    void backwardPassesMatchTheCpu() {
        for (int[] d : SHAPES) {
            int n = d[0];
            int c = d[1];
            int s = d[2];
            float[] x = Compare.uniform(5, n * c * s, -1, 3);
            float[] dy = Compare.normal(6, n * c * s);
            float[] mean = Compare.uniform(7, c, 0.5, 1.5);
            float[] invStd = Compare.uniform(8, c, 0.5, 2);
            float[] gamma = Compare.uniform(9, c, 0.5, 2);
            Backend cpu = Compare.cpu();
            Storage cpuA = cpu.allocate(DType.F32, c);
            Storage cpuE = cpu.allocate(DType.F32, c);
            cpu.batchnorm().backwardReduce(cpu.upload(dy), cpu.upload(x), cpu.upload(mean), cpu.upload(invStd), n, c, s,
                    cpuA, cpuE);
            double[] sums = concat(Compare.values(cpu, cpuA), Compare.values(cpu, cpuE));
            Storage a = cuda.allocate(DType.F32, c);
            Storage e = cuda.allocate(DType.F32, c);
            cuda.batchnorm().backwardReduce(cuda.upload(dy), cuda.upload(x), cuda.upload(mean), cuda.upload(invStd), n, c, s,
                    a, e);
            Compare.close("batchNormBackwardReduce " + Arrays.toString(d), null, sums,
                    concat(Compare.values(cuda, a), Compare.values(cuda, e)));

            float[] sumDy = Compare.normal(10, c);
            float[] sumDyXhat = Compare.normal(11, c);
            Storage cpuOut = cpu.allocate(DType.F32, x.length);
            cpu.batchnorm().backwardInput(cpu.upload(dy), cpu.upload(x), cpu.upload(mean), cpu.upload(invStd),
                    cpu.upload(gamma), cpu.upload(sumDy), cpu.upload(sumDyXhat), n, c, s, cpuOut);
            double[] dx = Compare.values(cpu, cpuOut);
            Storage out = cuda.allocate(DType.F32, x.length);
            cuda.batchnorm().backwardInput(cuda.upload(dy), cuda.upload(x), cuda.upload(mean), cuda.upload(invStd),
                    cuda.upload(gamma), cuda.upload(sumDy), cuda.upload(sumDyXhat), n, c, s, out);
            Compare.close("batchNormBackwardInput " + Arrays.toString(d), null, dx, Compare.values(cuda, out));
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
