package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** Gather and softmax over an axis: the shape rules, equivalences with the old forms, and the error messages. */
class GatherSoftmaxAxisTest {

    @Test
    void negativeIndicesCountFromTheEndOnEveryAxis() {
        Tensor x = Tensor.of(Backends.cpu(), new double[]{0, 1, 2, 3, 4, 5}, 2, 3);
        assertArrayEquals(new double[]{2, 0, 5, 3}, Gather.apply(x, 1, new int[]{-1, 0}).toDoubleArray());
        assertArrayEquals(new double[]{3, 4, 5}, IndexSelect.apply(x, new int[]{-1}).toDoubleArray());
        Tensor scalar = Gather.apply(x, -1, new int[]{-2}, new int[0]);
        assertArrayEquals(new int[]{2}, scalar.shape());
        assertArrayEquals(new double[]{1, 4}, scalar.toDoubleArray());
        Tensor twoD = Gather.apply(x, 0, new int[]{1, 0, 1, 1}, new int[]{2, 2});
        assertArrayEquals(new int[]{2, 2, 3}, twoD.shape());
    }

    @Test
    void indexSelectOnAxisZeroIsTheOriginalRowGatherBitForBit() {
        Tensor x = TestData.randn(3, DType.F32, 6, 5).requiresGrad(true);
        int[] rows = {5, 0, 5, 2};
        Tensor y = IndexSelect.apply(x, rows);
        Tensor expected = Tensor.empty(Backends.cpu(), DType.F32, 4, 5);
        Backends.cpu().layout().gatherRows(x.storage(), 5, rows, expected.storage());
        assertArrayEquals(expected.toFloatArray(), y.toFloatArray());
    }

    @Test
    void gatherErrorsNameTheOpThePositionTheValueAndTheRange() {
        Tensor x = Tensor.zeros(2, 5, 3);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> Gather.apply(x, 1, new int[]{0, -6}));
        assertTrue(e.getMessage().contains("gather: index -6 at position 1 is out of range [-5, 5) for axis 1 of x"
                + " [2, 5, 3]"), e.getMessage());
        IndexOutOfBoundsException s = assertThrows(IndexOutOfBoundsException.class,
                () -> IndexSelect.apply(x, new int[]{2}));
        assertTrue(s.getMessage().startsWith("indexSelect: index 2 at position 0"), s.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Gather.apply(x, 0, new int[]{0, 1, 1}, new int[]{2, 2}));
        assertTrue(shape.getMessage().contains("3 indices do not fill their shape [2, 2]"), shape.getMessage());
        IllegalArgumentException axis = assertThrows(IllegalArgumentException.class,
                () -> Gather.apply(x, 3, new int[]{0}));
        assertTrue(axis.getMessage().contains("gather: axis 3"), axis.getMessage());
    }

    @Test
    void softmaxOverTheLastAxisNamedExplicitlyIsTheOriginalOp() {
        Tensor x = TestData.randn(4, DType.F32, 3, 4, 9);
        assertArrayEquals(Softmax.apply(x).toFloatArray(), Softmax.apply(x, 2).toFloatArray());
        assertArrayEquals(LogSoftmax.apply(x).toFloatArray(), LogSoftmax.apply(x, -1).toFloatArray());
    }

    @Test
    void softmaxOverAnAxisEqualsTheLastAxisSoftmaxOfThePermutedTensor() {
        for (DType dt : DType.values()) {
            Tensor x = TestData.randn(5, dt, 2, 5, 3, 4);
            Tensor viaPermute = Softmax.apply(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
            TestData.assertClose("softmax axis 1 " + dt, viaPermute.toDoubleArray(), Softmax.apply(x, 1));
            Tensor logViaPermute = LogSoftmax.apply(x.permute(1, 2, 3, 0)).permute(3, 0, 1, 2);
            TestData.assertClose("logSoftmax axis 0 " + dt, logViaPermute.toDoubleArray(), LogSoftmax.apply(x, 0));
        }
    }

    @Test
    void softmaxErrorsNameTheAxis() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Softmax.apply(Tensor.zeros(2, 3), 2));
        assertTrue(e.getMessage().contains("softmax: axis 2 is out of range for a tensor of rank 2"), e.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> LogSoftmax.apply(Tensor.zeros(2, 0, 3), 1));
        assertTrue(empty.getMessage().contains("logSoftmax: axis 1 of shape [2, 0, 3] is empty"), empty.getMessage());
    }
}
