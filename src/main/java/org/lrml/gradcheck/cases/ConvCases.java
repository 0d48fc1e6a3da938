package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.constant;
import static org.lrml.gradcheck.Inputs.distinct;
import static org.lrml.gradcheck.Inputs.normal;
import static org.lrml.gradcheck.Inputs.positive;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.AvgPool2d;
import org.lrml.ops.BatchNorm2d;
import org.lrml.ops.BatchNorm2d.Mode;
import org.lrml.ops.Conv2d;
import org.lrml.ops.MaxPool2d;
import org.lrml.util.Rng;

/** Convolution, pooling and batch normalisation: every differentiable input of each is checked. */
public final class ConvCases {
    private ConvCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                conv("x[2,3,7,6] w[4,3,3,3] pad 1, bias", new int[]{2, 3, 7, 6}, new int[]{4, 3, 3, 3}, true,
                        new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1),
                conv("x[2,2,9,8] w[3,2,3,2] stride 2x1, pad 2x1, no bias", new int[]{2, 2, 9, 8},
                        new int[]{3, 2, 3, 2}, false, new int[]{2, 1}, new int[]{2, 1}, new int[]{1, 1}, 1),
                conv("x[1,2,9,9] w[3,2,3,3] dilation 2, pad 1, bias", new int[]{1, 2, 9, 9}, new int[]{3, 2, 3, 3},
                        true, new int[]{1, 1}, new int[]{1, 1}, new int[]{2, 2}, 1),
                conv("x[2,4,6,7] w[6,2,3,3] groups 2, stride 2, pad 1, bias", new int[]{2, 4, 6, 7},
                        new int[]{6, 2, 3, 3}, true, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 2),
                conv("x[2,3,5,6] w[3,1,3,3] depthwise, pad 1, bias", new int[]{2, 3, 5, 6}, new int[]{3, 1, 3, 3},
                        true, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 3),
                conv("x[2,5,4,3] w[3,5,1,1] 1x1, bias", new int[]{2, 5, 4, 3}, new int[]{3, 5, 1, 1}, true,
                        new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1),
                new GradcheckCase("maxPool2d", "x[2,3,7,9] k3 s2 (overlapping windows)", r -> Problem.of(
                        t -> MaxPool2d.apply(t[0], 3, 2, 0), distinct(r, 2, 3, 7, 9))),
                new GradcheckCase("maxPool2d", "x[2,2,6,7] k2x3 s2x1 pad 1", r -> Problem.of(
                        t -> MaxPool2d.apply(t[0], new int[]{2, 3}, new int[]{2, 1}, new int[]{1, 1}),
                        distinct(r, 2, 2, 6, 7))),
                new GradcheckCase("avgPool2d", "x[2,3,7,6] k3 s2 pad 1, padding counted", r -> Problem.of(
                        t -> AvgPool2d.apply(t[0], new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, true),
                        normal(r, 2, 3, 7, 6))),
                new GradcheckCase("avgPool2d", "x[2,2,7,8] k3x2 s1x2 pad 1, padding not counted", r -> Problem.of(
                        t -> AvgPool2d.apply(t[0], new int[]{3, 2}, new int[]{1, 2}, new int[]{1, 1}, false),
                        normal(r, 2, 2, 7, 8))),
                batchNorm(Mode.TRAINING),
                batchNorm(Mode.INFERENCE),
                batchNorm(Mode.FROZEN));
    }

    private static GradcheckCase conv(String variant, int[] xs, int[] ws, boolean bias, int[] stride, int[] padding,
                                      int[] dilation, int groups) {
        return new GradcheckCase("conv2d", variant, r -> {
            if (bias) {
                return Problem.of(t -> Conv2d.apply(t[0], t[1], t[2], stride, padding, dilation, groups),
                        normal(r, xs), normal(r, ws), normal(r, ws[0]));
            }
            return Problem.of(t -> Conv2d.apply(t[0], t[1], null, stride, padding, dilation, groups),
                    normal(r, xs), normal(r, ws));
        });
    }

    private static GradcheckCase batchNorm(Mode mode) {
        return new GradcheckCase("batchNorm2d", mode + " x[3,4,5,3] (x, gamma, beta)", (Rng r) -> Problem.of(
                t -> BatchNorm2d.apply(t[0], t[1], t[2], t[3], t[4], mode, 0.1, 1e-5),
                normal(r, 3, 4, 5, 3), positive(r, 4), normal(r, 4), constant(normal(r, 4)),
                constant(positive(r, 4))));
    }
}
