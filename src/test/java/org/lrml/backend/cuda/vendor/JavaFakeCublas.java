package org.lrml.backend.cuda.vendor;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.cuda.Buf;

/**
 * An in-process cuBLAS stand-in: "device memory" is Java arrays at made-up addresses (4 GiB apart), and sgemm is a
 * straight column-major loop in double with cuBLAS's argument checks. Records each call, so tests see which cuBLAS
 * entry point the provider chose and with what.
 */
final class JavaFakeCublas implements CublasSession {
    private final List<float[]> arrays = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    boolean closed;

    Buf upload(float[] values) {
        arrays.add(values.clone());
        return new Buf((long) arrays.size() << 32, values.length);
    }

    float[] download(Buf b) {
        return arrays.get((int) (b.address() >>> 32) - 1).clone();
    }

    /** The array and element index an address points at. */
    private float[] array(long address) {
        return arrays.get((int) (address >>> 32) - 1);
    }

    private static int index(long address) {
        long byteOffset = address & 0xffffffffL;
        if (byteOffset % 4 != 0) {
            throw new AssertionError("misaligned float address " + Long.toHexString(address));
        }
        return (int) (byteOffset / 4);
    }

    @Override
    public void sgemm(int ta, int tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta,
                      long c, int ldc) {
        calls.add("sgemm " + (ta == 0 ? "N" : "T") + (tb == 0 ? "N" : "T") + " " + m + "x" + n + "x" + k);
        gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void sgemmStridedBatched(int ta, int tb, int m, int n, int k, float alpha, long a, int lda, long strideA,
                                    long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        calls.add("sgemmStridedBatched " + (ta == 0 ? "N" : "T") + (tb == 0 ? "N" : "T") + " " + m + "x" + n + "x" + k
                + " batch " + batch);
        for (int i = 0; i < batch; i++) {
            gemm(ta, tb, m, n, k, alpha, a + 4 * i * strideA, lda, b + 4 * i * strideB, ldb, beta, c + 4 * i * strideC,
                    ldc);
        }
    }

    private void gemm(int ta, int tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta,
                      long c, int ldc) {
        if (lda < Math.max(1, ta != 0 ? k : m) || ldb < Math.max(1, tb != 0 ? n : k) || ldc < Math.max(1, m)) {
            throw new VendorException("CUBLAS_STATUS_INVALID_VALUE: lda " + lda + " ldb " + ldb + " ldc " + ldc, 7);
        }
        float[] A = array(a);
        float[] B = array(b);
        float[] C = array(c);
        int a0 = index(a);
        int b0 = index(b);
        int c0 = index(c);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    double av = ta != 0 ? A[a0 + l + i * lda] : A[a0 + i + l * lda];
                    double bv = tb != 0 ? B[b0 + j + l * ldb] : B[b0 + l + j * ldb];
                    acc += av * bv;
                }
                int at = c0 + i + j * ldc;
                C[at] = beta == 0 ? (float) (alpha * acc) : (float) (alpha * acc + (double) beta * C[at]);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
