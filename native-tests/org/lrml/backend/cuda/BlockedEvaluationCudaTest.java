package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.eval.ApForm;
import org.lrml.eval.BlockedEvaluation;
import org.lrml.eval.DescriptorEval;
import org.lrml.eval.DescriptorRows;
import org.lrml.eval.EvalResult;
import org.lrml.eval.LabelItemRelevance;
import org.lrml.util.Rng;

/**
 * Blocked evaluation with the CUDA backend's similarity product and ranking (lrml eval --blocked --backend cuda)
 * against the CPU's in-memory evaluation. Descriptors take values in {-1, -0.5, 0, 0.5, 1}, so every similarity is
 * exact in float32 whatever the order of summation, the GPU's and the CPU's similarities are equal, and the numbers
 * must be equal exactly: every item kept, and a kept prefix (whose masked-out scores and ties to the lower index
 * the GPU ranking must honour as the CPU's does), with blocks that cut the database unevenly.
 */
@Tag("gpu")
class BlockedEvaluationCudaTest {

    static float[] tied(long seed, int n) {
        float[] v = {-1f, -0.5f, 0f, 0.5f, 1f};
        Rng rng = new Rng(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = v[rng.nextInt(v.length)];
        }
        return f;
    }

    static int[] labels(long seed, int n, int classes) {
        Rng rng = new Rng(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rng.nextInt(classes);
        }
        return l;
    }

    private static EvalResult blocked(Backend backend, float[] q, int n, float[] x, int m, int d, int[] ql, int[] xl,
                                      int keep, int blockRows) throws IOException {
        return BlockedEvaluation.evaluate(q, n, DescriptorRows.of(x, m, d),
                List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD, new LabelItemRelevance(ql, xl,
                        false))), new BlockedEvaluation.Options(keep, blockRows, backend), (a, b) -> { }).get(0);
    }

    @Test
    void theGpuScanGivesTheCpuNumbersExactly() throws IOException {
        Backend cuda = CudaAvailable.assumeCuda();
        int n = 9;
        int m = 500;
        int d = 12;
        float[] q = tied(1, n * d);
        float[] x = tied(2, m * d);
        int[] ql = labels(3, n, 7);
        int[] xl = labels(4, m, 7);
        EvalResult memory = DescriptorEval.evaluate(q, x, ql, xl, d, false);
        EvalResult all = blocked(cuda, q, n, x, m, d, ql, xl, m, 170);
        assertArrayEquals(memory.perQueryAp(), all.perQueryAp());
        assertEquals(memory.map(), all.map(), 0);
        assertArrayEquals(memory.recall(), all.recall(), 0);

        EvalResult cpuPrefix = blocked(Backends.cpu(), q, n, x, m, d, ql, xl, 30, 130);
        EvalResult gpuPrefix = blocked(cuda, q, n, x, m, d, ql, xl, 30, 130);
        assertArrayEquals(cpuPrefix.perQueryAp(), gpuPrefix.perQueryAp());
        assertEquals(cpuPrefix.mapAtR(), gpuPrefix.mapAtR(), 0);
    }
}
