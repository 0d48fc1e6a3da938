package org.lrml.backend.cpu;

import java.util.List;

import org.lrml.backend.Allocations;
import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.PoolGeometry;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.Storage;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.LossSpec;
import org.lrml.backend.DType;

/**
 * The pure-Java backend: the executable specification of every primitive, with fast float32 paths for
 * the hot ones. Each family lives in its own class (CpuElementwise, CpuGemm, CpuConv, ...); this class
 * only owns memory and dispatch.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: " + CpuParallel.THREADS + " threads, " + System.getProperty("os.arch") + ", Java "
                + Runtime.version() + ", GEMM " + CpuGemmFast.describe() + ", softmax " + CpuSoftmax.describe();
    }

    @Override
    public boolean supports(DType dtype) {
        return true;
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(DType dtype, long length) {
        int n = checkLength(length);
        CpuStorage s = dtype == DType.F32 ? new CpuStorage(this, new float[n]) : new CpuStorage(this, new double[n]);
        Allocations.created(s);
        return s;
    }

    private static int checkLength(long length) {
        if (length < 0 || length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the CPU backend holds at most " + (Integer.MAX_VALUE - 16)
                    + " elements per tensor, asked for " + length);
        }
        return (int) length;
    }

    @Override
    public Storage upload(float[] data) {
        CpuStorage s = new CpuStorage(this, data.clone());
        Allocations.created(s);
        return s;
    }

    @Override
    public Storage upload(double[] data) {
        CpuStorage s = new CpuStorage(this, data.clone());
        Allocations.created(s);
        return s;
    }

    @Override
    public void download(Storage src, float[] dst) {
        CpuStorage s = CpuStorage.of(src);
        requireLength(s, dst.length);
        if (s.isF32()) {
            System.arraycopy(s.f(), 0, dst, 0, dst.length);
        } else {
            double[] d = s.d();
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (float) d[i];
            }
        }
    }

    @Override
    public void download(Storage src, double[] dst) {
        CpuStorage s = CpuStorage.of(src);
        requireLength(s, dst.length);
        if (s.isF32()) {
            float[] f = s.f();
            for (int i = 0; i < dst.length; i++) {
                dst[i] = f[i];
            }
        } else {
            System.arraycopy(s.d(), 0, dst, 0, dst.length);
        }
    }

    private static void requireLength(CpuStorage s, int n) {
        if (s.length() != n) {
            throw new IllegalArgumentException("download: " + s + " into an array of " + n);
        }
    }

    @Override
    public void fill(Storage dst, double value) {
        CpuStorage s = CpuStorage.of(dst);
        if (s.isF32()) {
            java.util.Arrays.fill(s.f(), (float) value);
        } else {
            java.util.Arrays.fill(s.d(), value);
        }
    }

    @Override
    public void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long length) {
        CpuStorage s = CpuStorage.of(src);
        CpuStorage d = CpuStorage.of(dst);
        if (s.dtype() != d.dtype()) {
            throw new IllegalArgumentException("copy: dtypes differ " + s + " -> " + d);
        }
        if (srcOffset < 0 || dstOffset < 0 || srcOffset + length > s.length() || dstOffset + length > d.length()) {
            throw new IndexOutOfBoundsException("copy of " + length + " elements from " + s + "@" + srcOffset
                    + " to " + d + "@" + dstOffset);
        }
        System.arraycopy(s.isF32() ? s.f() : s.d(), (int) srcOffset, d.isF32() ? d.f() : d.d(), (int) dstOffset,
                (int) length);
    }

    @Override
    public void convert(Storage src, Storage dst) {
        CpuStorage s = CpuStorage.of(src);
        CpuStorage d = CpuStorage.of(dst);
        if (s.length() != d.length()) {
            throw new IllegalArgumentException("convert: lengths differ " + s + " -> " + d);
        }
        if (d.isF32()) {
            download(s, d.f());
        } else {
            download(s, d.d());
        }
    }

    @Override
    public void synchronize() {
    }

    // ---------------------------------------------------------------- elementwise, reductions, layout

    @Override
    public void unary(UnaryOp op, Storage x, Storage y, double p0, double p1) {
        CpuElementwise.unary(op, CpuStorage.of(x), CpuStorage.of(y), p0, p1);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        CpuElementwise.binary(op, CpuStorage.of(a), aShape, CpuStorage.of(b), bShape, CpuStorage.of(out), outShape);
    }

    @Override
    public void axpy(double alpha, Storage x, Storage y) {
        CpuElementwise.axpy(alpha, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] shape, boolean[] axes, Storage out) {
        CpuReduce.reduce(op, CpuStorage.of(x), shape, axes, CpuStorage.of(out));
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, int[] srcStrides, Storage dst, long dstOffset,
                            int[] dstStrides, int[] shape) {
        CpuLayout.copyStrided(CpuStorage.of(src), srcOffset, srcStrides, CpuStorage.of(dst), dstOffset, dstStrides, shape);
    }

    @Override
    public void gatherRows(Storage src, int rowLength, int[] rows, Storage dst) {
        CpuLayout.gatherRows(CpuStorage.of(src), rowLength, rows, CpuStorage.of(dst));
    }

    @Override
    public void scatterAddRows(Storage src, int rowLength, int[] rows, Storage dst) {
        CpuLayout.scatterAddRows(CpuStorage.of(src), rowLength, rows, CpuStorage.of(dst));
    }

    @Override
    public void gemm(GemmSpec spec, Storage a, Storage b, Storage c) {
        CpuGemm.gemm(spec, CpuStorage.of(a), CpuStorage.of(b), CpuStorage.of(c));
    }

    // ---------------------------------------------------------------- convolution, pooling, batch norm

    @Override
    public void conv2dForward(ConvGeometry g, Storage x, Storage w, Storage y) {
        CpuConv.forward(g, CpuStorage.of(x), CpuStorage.of(w), CpuStorage.of(y));
    }

    @Override
    public void conv2dBackwardData(ConvGeometry g, Storage dy, Storage w, Storage dx) {
        CpuConv.backwardData(g, CpuStorage.of(dy), CpuStorage.of(w), CpuStorage.of(dx));
    }

    @Override
    public void conv2dBackwardFilter(ConvGeometry g, Storage x, Storage dy, Storage dw) {
        CpuConv.backwardFilter(g, CpuStorage.of(x), CpuStorage.of(dy), CpuStorage.of(dw));
    }

    @Override
    public void maxPool2dForward(PoolGeometry g, Storage x, Storage y) {
        CpuPool.maxForward(g, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void maxPool2dBackward(PoolGeometry g, Storage x, Storage dy, Storage dx) {
        CpuPool.maxBackward(g, CpuStorage.of(x), CpuStorage.of(dy), CpuStorage.of(dx));
    }

    @Override
    public void avgPool2dForward(PoolGeometry g, Storage x, Storage y) {
        CpuPool.avgForward(g, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override
    public void avgPool2dBackward(PoolGeometry g, Storage dy, Storage dx) {
        CpuPool.avgBackward(g, CpuStorage.of(dy), CpuStorage.of(dx));
    }

    @Override
    public void batchNormStats(Storage x, int n, int c, int s, Storage mean, Storage var) {
        CpuBatchNorm.stats(CpuStorage.of(x), n, c, s, CpuStorage.of(mean), CpuStorage.of(var));
    }

    @Override
    public void channelAffine(Storage x, int n, int c, int s, Storage scale, Storage shift, Storage y) {
        CpuBatchNorm.channelAffine(CpuStorage.of(x), n, c, s, CpuStorage.of(scale), CpuStorage.of(shift),
                CpuStorage.of(y));
    }

    @Override
    public void batchNormBackwardReduce(Storage dy, Storage x, Storage mean, Storage invStd, int n, int c, int s,
                                        Storage sumDy, Storage sumDyXhat) {
        CpuBatchNorm.backwardReduce(CpuStorage.of(dy), CpuStorage.of(x), CpuStorage.of(mean), CpuStorage.of(invStd),
                n, c, s, CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat));
    }

    @Override
    public void batchNormBackwardInput(Storage dy, Storage x, Storage mean, Storage invStd, Storage gamma,
                                       Storage sumDy, Storage sumDyXhat, int n, int c, int s, Storage dx) {
        CpuBatchNorm.backwardInput(CpuStorage.of(dy), CpuStorage.of(x), CpuStorage.of(mean), CpuStorage.of(invStd),
                CpuStorage.of(gamma), CpuStorage.of(sumDy), CpuStorage.of(sumDyXhat), n, c, s, CpuStorage.of(dx));
    }

    // ---------------------------------------------------------------- softmax, dropout

    @Override
    public void softmax(Storage x, int rows, int cols, boolean log, Storage y) {
        CpuSoftmax.softmax(CpuStorage.of(x), rows, cols, log, CpuStorage.of(y));
    }

    @Override
    public void dropoutMask(long seed, double p, Storage mask) {
        CpuDropout.mask(seed, p, CpuStorage.of(mask));
    }

    // ---------------------------------------------------------------- LRML core

    @Override
    public RankResult rank(RankSpec spec, Storage scores) {
        return CpuRanking.rank(spec, CpuStorage.of(scores));
    }

    @Override
    public RankResult similarityRank(RankSpec spec, Storage q, Storage g, int d) {
        return CpuRanking.similarityRank(spec, CpuStorage.of(q), CpuStorage.of(g), d);
    }

    @Override
    public double tupleLoss(LossSpec spec, Storage x, int n, int d, int[] tuples, int m, int k, Storage dx) {
        return CpuTupleLoss.lossAndGrad(spec, CpuStorage.of(x), n, d, tuples, m, k,
                dx == null ? null : CpuStorage.of(dx));
    }

    // ---------------------------------------------------------------- optimisers

    @Override
    public void sgdStep(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd,
                        double momentum, double dampening, boolean nesterov, boolean firstStep) {
        CpuOptim.sgd(params, grads, velocities, lr, wd, momentum, dampening, nesterov, firstStep);
    }

    @Override
    public void adamStep(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v, double[] lr,
                         double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t) {
        CpuOptim.adam(params, grads, m, v, lr, wd, beta1, beta2, eps, decoupled, t);
    }

    @Override
    public void close() {
        // Nothing to release: arrays belong to the garbage collector.
    }

    @Override
    public String toString() {
        return "cpu";
    }
}
