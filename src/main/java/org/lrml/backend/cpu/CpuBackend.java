package org.lrml.backend.cpu;

import org.lrml.backend.Allocations;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Batchnorm;
import org.lrml.backend.family.Conv;
import org.lrml.backend.family.Dropout;
import org.lrml.backend.family.Elementwise;
import org.lrml.backend.family.Gemm;
import org.lrml.backend.family.Layout;
import org.lrml.backend.family.Optim;
import org.lrml.backend.family.Pool;
import org.lrml.backend.family.Ranking;
import org.lrml.backend.family.Reduce;
import org.lrml.backend.family.Similarity;
import org.lrml.backend.family.Softmax;
import org.lrml.backend.family.TupleLoss;
import org.lrml.backend.DType;
import org.lrml.backend.FamilyCalls;

/**
 * The pure-Java backend: the executable specification of every primitive, with fast float32 paths for
 * the hot ones. Each op family is its own class implementing the family interface (CpuElementwise, CpuGemm,
 * CpuConv, ...); this class owns memory and hands the families out.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();
    private final CpuArrayPool arrays = new CpuArrayPool();

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
        CpuStorage s = (dtype == DType.F32 ? new CpuStorage(this, arrays.floats(n)) : new CpuStorage(this, arrays.doubles(n)))
                .pooled();
        Allocations.created(s);
        return s;
    }

    /** The arrays of closed storages, reused by {@link #allocate}. */
    CpuArrayPool arrays() {
        return arrays;
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

    // ---------------------------------------------------------------- op families: one class each, stateless

    @Override
    public Elementwise elementwise() {
        return FamilyCalls.observed(this, Elementwise.class, CpuElementwise.INSTANCE);
    }

    @Override
    public Reduce reduce() {
        return FamilyCalls.observed(this, Reduce.class, CpuReduce.INSTANCE);
    }

    @Override
    public Layout layout() {
        return FamilyCalls.observed(this, Layout.class, CpuLayout.INSTANCE);
    }

    @Override
    public Gemm gemm() {
        return FamilyCalls.observed(this, Gemm.class, CpuGemm.INSTANCE);
    }

    @Override
    public Conv conv() {
        return FamilyCalls.observed(this, Conv.class, CpuConv.INSTANCE);
    }

    @Override
    public Pool pool() {
        return FamilyCalls.observed(this, Pool.class, CpuPool.INSTANCE);
    }

    @Override
    public Batchnorm batchnorm() {
        return FamilyCalls.observed(this, Batchnorm.class, CpuBatchNorm.INSTANCE);
    }

    @Override
    public Softmax softmax() {
        return FamilyCalls.observed(this, Softmax.class, CpuSoftmax.INSTANCE);
    }

    @Override
    public Dropout dropout() {
        return FamilyCalls.observed(this, Dropout.class, CpuDropout.INSTANCE);
    }

    @Override
    public Similarity similarity() {
        return FamilyCalls.observed(this, Similarity.class, CpuSimilarity.INSTANCE);
    }

    @Override
    public Ranking ranking() {
        return FamilyCalls.observed(this, Ranking.class, CpuRanking.INSTANCE);
    }

    @Override
    public TupleLoss tupleLoss() {
        return FamilyCalls.observed(this, TupleLoss.class, CpuTupleLoss.INSTANCE);
    }

    @Override
    public Optim optim() {
        return FamilyCalls.observed(this, Optim.class, CpuOptim.INSTANCE);
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
