package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.ConvTranspose2d;

/**
 * Transposed convolution: x, w and b, on both of its paths (pads the convolution absorbs, and pads or output
 * padding that need the cut of an uncropped output).
 */
public final class ConvTransposeCases {
    private ConvTransposeCases() {
    }

    private static GradcheckCase convT(String variant, int[] xs, int[] ws, boolean bias, int[] stride, int[] pads,
                                       int[] outputPadding, int[] dilation, int groups) {
        return new GradcheckCase("convTranspose2d", variant, r -> {
            if (bias) {
                return Problem.of(t -> ConvTranspose2d.apply(t[0], t[1], t[2], stride, pads, outputPadding, dilation,
                        groups), normal(r, xs), normal(r, ws), normal(r, ws[1] * groups));
            }
            return Problem.of(t -> ConvTranspose2d.apply(t[0], t[1], null, stride, pads, outputPadding, dilation,
                    groups), normal(r, xs), normal(r, ws));
        });
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                convT("x[2,3,4,5] w[3,2,3,3] stride 1, bias", new int[]{2, 3, 4, 5}, new int[]{3, 2, 3, 3}, true,
                        new int[]{1, 1}, new int[4], new int[2], new int[]{1, 1}, 1),
                convT("x[1,2,4,3] w[2,3,3,2] stride 2x3, pads 1, output padding 1x2", new int[]{1, 2, 4, 3},
                        new int[]{2, 3, 3, 2}, true, new int[]{2, 3}, new int[]{1, 1, 1, 1}, new int[]{1, 2},
                        new int[]{1, 1}, 1),
                convT("x[2,4,3,4] w[4,1,3,3] groups 2, dilation 2, stride 2, pads 2x1", new int[]{2, 4, 3, 4},
                        new int[]{4, 1, 3, 3}, false, new int[]{2, 2}, new int[]{2, 1, 2, 1}, new int[2],
                        new int[]{2, 2}, 2),
                convT("x[1,2,3,4] w[2,2,3,3] stride 2, pads (0,1,1,2): cut", new int[]{1, 2, 3, 4},
                        new int[]{2, 2, 3, 3}, true, new int[]{2, 2}, new int[]{0, 1, 1, 2}, new int[2], new int[]{1, 1},
                        1),
                convT("x[1,1,3,3] w[1,2,2,2] stride 1, dilation 3, output padding 2: cut", new int[]{1, 1, 3, 3},
                        new int[]{1, 2, 2, 2}, false, new int[]{1, 1}, new int[]{1, 0, 0, 1}, new int[]{2, 2},
                        new int[]{3, 3}, 1));
    }
}
