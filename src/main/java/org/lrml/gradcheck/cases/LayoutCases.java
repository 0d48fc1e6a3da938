package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.IndexSelect;

/** Reshape, permute and transpose (and the other layout ops as they land). */
public final class LayoutCases {
    private LayoutCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("reshape", "[3,4,5]->[5,-1]", r -> Problem.of(t -> t[0].reshape(5, -1).mul(t[0].reshape(5, -1)), normal(r, 3, 4, 5))),
                new GradcheckCase("permute", "[2,3,4,5] (0,2,3,1)", r -> Problem.of(t -> t[0].permute(0, 2, 3, 1), normal(r, 2, 3, 4, 5))),
                new GradcheckCase("transpose", "[3,7] (0,1)", r -> Problem.of(t -> t[0].transpose(0, 1), normal(r, 3, 7))),
                new GradcheckCase("transpose", "[2,3,5] (-1,-2)", r -> Problem.of(t -> t[0].transpose(-1, -2), normal(r, 2, 3, 5))),
                new GradcheckCase("indexSelect", "repeated rows [5,3]", r -> {
                    int[] rows = {4, 0, 4, 2, 4, 1};
                    return Problem.of(t -> IndexSelect.apply(t[0], rows), normal(r, 5, 3));
                }));
    }
}
