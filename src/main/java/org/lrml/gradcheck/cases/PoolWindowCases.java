package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.distinct;
import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.AutoPad;
import org.lrml.ops.AvgPool2d;
import org.lrml.ops.MaxPool2d;
import org.lrml.ops.PoolWindow;

/**
 * Pooling windows in ONNX's terms: asymmetric pads, SAME_UPPER / SAME_LOWER (even kernels too), ceil mode,
 * dilation, pads up to the kernel size; and max pooling's index output (the same gradient as its values).
 */
public final class PoolWindowCases {
    private PoolWindowCases() {
    }

    private static PoolWindow window(int k0, int k1, int s0, int s1, int[] pads) {
        return PoolWindow.onnx(new int[]{k0, k1}, new int[]{s0, s1}, pads, null, false, AutoPad.NOTSET);
    }

    private static GradcheckCase max(String variant, PoolWindow win, int... shape) {
        return new GradcheckCase("maxPool2d", variant, r -> Problem.of(t -> MaxPool2d.apply(t[0], win),
                distinct(r, shape)));
    }

    private static GradcheckCase avg(String variant, PoolWindow win, boolean countPad, int... shape) {
        return new GradcheckCase("avgPool2d", variant, r -> Problem.of(t -> AvgPool2d.apply(t[0], win, countPad),
                normal(r, shape)));
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                max("x[2,2,7,8] k3x2 s2 pads (0,1,2,0)", window(3, 2, 2, 2, new int[]{0, 1, 2, 0}), 2, 2, 7, 8),
                max("x[1,3,7,6] k3 s2 ceil mode", window(3, 3, 2, 2, null).withCeilMode(true), 1, 3, 7, 6),
                max("x[2,2,9,8] k3x2 dilation 2x3 pads (2,1,0,3)", window(3, 2, 1, 2, new int[]{2, 1, 0, 3})
                        .withDilation(2, 3), 2, 2, 9, 8),
                max("x[1,2,7,6] k2 SAME_UPPER", window(2, 2, 1, 1, null).withAutoPad(AutoPad.SAME_UPPER), 1, 2, 7, 6),
                max("x[1,2,7,6] k4x3 s2 SAME_LOWER ceil", window(4, 3, 2, 2, null).withAutoPad(AutoPad.SAME_LOWER)
                        .withCeilMode(true), 1, 2, 7, 6),
                max("x[2,2,5,6] k3 pads 2 (ONNX only)", window(3, 3, 1, 2, new int[]{2, 2, 2, 2}), 2, 2, 5, 6),
                new GradcheckCase("maxPool2d", "with indices x[2,3,6,7] k3 s2 pads (1,0,1,2) ceil", r -> Problem.of(
                        t -> MaxPool2d.withIndices(t[0], window(3, 3, 2, 2, new int[]{1, 0, 1, 2}).withCeilMode(true))
                                .y(), distinct(r, 2, 3, 6, 7))),
                avg("x[2,2,7,8] k3x2 s2 pads (0,1,2,0), padding counted", window(3, 2, 2, 2, new int[]{0, 1, 2, 0}),
                        true, 2, 2, 7, 8),
                avg("x[2,2,7,8] k3x2 s2 pads (0,1,2,0), padding not counted", window(3, 2, 2, 2, new int[]{0, 1, 2, 0}),
                        false, 2, 2, 7, 8),
                avg("x[1,3,6,7] k3 s2 pads 1 ceil, padding counted", window(3, 3, 2, 2, new int[]{1, 1, 1, 1})
                        .withCeilMode(true), true, 1, 3, 6, 7),
                avg("x[1,2,7,6] k2 SAME_LOWER", window(2, 2, 1, 1, null).withAutoPad(AutoPad.SAME_LOWER), false,
                        1, 2, 7, 6),
                avg("x[2,2,5,6] k3 pads 2, padding not counted", window(3, 3, 2, 1, new int[]{2, 2, 2, 2}), false,
                        2, 2, 5, 6));
    }
}
