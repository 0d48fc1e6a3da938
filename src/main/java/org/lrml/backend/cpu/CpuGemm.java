package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Gemm;

/**
 * GEMM on the CPU. {@link #reference} is the specification: straight loops, double accumulation.
 * {@link #gemm} dispatches float32 to the fast path and float64 to the reference.
 */
public final class CpuGemm implements Gemm {
    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuGemm INSTANCE = new CpuGemm();

    private CpuGemm() {
    }

    @Override
    public void gemm(GemmSpec spec, Storage a, Storage b, Storage c) {
        gemm(spec, CpuStorage.of(a), CpuStorage.of(b), CpuStorage.of(c));
    }

    static void gemm(GemmSpec s, CpuStorage a, CpuStorage b, CpuStorage c) {
        check(s, a, b, c);
        if (c.isF32()) {
            CpuGemmFast.gemm(s, a.f(), b.f(), c.f());
        } else {
            reference(s, a, b, c);
        }
    }

    /** Straight triple loop in double (either dtype); the specification the fast paths are tested against. */
    public static void reference(GemmSpec s, CpuStorage a, CpuStorage b, CpuStorage c) {
        check(s, a, b, c);
        for (int bt = 0; bt < s.batch(); bt++) {
            long ao = s.aOffset() + bt * s.strideA();
            long bo = s.bOffset() + bt * s.strideB();
            long co = s.cOffset() + bt * s.strideC();
            for (int i = 0; i < s.m(); i++) {
                for (int j = 0; j < s.n(); j++) {
                    double acc = 0;
                    for (int p = 0; p < s.k(); p++) {
                        double av = a.get(ao + (s.transA() ? (long) p * s.lda() + i : (long) i * s.lda() + p));
                        double bv = b.get(bo + (s.transB() ? (long) j * s.ldb() + p : (long) p * s.ldb() + j));
                        acc += av * bv;
                    }
                    long ci = co + (long) i * s.ldc() + j;
                    double prev = s.beta() == 0 ? 0 : s.beta() * c.get(ci);
                    c.set(ci, s.alpha() * acc + prev);
                }
            }
        }
    }

    static void check(GemmSpec s, CpuStorage a, CpuStorage b, CpuStorage c) {
        if (a.dtype() != c.dtype() || b.dtype() != c.dtype()) {
            throw new IllegalArgumentException("gemm: dtypes differ: " + a + ", " + b + " -> " + c);
        }
        long lastA = s.aOffset() + (s.batch() - 1) * s.strideA()
                + (s.transA() ? (long) Math.max(s.k() - 1, 0) * s.lda() + s.m() : (long) Math.max(s.m() - 1, 0) * s.lda() + s.k());
        long lastB = s.bOffset() + (s.batch() - 1) * s.strideB()
                + (s.transB() ? (long) Math.max(s.n() - 1, 0) * s.ldb() + s.k() : (long) Math.max(s.k() - 1, 0) * s.ldb() + s.n());
        long lastC = s.cOffset() + (s.batch() - 1) * s.strideC() + (long) Math.max(s.m() - 1, 0) * s.ldc() + s.n();
        if (lastA > a.length() || lastB > b.length() || lastC > c.length()) {
            throw new IllegalArgumentException("gemm: operands too small for " + s + " (A " + a.length() + ", B "
                    + b.length() + ", C " + c.length() + " elements)");
        }
    }
}
