package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** Every elementwise op against straight loops over Math functions, float32 and float64. */
class ElementwiseForwardTest {

    private static void unary(DType dt, String name, Function<Tensor, Tensor> op, DoubleUnaryOperator ref, double lo,
                              double hi) {
        int[] shape = {3, 1031}; // crosses the parallel chunk boundary when repeated
        Tensor x = Tensor.fromDoubles(Backends.cpu(), dt, TestData.uniform(7, 3 * 1031, lo, hi), shape);
        double[] xv = x.toDoubleArray();
        double[] expected = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            expected[i] = dt == DType.F32 ? (float) ref.applyAsDouble(xv[i]) : ref.applyAsDouble(xv[i]);
        }
        TestData.assertClose(name + " " + dt, expected, op.apply(x));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void unaryOpsMatchMath(DType dt) {
        unary(dt, "neg", Tensor::neg, v -> -v, -3, 3);
        unary(dt, "exp", Tensor::exp, Math::exp, -3, 3);
        unary(dt, "log", Tensor::log, Math::log, 0.01, 5);
        unary(dt, "sqrt", Tensor::sqrt, Math::sqrt, 0.01, 5);
        unary(dt, "abs", Tensor::abs, Math::abs, -3, 3);
        unary(dt, "relu", Tensor::relu, v -> Math.max(v, 0), -3, 3);
        unary(dt, "pow 1.7", t -> t.pow(1.7), v -> Math.pow(v, 1.7), 0.01, 3);
        unary(dt, "clamp", t -> t.clamp(-0.5, 1.25), v -> Math.min(Math.max(v, -0.5), 1.25), -3, 3);
        unary(dt, "affine", t -> t.mul(3.0).add(0.5), v -> 3.0 * v + 0.5, -3, 3);
        unary(dt, "div scalar", t -> t.div(4.0), v -> v / 4.0, -3, 3);
    }

    /** Reference broadcasting: output index -> operand index with size-1 axes pinned to 0. */
    private static double[] broadcastRef(double[] a, int[] as, double[] b, int[] bs, DoubleBinaryOperator f, DType dt) {
        int[] out = Shape.broadcast(as, bs, "ref");
        int[] pa = Shape.padLeft(as, out.length);
        int[] pb = Shape.padLeft(bs, out.length);
        int[] sa = Shape.strides(pa);
        int[] sb = Shape.strides(pb);
        int n = (int) Shape.numel(out);
        double[] r = new double[n];
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            int rem = i;
            for (int d = out.length - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            int ia = 0;
            int ib = 0;
            for (int d = 0; d < out.length; d++) {
                ia += (pa[d] == 1 ? 0 : idx[d]) * sa[d];
                ib += (pb[d] == 1 ? 0 : idx[d]) * sb[d];
            }
            double v = f.applyAsDouble(a[ia], b[ib]);
            r[i] = dt == DType.F32 ? (float) v : v;
        }
        return r;
    }

    private static void binary(DType dt, String name, BiFunction<Tensor, Tensor, Tensor> op, DoubleBinaryOperator ref,
                               int[] as, int[] bs, boolean positiveB) {
        Tensor a = Tensor.fromDoubles(Backends.cpu(), dt, TestData.normal(11, (int) Shape.numel(as)), as);
        double[] bv = positiveB ? TestData.uniform(12, (int) Shape.numel(bs), 0.5, 2) : TestData.normal(12, (int) Shape.numel(bs));
        Tensor b = Tensor.fromDoubles(Backends.cpu(), dt, bv, bs);
        Tensor y = op.apply(a, b);
        double[] expected = broadcastRef(a.toDoubleArray(), as, b.toDoubleArray(), bs, ref, dt);
        TestData.assertClose(name + " " + Shape.str(as) + " " + Shape.str(bs) + " " + dt, expected, y);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void binaryOpsBroadcastLikeNumpy(DType dt) {
        int[][][] shapes = {
                {{5, 7}, {5, 7}}, {{4, 3, 5}, {5}}, {{4, 3, 5}, {3, 1}}, {{2, 1, 6}, {1, 5, 1}}, {{1}, {3, 4}},
                {{2, 3, 4, 5}, {1, 3, 1, 1}}, {{64, 3, 33, 33}, {1, 3, 1, 1}}, {{}, {}}, {{3, 1}, {}}};
        for (int[][] s : shapes) {
            binary(dt, "add", Tensor::add, Double::sum, s[0], s[1], false);
            binary(dt, "sub", Tensor::sub, (x, y) -> x - y, s[0], s[1], false);
            binary(dt, "mul", Tensor::mul, (x, y) -> x * y, s[0], s[1], false);
            binary(dt, "div", Tensor::div, (x, y) -> x / y, s[0], s[1], true);
            binary(dt, "pow", (x, y) -> x.abs().pow(y), (x, y) -> Math.pow(Math.abs(x), y), s[0], s[1], false);
            binary(dt, "maximum", Tensor::maximum, Math::max, s[0], s[1], false);
            binary(dt, "minimum", Tensor::minimum, Math::min, s[0], s[1], false);
        }
    }

    @Test
    void nanPropagatesThroughReluAndMaximum() {
        Tensor x = Tensor.of(new float[]{Float.NaN, -1f, 2f}, 3);
        double[] r = x.relu().toDoubleArray();
        assertTrue(Double.isNaN(r[0]));
        assertEquals(0.0, r[1]);
        assertTrue(Double.isNaN(x.maximum(Tensor.of(new float[]{0, 0, 0}, 3)).toDoubleArray()[0]));
    }

    @Test
    void shapeErrorsNameBothShapes() {
        Tensor a = Tensor.zeros(3, 4);
        Tensor b = Tensor.zeros(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void mixingDtypesIsAClearError() {
        Tensor a = Tensor.zeros(Backends.cpu(), DType.F32, 3);
        Tensor b = Tensor.zeros(Backends.cpu(), DType.F64, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.mul(b));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }
}
