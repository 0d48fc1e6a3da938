package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Tolerance;

/**
 * The float32 vector path of softmax against the double reference, on every row length around the vector width;
 * the (outer, axis, inner) form against the row reference on a transposed copy.
 */
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

    @Test
    void theAxisFormIsTheRowReferenceOfTheTransposedTensorBitForBit() {
        // inner 300 spans two column blocks of a unit of work; rows masked with -inf, one NaN, huge values.
        int outer = 3;
        int axis = 7;
        int inner = 300;
        for (DType dt : DType.values()) {
            Tensor x = TestData.randn(21, dt, outer, axis, inner).mul(4.0);
            double[] v = x.toDoubleArray();
            for (int a = 0; a < axis - 1; a++) {
                v[(axis + a) * inner + 5] = Double.NEGATIVE_INFINITY;
            }
            v[(2 * axis + 3) * inner + 299] = Double.NaN;
            for (int a = 0; a < axis; a++) {
                v[a * inner + 260] *= 1e4;
            }
            x = Tensor.fromDoubles(Backends.cpu(), dt, v, outer, axis, inner);
            Tensor rows = x.permute(0, 2, 1).copy();
            for (boolean log : new boolean[]{false, true}) {
                Tensor byRows = Tensor.empty(Backends.cpu(), dt, outer, inner, axis);
                CpuSoftmax.reference(CpuStorage.of(rows.storage()), outer * inner, axis, log,
                        CpuStorage.of(byRows.storage()));
                Tensor byAxis = Tensor.empty(Backends.cpu(), dt, outer, axis, inner);
                CpuSoftmax.axisReference(CpuStorage.of(x.storage()), outer, axis, inner, log,
                        CpuStorage.of(byAxis.storage()));
                double[] expected = byRows.permute(0, 2, 1).copy().toDoubleArray();
                double[] actual = byAxis.toDoubleArray();
                for (int i = 0; i < expected.length; i++) {
                    if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                        throw new AssertionError(dt + (log ? " log-softmax" : " softmax") + " element " + i
                                + ": rows " + expected[i] + ", axis form " + actual[i]);
                    }
                }
            }
        }
    }

    @Test
    void theVectorAxisFormMatchesItsReference() {
        // inner around the vector width and past one block of columns; axis 1, short and long; masked, huge, NaN.
        int[][] shapes = {{2, 5, 1}, {1, 1, 16}, {3, 7, 17}, {2, 9, 33}, {1, 300, 70}, {2, 4, 300}, {1, 3, 512}};
        for (int[] s : shapes) {
            for (boolean log : new boolean[]{false, true}) {
                Tensor x = TestData.randn(s[2] + s[1], DType.F32, s).mul(5.0);
                float[] v = x.toFloatArray();
                v[0] = Float.NEGATIVE_INFINITY;
                if (s[1] > 1) {
                    v[s[2] + s[2] / 2] *= 1e4f;
                }
                v[v.length - 1] = Float.NaN;
                Tensor in = Tensor.of(v, s);
                Tensor fast = Tensor.empty(Backends.cpu(), DType.F32, s);
                Tensor ref = Tensor.empty(Backends.cpu(), DType.F32, s);
                CpuSoftmax.softmaxAxis(CpuStorage.of(in.storage()), s[0], s[1], s[2], log, CpuStorage.of(fast.storage()));
                CpuSoftmax.axisReference(CpuStorage.of(in.storage()), s[0], s[1], s[2], log,
                        CpuStorage.of(ref.storage()));
                String msg = Tolerance.F32.compare("softmax axis fast vs reference " + java.util.Arrays.toString(s)
                        + (log ? " log" : ""), s, ref.toDoubleArray(), fast.toDoubleArray(), true);
                assertTrue(msg == null, msg);
            }
        }
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
