package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.Storage;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;

/**
 * CUDA graph capture and replay of a steady-state step, on a GPU or on the emulator (which records the captured
 * requests and replays them), and the allocator's reservation of every block a captured step touches.
 */
@Tag("gpu")
class CudaGraphsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    @Test
    void replayRepeatsTheCapturedStep() {
        int n = 5000;
        float[] x0 = Compare.uniform(1, n, 0.5, 1.5);
        Storage x = cuda.upload(x0);
        Storage acc = cuda.upload(new float[n]);
        // The step: acc += exp(x) * x, with an intermediate that lives only inside the step.
        Runnable step = () -> {
            try (MemoryScope scope = MemoryScope.open()) {
                Storage e = cuda.allocate(DType.F32, n);
                cuda.elementwise().unary(UnaryOp.EXP, x, e, 0, 0);
                Storage prod = cuda.allocate(DType.F32, n);
                cuda.elementwise().binary(BinaryOp.MUL, e, new int[]{n}, x, new int[]{n}, prod, new int[]{n});
                cuda.elementwise().axpy(1.0, prod, acc);
            }
        };
        step.run();  // warm-up: fills the allocator's cache
        try (CudaGraph g = CudaGraphs.capture(cuda, step)) {
            for (int i = 0; i < 3; i++) {
                g.replay();
            }
        }
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            float term = (float) ((float) Math.exp(x0[i]) * x0[i]);
            float a = 0;
            for (int k = 0; k < 4; k++) {
                a += term;
            }
            expected[i] = a;
        }
        Compare.close("4 steps through a graph", null, expected, Compare.values(cuda, acc));
    }

    @Test
    void hostTransfersInsideACaptureAreRefusedClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CudaGraphs.capture(cuda, () -> cuda.upload(new float[]{1, 2})));
        assertTrue(e.getMessage().startsWith("CUDA graph capture: upload"), e.getMessage());
        // The backend is usable afterwards.
        Storage s = cuda.upload(new float[]{1, 2});
        Compare.identical("after a failed capture", new float[]{1, 2}, Compare.floats(cuda, s));
    }

    /**
     * A block the step frees inside the capture (here scratch allocated before it) is written again by every replay,
     * so it must not be handed to an allocation made after the capture.
     */
    @Test
    void aBlockFreedInsideTheCaptureStaysWithTheGraph() {
        int n = 3000;
        Storage x = cuda.upload(Compare.uniform(2, n, -1, 1));
        Storage acc = cuda.upload(new float[n]);
        Storage scratch = cuda.allocate(DType.F32, n);
        CudaGraph g = CudaGraphs.capture(cuda, () -> {
            cuda.elementwise().unary(UnaryOp.EXP, x, scratch, 0, 0);
            cuda.elementwise().axpy(1.0, scratch, acc);
            scratch.close();
        });
        try (g) {
            float[] sentinel = Compare.uniform(3, n, 5, 6);
            Storage after = cuda.upload(sentinel);  // same size: the freed scratch block if it were in the cache
            g.replay();
            g.replay();
            Compare.identical("a storage allocated after the capture, after two replays", sentinel,
                    Compare.floats(cuda, after));
        }
    }
}
