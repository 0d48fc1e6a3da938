package org.lrml.backend.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.util.Rng;

/**
 * kernels/pool.cu against the CPU backend: max and average pooling, forward and gather-form backward, over the
 * original geometries and ONNX's (asymmetric pads, ceil mode, dilation, pads up to the kernel extent, windows with
 * no cell inside the input), and max pooling's indices (equal to the CPU's exactly).
 */
@Tag("gpu")
class PoolKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    static final PoolGeometry[] GEOMETRIES = {
            new PoolGeometry(2, 3, 16, 16, 2, 2, 2, 2, 0, 0, true),
            new PoolGeometry(3, 5, 17, 13, 3, 3, 2, 2, 1, 1, true),
            new PoolGeometry(3, 5, 17, 13, 3, 3, 2, 2, 1, 1, false),
            new PoolGeometry(2, 4, 11, 9, 3, 2, 1, 1, 1, 1, false),
            new PoolGeometry(1, 70, 7, 7, 7, 7, 1, 1, 0, 0, true),
            // n, c, h, w, kh, kw, sH, sW, pads top, left, bottom, right, dilH, dilW, ceil, countIncludePad
            new PoolGeometry(2, 3, 17, 13, 3, 2, 2, 2, 0, 1, 2, 1, 1, 1, true, true),
            new PoolGeometry(2, 3, 17, 13, 3, 2, 2, 2, 0, 1, 2, 1, 1, 1, true, false),
            new PoolGeometry(3, 5, 17, 13, 3, 3, 1, 2, 2, 1, 0, 3, 2, 2, false, false),
            new PoolGeometry(2, 3, 9, 11, 3, 3, 2, 1, 2, 2, 2, 2, 1, 1, false, true),
            new PoolGeometry(1, 2, 2, 5, 2, 2, 1, 1, 1, 0, 2, 0, 3, 1, false, false),  // first row of windows empty
            new PoolGeometry(2, 70, 15, 15, 3, 3, 2, 2, 1, 0, 1, 2, 1, 1, true, true),
            new PoolGeometry(1, 3, 8, 8, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, true, false),  // ceil drops a window
    };

    /** Distinct values (a shuffled ramp) so every window has one maximum. */
    private static float[] distinct(long seed, int n) {
        int[] perm = new Rng(seed).permutation(n);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (perm[i] - n / 2f) * 0.01f;
        }
        return f;
    }

    private static int inputs(PoolGeometry g) {
        return g.n() * g.c() * g.h() * g.w();
    }

    private static int outputs(PoolGeometry g) {
        return g.n() * g.c() * g.outH() * g.outW();
    }

    @Test
    void maxPoolForwardAndBackwardMatchTheCpu() {
        for (PoolGeometry g : GEOMETRIES) {
            float[] x = distinct(1, inputs(g));
            float[] dy = Compare.normal(2, outputs(g));
            Storage cpuY = Compare.cpu().allocate(DType.F32, outputs(g));
            Compare.cpu().pool().maxForward(g, Compare.cpu().upload(x), cpuY);
            double[] fwd = Compare.values(Compare.cpu(), cpuY);
            Storage y = cuda.allocate(DType.F32, outputs(g));
            cuda.pool().maxForward(g, cuda.upload(x), y);
            Compare.close("maxPool2d forward " + g, g.yShape(), fwd, Compare.values(cuda, y));

            Storage cpuDx = Compare.cpu().allocate(DType.F32, inputs(g));
            Compare.cpu().pool().maxBackward(g, Compare.cpu().upload(x), Compare.cpu().upload(dy), cpuDx);
            double[] bwd = Compare.values(Compare.cpu(), cpuDx);
            Storage dx = cuda.upload(Compare.uniform(3, inputs(g), 5, 6));  // must be overwritten
            cuda.pool().maxBackward(g, cuda.upload(x), cuda.upload(dy), dx);
            Compare.close("maxPool2d backward " + g, g.xShape(), bwd, Compare.values(cuda, dx));
        }
    }

    @Test
    void avgPoolForwardAndBackwardMatchTheCpu() {
        for (PoolGeometry g : GEOMETRIES) {
            float[] x = Compare.normal(4, inputs(g));
            float[] dy = Compare.normal(5, outputs(g));
            Storage cpuY = Compare.cpu().allocate(DType.F32, outputs(g));
            Compare.cpu().pool().avgForward(g, Compare.cpu().upload(x), cpuY);
            double[] fwd = Compare.values(Compare.cpu(), cpuY);
            Storage y = cuda.allocate(DType.F32, outputs(g));
            cuda.pool().avgForward(g, cuda.upload(x), y);
            Compare.close("avgPool2d forward " + g, g.yShape(), fwd, Compare.values(cuda, y));

            Storage cpuDx = Compare.cpu().allocate(DType.F32, inputs(g));
            Compare.cpu().pool().avgBackward(g, Compare.cpu().upload(dy), cpuDx);
            double[] bwd = Compare.values(Compare.cpu(), cpuDx);
            Storage dx = cuda.upload(Compare.uniform(6, inputs(g), 5, 6));
            cuda.pool().avgBackward(g, cuda.upload(dy), dx);
            Compare.close("avgPool2d backward " + g, g.xShape(), bwd, Compare.values(cuda, dx));
        }
    }

    @Test
    void maxPoolIndicesEqualTheCpu() {
        for (PoolGeometry g : GEOMETRIES) {
            float[] x = distinct(7, inputs(g));
            Storage cpuY = Compare.cpu().allocate(DType.F32, outputs(g));
            long[] cpuIdx = new long[outputs(g)];
            Compare.cpu().pool().maxForwardWithIndices(g, Compare.cpu().upload(x), cpuY, cpuIdx);
            Storage y = cuda.allocate(DType.F32, outputs(g));
            long[] idx = new long[outputs(g)];
            cuda.pool().maxForwardWithIndices(g, cuda.upload(x), y, idx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(cpuIdx, idx, "maxPool2d indices " + g);
            Compare.identical("maxPool2d forward with indices " + g, Compare.floats(Compare.cpu(), cpuY),
                    Compare.floats(cuda, y));
        }
    }

    @Test
    void signedZerosAndNanPickTheCpusArgMax() {
        // Window 0 holds -0 before +0, window 1 a NaN after a number: the CPU's order (-0 < +0, NaN above all)
        // picks +0 (index 4) and the NaN (index 3).
        PoolGeometry g = new PoolGeometry(1, 1, 2, 4, 2, 2, 2, 2, 0, 0, false);
        float[] x = {-0f, -3f, 1f, Float.NaN, 0f, -1f, 2f, -5f};
        long[] cpuIdx = new long[2];
        Compare.cpu().pool().maxForwardWithIndices(g, Compare.cpu().upload(x), Compare.cpu().allocate(DType.F32, 2),
                cpuIdx);
        long[] idx = new long[2];
        cuda.pool().maxForwardWithIndices(g, cuda.upload(x), cuda.allocate(DType.F32, 2), idx);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{4, 3}, cpuIdx, "CPU arg-max");
        org.junit.jupiter.api.Assertions.assertArrayEquals(cpuIdx, idx, "CUDA arg-max");
    }

    /**
     * GeM's fused sums (gem_sum_f32, gem_sum_bwd_f32) against the CPU's fused ones (which equal the CPU composite bit
     * for bit): t, the plane sums, dx and q, for planes of 1, 49, 300 and 1000 pixels (block sizes 32 to 256) and
     * activations below, at and above eps. Then the op on CUDA, fused against composite.
     */
    @Test
    void gemSumsAndTheirBackwardMatchTheCpu() {
        double eps = org.lrml.ops.Gem.DEFAULT_EPS;
        int[][] shapes = {{3, 5, 1, 1}, {4, 7, 7, 7}, {2, 3, 15, 20}, {1, 2, 25, 40}};
        for (int[] sh : shapes) {
            int planes = sh[0] * sh[1];
            int hw = sh[2] * sh[3];
            int n = planes * hw;
            float[] x = Compare.uniform(7, n, -0.2, 3);
            for (int i = 0; i < n; i += 5) {
                x[i] = i % 10 == 0 ? (float) eps : 0f;
            }
            float[] ds = Compare.normal(8, planes);
            float[] p = {3.0000002f};
            String what = "gem " + java.util.Arrays.toString(sh);
            Backend cpu = Compare.cpu();
            Storage cpuT = cpu.allocate(DType.F32, n);
            Storage cpuS = cpu.allocate(DType.F32, planes);
            cpu.pool().gemSum(cpu.upload(x), planes, hw, cpu.upload(p), eps, cpuT, cpuS);
            Storage t = cuda.allocate(DType.F32, n);
            Storage sums = cuda.allocate(DType.F32, planes);
            cuda.pool().gemSum(cuda.upload(x), planes, hw, cuda.upload(p), eps, t, sums);
            Compare.close(what + " t", sh, Compare.values(cpu, cpuT), Compare.values(cuda, t));
            Compare.close(what + " sums", new int[]{sh[0], sh[1]}, Compare.values(cpu, cpuS), Compare.values(cuda, sums));

            Storage cpuDx = cpu.allocate(DType.F32, n);
            Storage cpuQ = cpu.allocate(DType.F32, n);
            cpu.pool().gemSumBackward(cpu.upload(x), cpuT, cpu.upload(ds), planes, hw, cpu.upload(p), eps, cpuDx, cpuQ);
            Storage dx = cuda.upload(Compare.uniform(3, n, 5, 6));  // must be overwritten
            Storage q = cuda.upload(Compare.uniform(4, n, 5, 6));
            cuda.pool().gemSumBackward(cuda.upload(x), t, cuda.upload(ds), planes, hw, cuda.upload(p), eps, dx, q);
            Compare.close(what + " dx", sh, Compare.values(cpu, cpuDx), Compare.values(cuda, dx));
            Compare.close(what + " q", sh, Compare.values(cpu, cpuQ), Compare.values(cuda, q));

            // The op on CUDA: fused against its composite definition on the same device.
            double[][] fused = gemOnCuda(x, sh, ds, true);
            double[][] composite = gemOnCuda(x, sh, ds, false);
            Compare.close(what + " op forward, fused vs composite", new int[]{sh[0], sh[1]}, composite[0], fused[0]);
            Compare.close(what + " op dx, fused vs composite", sh, composite[1], fused[1]);
            Compare.close(what + " op dp, fused vs composite", new int[]{1}, composite[2], fused[2]);
        }
    }

    /** GeM of x on CUDA, L = sum(y r): y, dL/dx, dL/dp. */
    private static double[][] gemOnCuda(float[] x, int[] shape, float[] r, boolean fused) {
        org.lrml.tensor.Tensor xt = org.lrml.tensor.Tensor.of(cuda, x, shape).requiresGrad(true);
        org.lrml.tensor.Tensor pt = org.lrml.tensor.Tensor.full(cuda, DType.F32, 3.0000002, 1).requiresGrad(true);
        org.lrml.tensor.Tensor y = fused ? org.lrml.ops.Gem.apply(xt, pt)
                : org.lrml.ops.Gem.composite(xt, pt, org.lrml.ops.Gem.DEFAULT_EPS);
        y.mul(org.lrml.tensor.Tensor.of(cuda, r, shape[0], shape[1])).sum().backward();
        return new double[][]{y.toDoubleArray(), xt.grad().toDoubleArray(), pt.grad().toDoubleArray()};
    }
}
