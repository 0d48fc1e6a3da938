package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/**
 * ConvTranspose2d beyond the PyTorch goldens: it is the adjoint of Conv2d (so both paths of the op, direct and
 * cut, are checked against the forward convolution), ONNX's output_shape / auto_pad resolution, and the errors.
 */
class ConvTranspose2dTest {

    /** &lt;convT(x, w), v&gt; = &lt;x, conv(v, w)&gt; for symmetric pads (the geometries Conv2d has). */
    @Test
    void isTheAdjointOfConv2d() {
        int[][] geometries = {
                // C, O, H, W, k, stride, pad, dilation, groups, output padding
                {3, 4, 5, 4, 3, 1, 1, 1, 1, 0},
                {2, 3, 4, 3, 3, 2, 1, 1, 1, 1},
                {4, 6, 3, 4, 3, 2, 2, 2, 2, 0},
                {2, 2, 3, 3, 2, 1, 1, 3, 1, 2},   // output padding >= stride: the cut path
                {3, 2, 3, 5, 4, 3, 3, 1, 1, 2},   // pad larger than the kernel extent - 1 allows
        };
        for (int[] q : geometries) {
            String what = java.util.Arrays.toString(q);
            Tensor x = TestData.randn(1, DType.F64, 2, q[0], q[2], q[3]);
            Tensor w = TestData.randn(2, DType.F64, q[0], q[1] / q[8], q[4], q[4]);
            Tensor y = ConvTranspose2d.apply(x, w, null, q[5], q[6], q[9], q[7], q[8]);
            Tensor v = TestData.randn(3, DType.F64, y.shape());
            // With output padding >= stride the convolution has more outputs than x has cells: its first H x W
            // are the adjoint (the rest read only the extra rows).
            Tensor back = Conv2d.apply(v, w, null, q[5], q[6], q[7], q[8]);
            back = Slice.apply(Slice.apply(back, 2, 0, q[2]), 3, 0, q[3]);
            assertArrayEquals(x.shape(), back.shape(), what);
            double lhs = y.mul(v).sum().item();
            double rhs = x.mul(back).sum().item();
            assertTrue(Math.abs(lhs - rhs) <= 1e-9 * (1 + Math.abs(lhs)), what + ": " + lhs + " vs " + rhs);
        }
    }

    @Test
    void onnxOutputShapeAndAutoPadResolveToPadsAndOutputPadding() {
        int[] in = {3, 3};
        int[] k = {3, 3};
        // output_shape 10x8 with strides 3x2: total padding max(0, 9 - 10) = 0 and 7 - 8 -> 0: one row and one
        // column of output padding (ONNX's test_convtranspose_output_shape equals test_convtranspose_pad).
        ConvTranspose2d.Padding p = ConvTranspose2d.onnxPadding(AutoPad.NOTSET, in, k, new int[]{3, 2}, null, null,
                null, new int[]{10, 8});
        assertArrayEquals(new int[]{0, 0, 0, 0}, p.pads());
        assertArrayEquals(new int[]{1, 1}, p.outputPadding());
        // SAME_UPPER, stride 2: out 6, total 7 - 6 = 1, the odd cell at the end.
        ConvTranspose2d.Padding same = ConvTranspose2d.onnxPadding(AutoPad.SAME_UPPER, in, k, new int[]{2, 2}, null,
                null, null, null);
        assertArrayEquals(new int[]{0, 0, 1, 1}, same.pads());
        assertArrayEquals(new int[]{0, 0}, same.outputPadding());
        ConvTranspose2d.Padding lower = ConvTranspose2d.onnxPadding(AutoPad.SAME_LOWER, in, k, new int[]{2, 2}, null,
                null, null, null);
        assertArrayEquals(new int[]{1, 1, 0, 0}, lower.pads());
        ConvTranspose2d.Padding explicit = ConvTranspose2d.onnxPadding(AutoPad.NOTSET, in, k, null, null,
                new int[]{1, 0}, new int[]{1, 2, 1, 2}, null);
        assertArrayEquals(new int[]{1, 2, 1, 2}, explicit.pads());
        assertArrayEquals(new int[]{1, 0}, explicit.outputPadding());
    }

    @Test
    void errorsNameTheOpTheShapesAndTheRule() {
        Tensor x = Tensor.zeros(1, 4, 3, 3);
        IllegalArgumentException ch = assertThrows(IllegalArgumentException.class,
                () -> ConvTranspose2d.apply(x, Tensor.zeros(3, 2, 3, 3), null, 1, 0, 0, 1, 1));
        assertTrue(ch.getMessage().contains("convTranspose2d: weight expects 3 input channels but x has 4")
                && ch.getMessage().contains("[1, 4, 3, 3]"), ch.getMessage());
        IllegalArgumentException crop = assertThrows(IllegalArgumentException.class,
                () -> ConvTranspose2d.apply(x, Tensor.zeros(4, 2, 3, 3), null, new int[]{1, 1}, new int[]{3, 0, 2, 0},
                        new int[2], new int[]{1, 1}, 1));
        assertTrue(crop.getMessage().contains("output height 0 < 1"), crop.getMessage());
        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class,
                () -> ConvTranspose2d.apply(x, Tensor.zeros(4, 2, 3, 3), Tensor.zeros(3), 1, 0, 0, 1, 2));
        assertTrue(bias.getMessage().contains("bias must be (4), one value per output channel"), bias.getMessage());
    }
}
