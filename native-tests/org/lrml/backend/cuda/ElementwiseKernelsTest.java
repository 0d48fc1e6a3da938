package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.Storage;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.DType;

/** kernels/elementwise.cu against the CPU backend: every unary and binary op, broadcasting, axpy, fill. */
@Tag("gpu")
class ElementwiseKernelsTest {
    /** Crosses many 256-thread blocks and ends mid-block. */
    private static final int N = 3 * 1031 + 7;
    /** Ops whose CUDA result must equal the CPU's bit for bit (correctly rounded everywhere). */
    private static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.SQRT, UnaryOp.ABS, UnaryOp.SIGN,
            UnaryOp.RELU, UnaryOp.AFFINE, UnaryOp.CLAMP, UnaryOp.IN_RANGE, UnaryOp.GREATER, UnaryOp.RECIPROCAL);

    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    private static float[] inputFor(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, POW -> Compare.uniform(11, N, 0.05, 4);
            case RECIPROCAL, SIGN, ABS, RELU, GREATER -> Compare.awayFromZero(12, N);
            default -> Compare.uniform(13, N, -3, 3);
        };
    }

    @Test
    void everyUnaryOpMatchesTheCpu() {
        for (UnaryOp op : UnaryOp.values()) {
            float[] x = inputFor(op);
            double p0 = switch (op) {
                case POW -> 1.7;
                case AFFINE -> 2.5;
                case CLAMP, IN_RANGE -> -0.75;
                case GREATER -> 0.3;
                default -> 0;
            };
            double p1 = op == UnaryOp.AFFINE ? -0.25 : 1.25;
            float[] expected = run(Compare.cpu(), op, x, p0, p1);
            float[] actual = run(cuda, op, x, p0, p1);
            if (EXACT_UNARY.contains(op)) {
                Compare.identical("unary " + op, expected, actual);
            } else {
                Compare.close("unary " + op, new int[]{N}, Compare.widen(expected), Compare.widen(actual));
            }
        }
    }

    private static float[] run(Backend b, UnaryOp op, float[] x, double p0, double p1) {
        Storage xs = b.upload(x);
        Storage ys = b.allocate(DType.F32, x.length);
        b.elementwise().unary(op, xs, ys, p0, p1);
        return Compare.floats(b, ys);
    }

    @Test
    void unaryInPlace() {
        float[] x = Compare.uniform(14, N, -2, 2);
        Storage s = cuda.upload(x);
        cuda.elementwise().unary(UnaryOp.AFFINE, s, s, 3, 1);
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            expected[i] = (float) (3.0 * x[i] + 1.0);
        }
        Compare.identical("affine in place", expected, Compare.floats(cuda, s));
    }

    @Test
    void unaryPropagatesNaNAndSignedZeroAsTheCpu() {
        float[] x = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1.5f, 2.5f};
        for (UnaryOp op : EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.RELU, UnaryOp.CLAMP,
                UnaryOp.RECIPROCAL, UnaryOp.SQRT)) {
            Compare.identical("unary " + op + " on special values", run(Compare.cpu(), op, x, -1, 1), run(cuda, op, x, -1, 1));
        }
    }

    /** Shape pairs (a, b, out) covering same shape, scalar, row and column broadcasts, both-sided and rank 5. */
    private static final int[][][] SHAPES = {
            {{7, 129}, {7, 129}, {7, 129}},
            {{257, 9}, {1, 9}, {257, 9}},
            {{257, 9}, {257, 1}, {257, 9}},
            {{1, 1}, {33, 65}, {33, 65}},
            {{2, 1, 17}, {1, 31, 1}, {2, 31, 17}},
            {{3, 1, 5, 1, 7}, {1, 4, 5, 6, 1}, {3, 4, 5, 6, 7}},
            {{1031}, {1}, {1031}},
    };

    @Test
    void everyBinaryOpBroadcastsAsTheCpu() {
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] s : SHAPES) {
                int na = (int) org.lrml.backend.Shape.numel(s[0]);
                int nb = (int) org.lrml.backend.Shape.numel(s[1]);
                float[] a = op == BinaryOp.POW ? Compare.uniform(21, na, 0.2, 3) : Compare.normal(21, na);
                float[] b = op == BinaryOp.DIV ? Compare.awayFromZero(22, nb)
                        : op == BinaryOp.POW ? Compare.uniform(22, nb, -2, 2) : Compare.normal(22, nb);
                if (op == BinaryOp.EQ) {
                    // Make some elements equal so both outcomes occur.
                    for (int i = 0; i < Math.min(na, nb); i += 3) {
                        a[i] = b[i];
                    }
                }
                float[] expected = runBinary(Compare.cpu(), op, a, s[0], b, s[1], s[2]);
                float[] actual = runBinary(cuda, op, a, s[0], b, s[1], s[2]);
                String what = "binary " + op + " " + java.util.Arrays.deepToString(s);
                if (op == BinaryOp.POW) {
                    Compare.close(what, s[2], Compare.widen(expected), Compare.widen(actual));
                } else {
                    Compare.identical(what, expected, actual);
                }
            }
        }
    }

    private static float[] runBinary(Backend be, BinaryOp op, float[] a, int[] as, float[] b, int[] bs, int[] os) {
        Storage out = be.allocate(DType.F32, org.lrml.backend.Shape.numel(os));
        be.elementwise().binary(op, be.upload(a), as, be.upload(b), bs, out, os);
        return Compare.floats(be, out);
    }

    @Test
    void binaryRefusesShapesThatDoNotBroadcast() {
        Storage a = cuda.upload(new float[6]);
        Storage b = cuda.upload(new float[4]);
        Storage out = cuda.allocate(DType.F32, 6);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cuda.elementwise().binary(BinaryOp.ADD, a, new int[]{2, 3}, b, new int[]{2, 2}, out, new int[]{2, 3}));
        assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
    }

    @Test
    void axpyAccumulatesAsTheCpu() {
        float[] x = Compare.normal(31, N);
        float[] y = Compare.normal(32, N);
        for (double alpha : new double[]{1.0, -0.37}) {
            Storage xc = Compare.cpu().upload(x);
            Storage yc = Compare.cpu().upload(y);
            Compare.cpu().elementwise().axpy(alpha, xc, yc);
            Storage xg = cuda.upload(x);
            Storage yg = cuda.upload(y);
            cuda.elementwise().axpy(alpha, xg, yg);
            Compare.identical("axpy alpha " + alpha, Compare.floats(Compare.cpu(), yc), Compare.floats(cuda, yg));
        }
    }

    @Test
    void fillWritesEveryElement() {
        Storage s = cuda.allocate(DType.F32, N);
        cuda.fill(s, -2.75);
        float[] expected = new float[N];
        java.util.Arrays.fill(expected, -2.75f);
        Compare.identical("fill", expected, Compare.floats(cuda, s));
    }
}
