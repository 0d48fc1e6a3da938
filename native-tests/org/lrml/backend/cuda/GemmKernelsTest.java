package org.lrml.backend.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.kernels.GemmKernels;

/**
 * kernels/gemm.cu (built-in SGEMM, every version) against the CPU backend: the four transposes, sizes that leave
 * partial tiles, batches with shared operands, offsets, padded leading dimensions (aligned and not, so both the
 * float4 and the scalar load paths run), alpha and beta, k = 0.
 */
@Tag("gpu")
class GemmKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    @AfterEach
    void defaultVersion() {
        if (cuda instanceof CudaBackend b) {
            b.context().useVersion(GemmKernels.SGEMM, null);
        }
    }

    private static void check(String what, GemmSpec s) {
        long lenA = s.aOffset() + (long) (s.batch() - 1) * s.strideA() + (long) Math.max(1, s.transA() ? s.k() : s.m()) * s.lda() + 3;
        long lenB = s.bOffset() + (long) (s.batch() - 1) * s.strideB() + (long) Math.max(1, s.transB() ? s.n() : s.k()) * s.ldb() + 3;
        long lenC = s.cOffset() + (long) (s.batch() - 1) * s.strideC() + (long) s.m() * s.ldc() + 3;
        float[] a = Compare.normal(1, (int) lenA);
        float[] b = Compare.normal(2, (int) lenB);
        float[] c = Compare.normal(3, (int) lenC);
        double[] expected = run(Compare.cpu(), s, a, b, c);
        double[] actual = run(cuda, s, a, b, c);
        Compare.close(what + " " + s, null, expected, actual);
    }

    private static double[] run(Backend be, GemmSpec s, float[] a, float[] b, float[] c) {
        Storage cs = be.upload(c);
        Builtin.gemm(be).gemm(s, be.upload(a), be.upload(b), cs);
        return Compare.values(be, cs);
    }

    @ParameterizedTest(name = "sgemm_f32_v{0}")
    @ValueSource(ints = {1, 2})
    void everyVersionMatchesTheCpu(int version) {
        ((CudaBackend) cuda).context().useVersion(GemmKernels.SGEMM, version);
        int[][] sizes = {{131, 67, 259}, {128, 128, 64}, {1, 300, 17}, {257, 1, 33}, {5, 7, 1}, {200, 130, 8}};
        for (int[] mnk : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                check("plain", GemmSpec.of(ta, tb, mnk[0], mnk[1], mnk[2]));
            }
        }
        // batched, shared A, alpha/beta, padded and unaligned leading dimensions, offsets
        check("batched shared B", GemmSpec.batched(5, false, true, 33, 65, 47, false, true));
        check("batched shared A", GemmSpec.batched(4, true, false, 70, 20, 9, true, false));
        check("alpha beta", GemmSpec.of(false, false, 37, 141, 29).withAlphaBeta(-0.5, 1.25));
        check("ld + offsets, aligned", new GemmSpec(3, false, false, 45, 66, 36, 0.75, 8, 40, 45 * 40, 4, 68, 36 * 68,
                0.5, 12, 72, 45 * 72));
        check("ld + offsets, unaligned", new GemmSpec(2, true, true, 45, 66, 37, 1.0, 3, 47, 37 * 47, 1, 39, 66 * 39,
                0.0, 5, 67, 45 * 67));
        check("k = 0 scales C", new GemmSpec(1, false, false, 17, 19, 0, 1.0, 0, 1, 0, 0, 19, 0, 2.0, 0, 19, 0));
    }

    /**
     * Batches whose C regions overlap (a batch stride of C smaller than one matrix; 0 sums a batch into one C) must
     * behave as the batches applied one after the other, as GemmSpec defines them: on a GPU the z-blocks of one
     * launch would read-modify-write the same C side by side. The emulator runs blocks in a shuffled order, so a
     * launcher that relies on block order fails here too.
     */
    @Test
    void batchesWritingTheSameCRunInOrder() {
        int m = 37;
        int n = 45;
        int k = 19;
        // beta 1, stride 0: C += sum_b A_b B_b (the gradient of a shared weight).
        check("stride C 0, beta 1", new GemmSpec(6, false, false, m, n, k, 1.0, 0, k, (long) m * k, 0, n, (long) k * n,
                1.0, 0, n, 0));
        // beta 0, stride 0: the last batch wins.
        check("stride C 0, beta 0", new GemmSpec(6, false, true, m, n, k, 1.0, 0, k, (long) m * k, 0, k, (long) n * k,
                0.0, 0, n, 0));
        // C regions that overlap by half a matrix.
        check("stride C half a matrix", new GemmSpec(5, true, false, m, n, k, 0.5, 0, m, (long) m * k, 0, n, (long) k * n,
                1.0, 0, n, (long) (m / 2) * n));
    }
}
