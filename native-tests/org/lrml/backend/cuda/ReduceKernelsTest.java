package org.lrml.backend.cuda;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.ReduceOp;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;

/** kernels/reduce.cu against the CPU backend: sum, max, min over axis sets, both kernel strategies. */
@Tag("gpu")
class ReduceKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    /** Shapes and axis masks: innermost and outermost reductions, alternating axes, all, none, short and long runs. */
    private static final Object[][] CASES = {
            {new int[]{7, 1031}, new boolean[]{false, true}},
            {new int[]{1031, 7}, new boolean[]{true, false}},
            {new int[]{3, 257, 5}, new boolean[]{false, true, false}},
            {new int[]{3, 257, 5}, new boolean[]{true, false, true}},
            {new int[]{2, 3, 4, 5, 6}, new boolean[]{true, false, true, false, true}},
            {new int[]{513, 3}, new boolean[]{true, true}},
            {new int[]{9, 1, 13}, new boolean[]{false, true, false}},
            {new int[]{4000}, new boolean[]{true}},
            {new int[]{64, 10}, new boolean[]{false, true}},
            {new int[]{300, 300}, new boolean[]{false, true}},
    };

    @Test
    void everyOpOverEveryAxisSetMatchesTheCpu() {
        for (ReduceOp op : ReduceOp.values()) {
            for (Object[] c : CASES) {
                int[] shape = (int[]) c[0];
                boolean[] axes = (boolean[]) c[1];
                float[] x = Compare.normal(5 + shape.length, (int) Shape.numel(shape));
                float[] expected = run(Compare.cpu(), op, x, shape, axes);
                float[] actual = run(cuda, op, x, shape, axes);
                String what = "reduce " + op + " " + Shape.str(shape) + " axes " + java.util.Arrays.toString(axes);
                if (op == ReduceOp.SUM) {
                    Compare.close(what, null, Compare.widen(expected), Compare.widen(actual));
                } else {
                    Compare.identical(what, expected, actual);
                }
            }
        }
    }

    private static float[] run(Backend b, ReduceOp op, float[] x, int[] shape, boolean[] axes) {
        int[] kept = shape.clone();
        for (int i = 0; i < kept.length; i++) {
            if (axes[i]) {
                kept[i] = 1;
            }
        }
        Storage out = b.allocate(DType.F32, Shape.numel(kept));
        b.reduce().reduce(op, b.upload(x), shape, axes, out);
        return Compare.floats(b, out);
    }

    @Test
    void maxAndMinPropagateNaN() {
        int[] shape = {5, 300};
        float[] x = Compare.normal(8, 1500);
        x[2 * 300 + 123] = Float.NaN;
        for (ReduceOp op : new ReduceOp[]{ReduceOp.MAX, ReduceOp.MIN}) {
            for (boolean[] axes : new boolean[][]{{false, true}, {true, false}}) {
                Compare.identical("NaN through " + op + " " + java.util.Arrays.toString(axes),
                        run(Compare.cpu(), op, x, shape, axes), run(cuda, op, x, shape, axes));
            }
        }
    }

    @Test
    void sumOfManyTermsIsAccurate() {
        // 10^6 terms: the double accumulation must keep the float result within the tolerance of the CPU's.
        int n = 1_000_003;
        float[] x = Compare.uniform(9, n, 0.5, 1.5);
        Compare.close("sum of 1e6 terms", null, Compare.widen(run(Compare.cpu(), ReduceOp.SUM, x, new int[]{n},
                new boolean[]{true})), Compare.widen(run(cuda, ReduceOp.SUM, x, new int[]{n}, new boolean[]{true})));
    }
}
