package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.PoolGeometry;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Pooling windows in ONNX's terms, beyond the PyTorch goldens: output sizes (ceil mode's last-window rule,
 * SAME_UPPER / SAME_LOWER), the float32 branch-free paths against the float64 specification on ties, signed zeros
 * and NaN for every new window shape, empty windows, index layouts, and errors that name the op and the values.
 */
class PoolWindowTest {

    private static PoolWindow win(int k0, int k1, int s0, int s1, int... pads) {
        return PoolWindow.onnx(new int[]{k0, k1}, new int[]{s0, s1}, pads.length == 0 ? null : pads, null, false,
                AutoPad.NOTSET);
    }

    @Test
    void theOriginalConstructorIsTheSymmetricFloorGeometry() {
        PoolGeometry old = new PoolGeometry(2, 3, 9, 8, 3, 2, 2, 1, 1, 0, true);
        assertEquals(new PoolGeometry(2, 3, 9, 8, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1, false, true), old);
        assertEquals(old, PoolWindow.of(new int[]{3, 2}, new int[]{2, 1}, new int[]{1, 0})
                .geometry("test", new int[]{2, 3, 9, 8}, true));
        assertEquals(5, old.outH());
        assertEquals(7, old.outW());
    }

    @Test
    void ceilModeDropsAWindowThatWouldStartInTheBottomPadding() {
        // h 8, k 3, s 3, pad 1: ceil((8 + 2 - 3) / 3) + 1 = 4, but window 3 would start at row 8 = padding.
        PoolGeometry g = win(3, 3, 3, 3, 1, 1, 1, 1).withCeilMode(true).geometry("test", new int[]{1, 1, 8, 8}, false);
        assertEquals(3, g.outH());
        // h 7, k 3, s 2, no pad: ceil(4 / 2) + 1 = 3 = floor; h 8: ceil(5 / 2) + 1 = 4 (floor 3), last starts at 6.
        assertEquals(3, win(3, 3, 2, 2).withCeilMode(true).geometry("t", new int[]{1, 1, 7, 8}, false).outH());
        assertEquals(4, win(3, 3, 2, 2).withCeilMode(true).geometry("t", new int[]{1, 1, 7, 8}, false).outW());
    }

    @Test
    void samePadsPutTheOddCellAtTheEndForUpperAndTheStartForLower() {
        int[] xs = {1, 1, 7, 6};
        PoolGeometry upper = win(2, 2, 1, 1).withAutoPad(AutoPad.SAME_UPPER).geometry("t", xs, false);
        assertArrayEquals(new int[]{0, 0, 1, 1}, pads(upper));
        PoolGeometry lower = win(2, 2, 1, 1).withAutoPad(AutoPad.SAME_LOWER).geometry("t", xs, false);
        assertArrayEquals(new int[]{1, 1, 0, 0}, pads(lower));
        assertArrayEquals(new int[]{1, 1, 7, 6}, lower.yShape());
        PoolGeometry strided = win(4, 3, 2, 2, 9, 9, 9, 9).withAutoPad(AutoPad.SAME_LOWER).geometry("t", xs, false);
        assertArrayEquals(new int[]{2, 1, 1, 0}, pads(strided), "explicit pads are ignored under SAME");
        assertArrayEquals(new int[]{1, 1, 4, 3}, strided.yShape());
        PoolGeometry valid = win(3, 3, 1, 1, 1, 1, 1, 1).withAutoPad(AutoPad.VALID).geometry("t", xs, false);
        assertArrayEquals(new int[]{0, 0, 0, 0}, pads(valid));
    }

    private static int[] pads(PoolGeometry g) {
        return new int[]{g.padTop(), g.padLeft(), g.padBottom(), g.padRight()};
    }

