package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Tolerance;

/** The float32 vector path of softmax against the double reference, on every row length around the vector width. */
class CpuSoftmaxTest {

    @Test
    void theVectorPathIsTheOneTested() {
        assertTrue(CpuSoftmax.FAST, "the tests run with jdk.incubator.vector, so the fast path must be active");
    }

    @Test
    void fastRowsMatchTheReference() {
        for (int cols = 1; cols <= 70; cols++) {
            for (boolean log : new boolean[]{false, true}) {
                Tensor x = TestData.randn(cols, DType.F32, 13, cols).mul(5.0);
                float[] xv = x.toFloatArray();
                // Row 3 masked like an attention row, row 5 huge, row 7 holds a NaN.
                for (int j = 0; j < cols; j += 2) {
                    xv[3 * cols + j] = Float.NEGATIVE_INFINITY;
                }
                xv[3 * cols + cols - 1] = 1f;
                for (int j = 0; j < cols; j++) {
                    xv[5 * cols + j] *= 1e4f;
                }
                xv[7 * cols + cols / 2] = Float.NaN;
                compare(Tensor.of(xv, 13, cols), log, "cols " + cols + (log ? " log" : ""));
            }
        }
    }

    @Test
    void inPlaceIsAllowed() {
        Tensor x = TestData.randn(3, DType.F32, 9, 37);
        Tensor expected = Tensor.empty(Backends.cpu(), DType.F32, 9, 37);
        CpuSoftmax.reference(CpuStorage.of(x.storage()), 9, 37, false, CpuStorage.of(expected.storage()));
        CpuSoftmax.softmax(CpuStorage.of(x.storage()), 9, 37, false, CpuStorage.of(x.storage()));
        TestData.assertClose("softmax in place", expected.toDoubleArray(), x);
    }

    private static void compare(Tensor x, boolean log, String what) {
        int rows = x.size(0);
        int cols = x.size(1);
        Tensor fast = Tensor.empty(Backends.cpu(), DType.F32, rows, cols);
        Tensor ref = Tensor.empty(Backends.cpu(), DType.F32, rows, cols);
        CpuSoftmax.softmax(CpuStorage.of(x.storage()), rows, cols, log, CpuStorage.of(fast.storage()));
        CpuSoftmax.reference(CpuStorage.of(x.storage()), rows, cols, log, CpuStorage.of(ref.storage()));
        String msg = Tolerance.F32.compare("softmax fast vs reference " + what, fast.shape(), ref.toDoubleArray(),
                fast.toDoubleArray(), true);
        assertTrue(msg == null, msg);
    }
}
