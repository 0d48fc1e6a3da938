package org.lrml.backend.cpu;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;

/** A Java array: float[] for F32, double[] for F64. Close drops the reference (use after close fails loudly). */
public final class CpuStorage extends Storage {
    private final CpuBackend backend;
    private float[] f;
    private double[] d;
    /** The array came from the backend's pool or allocate(): close hands it back to the pool. */
    private boolean pooled;

    CpuStorage(CpuBackend backend, float[] f) {
        super(DType.F32, f.length);
        this.backend = backend;
        this.f = f;
    }

    CpuStorage(CpuBackend backend, double[] d) {
        super(DType.F64, d.length);
        this.backend = backend;
        this.d = d;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The float array; fails if closed or not F32. */
    public float[] f() {
        if (f == null) {
            throw new IllegalStateException(isClosed() ? "use of a released storage " + this
                    : "expected a float32 storage, got " + this);
        }
        return f;
    }

    /** The double array; fails if closed or not F64. */
    public double[] d() {
        if (d == null) {
            throw new IllegalStateException(isClosed() ? "use of a released storage " + this
                    : "expected a float64 storage, got " + this);
        }
        return d;
    }

    public boolean isF32() {
        return dtype() == DType.F32;
    }

    /** Element i widened to double (slow path for reference code and tests). */
    public double get(long i) {
        return isF32() ? f()[(int) i] : d()[(int) i];
    }

    public void set(long i, double v) {
        if (isF32()) {
            f()[(int) i] = (float) v;
        } else {
            d()[(int) i] = v;
        }
    }

    @Override
    public boolean isClosed() {
        return f == null && d == null;
    }

    /** Marks the array as the backend's own (from allocate), so close returns it to the pool. */
    CpuStorage pooled() {
        pooled = true;
        return this;
    }

    @Override
    public void close() {
        if (pooled) {
            if (f != null) {
                backend.arrays().recycle(f);
            } else if (d != null) {
                backend.arrays().recycle(d);
            }
            pooled = false;
        }
        f = null;
        d = null;
    }

    /** Casts a storage that must belong to the CPU backend; the message says what it got instead. */
    public static CpuStorage of(Storage s) {
        if (s instanceof CpuStorage c) {
            if (c.isClosed()) {
                throw new IllegalStateException("use of a released storage " + s
                        + " (its memory scope closed; keep it with MemoryScope.keep)");
            }
            return c;
        }
        throw new IllegalArgumentException("the CPU backend was given a storage of backend "
                + (s == null ? "null" : s.backend().name()) + "; move the tensor with tensor.to(backend)");
    }
}
