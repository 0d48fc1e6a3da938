package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrml.backend.Backends;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.cpu.CpuGemm;
import org.lrml.backend.cpu.CpuStorage;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** Matrix products against a triple loop, and the fast GEMM against the reference GEMM. */
class MatMulForwardTest {

    private static double[] naive(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "33,17,65", "129,67,31", "3,300,2"})
    void matmulMatchesTripleLoop(int m, int k, int n) {
        for (DType dt : DType.values()) {
            Tensor a = TestData.randn(1, dt, m, k);
            Tensor b = TestData.randn(2, dt, k, n);
            TestData.assertClose("matmul " + m + "x" + k + "x" + n + " " + dt,
                    naive(a.toDoubleArray(), b.toDoubleArray(), m, k, n), a.matmul(b));
        }
    }

    @Test
    void batchedAndSharedOperands() {
        Tensor a = TestData.randn(3, DType.F64, 2, 4, 3);
        Tensor b = TestData.randn(4, DType.F64, 2, 3, 5);
        double[] av = a.toDoubleArray();
        double[] bv = b.toDoubleArray();
        Tensor y = a.matmul(b);
        assertArrayEquals(new int[]{2, 4, 5}, y.shape());
        double[] yv = y.toDoubleArray();
        for (int t = 0; t < 2; t++) {
            double[] ref = naive(java.util.Arrays.copyOfRange(av, t * 12, t * 12 + 12),
                    java.util.Arrays.copyOfRange(bv, t * 15, t * 15 + 15), 4, 3, 5);
            TestData.assertClose("batch " + t, ref, java.util.Arrays.copyOfRange(yv, t * 20, t * 20 + 20),
                    org.lrml.util.Tolerance.F64);
        }
        Tensor shared = TestData.randn(5, DType.F64, 3, 5);
        Tensor ys = a.matmul(shared);
        double[] ref1 = naive(java.util.Arrays.copyOfRange(av, 12, 24), shared.toDoubleArray(), 4, 3, 5);
        TestData.assertClose("shared B, batch 1", ref1, java.util.Arrays.copyOfRange(ys.toDoubleArray(), 20, 40),
                org.lrml.util.Tolerance.F64);
    }

    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void fastGemmMatchesReferenceWithTransposesAlphaBeta(boolean ta, boolean tb) {
        int m = 37;
        int n = 71;
        int k = 129;
        float[] a = toF(TestData.normal(1, m * k));
        float[] b = toF(TestData.normal(2, k * n));
        float[] c0 = toF(TestData.normal(3, m * n));
        GemmSpec s = new GemmSpec(1, ta, tb, m, n, k, 0.75, 0, ta ? m : k, 0, 0, tb ? k : n, 0, 0.5, 0, n, 0);
        Tensor fa = Tensor.of(a, a.length);
        Tensor fb = Tensor.of(b, b.length);
        Tensor fast = Tensor.of(c0, c0.length);
        Backends.cpu().gemm().gemm(s, fa.storage(), fb.storage(), fast.storage());
        Tensor ref = Tensor.of(c0, c0.length).to(DType.F64);
        CpuGemm.reference(s, (CpuStorage) fa.to(DType.F64).storage(), (CpuStorage) fb.to(DType.F64).storage(),
                (CpuStorage) ref.storage());
        TestData.assertClose("gemm ta=" + ta + " tb=" + tb, ref.toDoubleArray(), fast);
    }

    private static float[] toF(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void innerDimensionMismatchNamesShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 2]"), e.getMessage());
    }
}
