package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;

/**
 * Float32 GEMM fast path: op(B) is packed row-major once per call so the inner loop is a contiguous
 * axpy that the JIT vectorises; rows of C are split across threads (each row written by one thread).
 */
final class CpuGemmFast {
    static String describe() {
        return "row-axpy (auto-vectorised)";
    }

    private CpuGemmFast() {
    }

    static void gemm(GemmSpec s, float[] a, float[] b, float[] c) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        for (int bt = 0; bt < s.batch(); bt++) {
            int ao = (int) (s.aOffset() + bt * s.strideA());
            int bo = (int) (s.bOffset() + bt * s.strideB());
            int co = (int) (s.cOffset() + bt * s.strideC());
            float[] bp;
            int bpo;
            int ldbp;
            if (s.transB()) {
                bp = new float[k * n];
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) {
                        bp[p * n + j] = b[bo + j * s.ldb() + p];
                    }
                }
                bpo = 0;
                ldbp = n;
            } else {
                bp = b;
                bpo = bo;
                ldbp = s.ldb();
            }
            final float[] bb = bp;
            final int bOff = bpo;
            final int ldb = ldbp;
            float alpha = (float) s.alpha();
            double beta = s.beta();
            int rowsPerChunk = Math.max(1, (int) Math.min(m, (1L << 16) / Math.max(1L, (long) n * Math.max(k, 1) / 64)));
            CpuParallel.forRange(m, rowsPerChunk, (from, to) -> {
                float[] acc = new float[n];
                for (int i = from; i < to; i++) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int p = 0; p < k; p++) {
                        float av = s.transA() ? a[ao + p * s.lda() + i] : a[ao + i * s.lda() + p];
                        int br = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            acc[j] += av * bb[br + j];
                        }
                    }
                    int cr = co + i * s.ldc();
                    if (beta == 0) {
                        for (int j = 0; j < n; j++) {
                            c[cr + j] = alpha * acc[j];
                        }
                    } else {
                        float fb = (float) beta;
                        for (int j = 0; j < n; j++) {
                            c[cr + j] = alpha * acc[j] + fb * c[cr + j];
                        }
                    }
                }
            });
        }
    }
}