    static Object[][] windows() {
        return new Object[][]{
                {"asymmetric pads (0,1,2,0) k3x2 s2", win(3, 2, 2, 2, 0, 1, 2, 0)},
                {"ceil k3 s2 pads (1,0,1,2)", win(3, 3, 2, 2, 1, 0, 1, 2).withCeilMode(true)},
                {"dilation 2x3 k3x2 pads (2,1,0,3)", win(3, 2, 1, 2, 2, 1, 0, 3).withDilation(2, 3)},
                {"pads 2 = kernel - 1", win(3, 3, 1, 2, 2, 2, 2, 2)},
                {"k2 s2 ceil (the 2x2 path must step aside)", win(2, 2, 2, 2).withCeilMode(true)},
                {"SAME_UPPER k2 s1", win(2, 2, 1, 1).withAutoPad(AutoPad.SAME_UPPER)},
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("windows")
    void float32PathsAgreeWithTheFloat64SpecificationOnTiesZerosAndNan(String name, PoolWindow w) {
        float[] pool = {-1f, -0f, 0f, 1f, Float.NaN};
        int[] shape = {2, 3, 9, 7};
        float[] v = new float[2 * 3 * 9 * 7];
        Rng r = new Rng(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = pool[r.nextInt(pool.length)];
        }
        Tensor x32 = Tensor.of(Backends.cpu(), v, shape).requiresGrad(true);
        Tensor x64 = x32.detach().to(DType.F64).requiresGrad(true);
        MaxPool2d.WithIndices i32 = MaxPool2d.withIndices(x32, w);
        MaxPool2d.WithIndices i64 = MaxPool2d.withIndices(x64, w);
        Tensor y32 = MaxPool2d.apply(x32, w);
        Tensor y64 = MaxPool2d.apply(x64, w);
        assertArrayEquals(i64.indices(), i32.indices(), name + ": indices");
        double[] a = y32.toDoubleArray();
        double[] b = y64.toDoubleArray();
        double[] c = i32.y().toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToLongBits(b[i]), Double.doubleToLongBits(a[i]), name + " window " + i);
            assertEquals(Double.doubleToLongBits(b[i]), Double.doubleToLongBits(c[i]), name + " window " + i
                    + " with indices");
            double at = i64.indices()[i] < 0 ? Double.NEGATIVE_INFINITY : x64.toDoubleArray()[(int) i64.indices()[i]];
            assertEquals(Double.doubleToLongBits(b[i]), Double.doubleToLongBits(at), name + " y = x[index] at " + i);
        }
        double[] dy = new double[a.length];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i + 1;
        }
        y32.backward(Tensor.fromDoubles(Backends.cpu(), DType.F32, dy, y32.shape()));
        y64.backward(Tensor.of(Backends.cpu(), dy, y64.shape()));
        assertArrayEquals(x64.grad().toDoubleArray(), x32.grad().toDoubleArray(), name + ": gradients");
        // The gradient goes exactly where the indices point.
        double[] routed = new double[v.length];
        for (int i = 0; i < dy.length; i++) {
            if (i64.indices()[i] >= 0) {
                routed[(int) i64.indices()[i]] += dy[i];
            }
        }
        assertArrayEquals(routed, x64.grad().toDoubleArray(), name + ": gradient follows the indices");
    }

    @Test
    void aWindowWithNoCellInsideTheInputGivesMinusInfinityIndexMinusOneAndNoGradient() {
        // h 2, kernel 2 with dilation 3, pads (1, 0, 2, 0): window 0 reads rows -1 and 2, window 1 rows 0 and 3.
        PoolWindow w = PoolWindow.onnx(new int[]{2, 1}, null, new int[]{1, 0, 2, 0}, new int[]{3, 1}, false,
                AutoPad.NOTSET);
        Tensor x = Tensor.of(Backends.cpu(), new double[]{5, 6, 7, 8}, 1, 1, 2, 2).requiresGrad(true);
        MaxPool2d.WithIndices r = MaxPool2d.withIndices(x, w);
        assertArrayEquals(new double[]{Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 5, 6},
                r.y().toDoubleArray());
        assertArrayEquals(new long[]{-1, -1, 0, 1}, r.indices());
        r.y().backward(Tensor.of(Backends.cpu(), new double[]{1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new double[]{3, 4, 0, 0}, x.grad().toDoubleArray());
        Tensor y32 = MaxPool2d.apply(x.detach().to(DType.F32), w);
        assertArrayEquals(new double[]{Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 5, 6},
                y32.toDoubleArray());
    }

    @Test
    void indicesAreFlatIntoTheWholeInputRowOrColumnMajorWithinAPlane() {
        // x (2, 1, 2, 3): plane 1 holds its maximum at (1, 2): row-major 6 + 1 * 3 + 2 = 11, column-major
        // 6 + 2 * 2 + 1 = 11 as well; plane 0's maximum at (1, 0): 3, column-major 1.
        double[] v = {0, 1, 2, 9, 3, 4, 0, 1, 2, 3, 4, 9};
        Tensor x = Tensor.of(Backends.cpu(), v, 2, 1, 2, 3);
        PoolWindow w = win(2, 3, 1, 1);
        assertArrayEquals(new long[]{3, 11}, MaxPool2d.withIndices(x, w).indices());
        assertArrayEquals(new long[]{1, 11}, MaxPool2d.withIndices(x, w, true).indices());
    }

    @Test
    void averageDivisorsInCeilModeCountOnlyThePaddedExtent() {
        // h = w = 3, k 2, s 2, pad 0, ceil: windows at 0 and 2; the second overhangs the input (no padding there):
        // counted or not, its divisor is the cells inside [0, 3): 1 per axis.
        Tensor x = Tensor.of(Backends.cpu(), new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        PoolWindow w = win(2, 2, 2, 2).withCeilMode(true);
        double[] expected = {3, 4.5, 7.5, 9};
        assertArrayEquals(expected, AvgPool2d.apply(x, w, true).toDoubleArray());
        assertArrayEquals(expected, AvgPool2d.apply(x, w, false).toDoubleArray());
    }

    @Test
    void errorsNameTheOpTheShapeAndTheBadValue() {
        Tensor x = Tensor.zeros(2, 3, 8, 8);
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.apply(x, win(3, 3, 1, 1, 0, 3, 0, 0)));
        assertTrue(pad.getMessage().contains("maxPool2d") && pad.getMessage().contains("(0, 3, 0, 0)")
                && pad.getMessage().contains("[2, 3, 8, 8]"), pad.getMessage());
        IllegalArgumentException dil = assertThrows(IllegalArgumentException.class,
                () -> AvgPool2d.apply(x, win(2, 2, 1, 1).withDilation(2, 1), false));
        assertTrue(dil.getMessage().contains("avgPool2d: dilation 2x1"), dil.getMessage());
        IllegalArgumentException auto = assertThrows(IllegalArgumentException.class,
                () -> AutoPad.parse("maxPool2d", "SAME"));
        assertTrue(auto.getMessage().contains("maxPool2d") && auto.getMessage().contains("'SAME'"), auto.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.apply(x, win(11, 3, 1, 1, 1, 0, 1, 0)));
        assertTrue(big.getMessage().contains("larger than the padded input 10x8"), big.getMessage());
    }
}
