package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.GemmSpec;
import org.lrml.testutil.TestData;
import org.lrml.util.Tolerance;

/**
 * The packed GEMM against {@link CpuGemm#reference} (double accumulation) over shapes that cross every
 * blocking boundary (MR, NR, KC, MC, NC), and its contract: results that do not depend on threads,
 * row or column partitions, or on which kernel (vector or scalar) runs.
 */
class CpuGemmFastTest {
    private static final int MR = CpuGemmFast.MR;
    private static final int NR = CpuGemmFast.NR;
    private static final int KC = CpuGemmFast.KC;

    static float[] floats(long seed, int n) {
        double[] d = TestData.uniform(seed, n, -1, 1);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static CpuStorage f64(float[] f) {
        return new CpuStorage(CpuBackend.INSTANCE, widen(f));
    }

    /** Buffer lengths that hold every operand the spec addresses. */
    private static int[] lengths(GemmSpec s) {
        long a = s.aOffset() + (s.batch() - 1) * s.strideA() + (long) ((s.transA() ? s.k() : s.m()) - 1) * s.lda()
                + (s.transA() ? s.m() : s.k());
        long b = s.bOffset() + (s.batch() - 1) * s.strideB() + (long) ((s.transB() ? s.n() : s.k()) - 1) * s.ldb()
                + (s.transB() ? s.k() : s.n());
        long c = s.cOffset() + (s.batch() - 1) * s.strideC() + (long) (s.m() - 1) * s.ldc() + s.n();
        return new int[]{(int) a, (int) b, (int) c};
    }

    /** Runs the fast path on copies and compares with the reference under the float32 tolerance rule. */
    private static float[] checkAgainstReference(String what, GemmSpec s, long seed) {
        int[] len = lengths(s);
        float[] a = floats(seed, len[0]);
        float[] b = floats(seed + 1, len[1]);
        float[] c0 = floats(seed + 2, len[2]);
        float[] c = c0.clone();
        CpuGemmFast.gemm(s, a, b, c);
        CpuStorage ref = f64(c0);
        CpuGemm.reference(s, f64(a), f64(b), ref);
        Tolerance.F32.check(what + " " + s, new int[]{len[2]}, ref.d(), widen(c));
        return c;
    }

    static Stream<Arguments> shapes() {
        int[][] mnk = {
                {1, 1, 1}, {7, 5, 3}, {MR, NR, 1}, {MR + 1, NR + 1, KC + 1}, {MR - 1, NR - 1, KC - 1},
                {65, 257, 513}, {127, 300, 31}, {1, 1000, 3}, {200, 1, 260}, {3, 3, 777}, {96, 96, 96}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapes")
    void matchesReferenceOnEveryBlockingEdge(int m, int n, int k, boolean ta, boolean tb) {
        GemmSpec s = GemmSpec.of(ta, tb, m, n, k);
        checkAgainstReference("plain", s, 11);
        checkAgainstReference("alpha/beta", new GemmSpec(1, ta, tb, m, n, k, 0.75, 0, ta ? m : k, 0, 0, tb ? k : n, 0,
                -0.5, 0, n, 0), 12);
    }

    @Test
    void batchesOffsetsStridesAndLeadingDimensions() {
        int m = 13;
        int n = 45;
        int k = 270;
        // Padded rows (ld > width), offsets, and per-batch strides larger than one matrix.
        checkAgainstReference("batched, padded", new GemmSpec(3, false, true, m, n, k, 1.5, 7, k + 3, (long) m * (k + 3) + 5,
                11, k + 2, (long) n * (k + 2) + 1, 0.25, 3, n + 4, (long) m * (n + 4) + 2), 21);
        checkAgainstReference("batched, transposed A", new GemmSpec(2, true, false, m, n, k, -1, 0, m + 1,
                (long) k * (m + 1), 0, n, (long) k * n, 0, 0, n, (long) m * n), 22);
        // Stride 0 shares one operand across the batch.
        checkAgainstReference("shared B", new GemmSpec(4, false, false, m, n, k, 1, 0, k, (long) m * k, 0, n, 0, 0, 0, n,
                (long) m * n), 23);
        // Many small products take the one-product-per-task path.
        checkAgainstReference("many small", GemmSpec.batched(40, false, true, 20, 33, 70, false, true), 24);
    }

    @Test
    void betaZeroIgnoresNanAndEmptyKScalesC() {
        GemmSpec s = GemmSpec.of(false, false, 9, 40, 17);
        float[] a = floats(1, 9 * 17);
        float[] b = floats(2, 17 * 40);
        float[] c = new float[9 * 40];
        java.util.Arrays.fill(c, Float.NaN);
        CpuGemmFast.gemm(s, a, b, c);
        for (float v : c) {
            assertTrue(Float.isFinite(v), "beta = 0 must overwrite C, NaN leaked through");
        }
        float[] c2 = floats(3, 6);
        float[] expect = c2.clone();
        for (int i = 0; i < expect.length; i++) {
            expect[i] = 0.5f * expect[i];
        }
        CpuGemmFast.gemm(new GemmSpec(1, false, false, 2, 3, 0, 1, 0, 0, 0, 0, 3, 0, 0.5, 0, 3, 0),
                new float[0], new float[0], c2);
        assertArrayEquals(expect, c2);
    }

    /** C of a full product, computed with the given kernel and threading. */
    private static float[] product(GemmSpec s, float[] a, float[] b, boolean vector, boolean threads) {
        float[] c = new float[s.m() * s.ldc()];
        CpuGemmFast.gemm(s, a, b, c, vector, threads);
        return c;
    }

    @Test
    void resultDoesNotDependOnThreadsPartitionsOrKernel() {
        int m = 150;
        int n = 333;
        int k = 700;
        float[] a = floats(31, m * k);
        float[] bt = floats(32, n * k);
        // Q G^T as the similarity search computes it: B stored transposed.
        GemmSpec full = GemmSpec.of(false, true, m, n, k);
        float[] ref = product(full, a, bt, CpuGemmFast.vectorActive(), true);
        assertArrayEquals(ref, product(full, a, bt, CpuGemmFast.vectorActive(), false), "threads changed bits");
        assertArrayEquals(ref, product(full, a, bt, false, true), "the scalar kernel differs from the vector one");

        // Column blocks of G (odd widths, not multiples of NR) written into their place in C.
        float[] blocked = new float[m * n];
        int[] cuts = {0, 1, 40, 41, 200, 333};
        for (int i = 0; i + 1 < cuts.length; i++) {
            int j0 = cuts[i];
            int w = cuts[i + 1] - j0;
            GemmSpec blk = new GemmSpec(1, false, true, m, w, k, 1, 0, k, 0, (long) j0 * k, k, 0, 0, j0, n, 0);
            CpuGemmFast.gemm(blk, a, bt, blocked);
        }
        assertArrayEquals(ref, blocked, "a column-blocked product differs from the full one");

        // Row blocks (a partition of the queries).
        float[] rows = new float[m * n];
        int[] rcuts = {0, 3, 77, 150};
        for (int i = 0; i + 1 < rcuts.length; i++) {
            int i0 = rcuts[i];
            GemmSpec blk = new GemmSpec(1, false, true, rcuts[i + 1] - i0, n, k, 1, (long) i0 * k, k, 0, 0, k, 0, 0,
                    (long) i0 * n, n, 0);
            CpuGemmFast.gemm(blk, a, bt, rows);
        }
        assertArrayEquals(ref, rows, "a row-blocked product differs from the full one");
    }

    @Test
    void describeNamesTheActivePath() {
        String d = CpuGemmFast.describe();
        assertTrue(d.contains(CpuGemmFast.vectorActive() ? "Vector API" : "scalar"), d);
        assertEquals(CpuGemmFast.vectorActive(), d.contains("Vector API"), d);
    }
}
