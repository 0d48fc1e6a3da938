package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.Concat;
import org.lrml.ops.Gather;
import org.lrml.ops.IndexSelect;
import org.lrml.ops.Slice;

/** Reshape, permute, transpose, indexSelect, gather, slice and concat. */
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
                }),
                new GradcheckCase("indexSelect", "axis 2, negative and repeated [2,3,5,2]", r -> {
                    int[] idx = {-1, 0, 4, -5, 2};
                    return Problem.of(t -> IndexSelect.apply(t[0], 2, idx), normal(r, 2, 3, 5, 2));
                }),
                new GradcheckCase("gather", "axis 1, 2-D indices [3,4,2]", r -> {
                    int[] idx = {3, -1, 0, 1, -4, 2};
                    return Problem.of(t -> Gather.apply(t[0], 1, idx, new int[]{2, 3}), normal(r, 3, 4, 2));
                }),
                new GradcheckCase("gather", "last axis, scalar index [4,5]", r -> Problem.of(
                        t -> Gather.apply(t[0], -1, new int[]{-2}, new int[0]), normal(r, 4, 5))),
                new GradcheckCase("slice", "[4,7,3] axis 1 [2,-1)", r -> Problem.of(t -> Slice.apply(t[0], 1, 2, -1), normal(r, 4, 7, 3))),
                new GradcheckCase("slice", "[5,6] axis 0 [-3,5)", r -> Problem.of(t -> Slice.apply(t[0], 0, -3, 5), normal(r, 5, 6))),
                new GradcheckCase("slice", "[3,8] last axis, overlapping halves", r -> Problem.of(t -> Slice.apply(t[0], -1, 0, 5)
                        .mul(Slice.apply(t[0], -1, 3, 8)), normal(r, 3, 8))),
                new GradcheckCase("concat", "axis 1 of [2,3,4],[2,1,4],[2,5,4]", r -> Problem.of(t -> Concat.apply(List.of(t[0], t[1], t[2]), 1),
                        normal(r, 2, 3, 4), normal(r, 2, 1, 4), normal(r, 2, 5, 4))),
                new GradcheckCase("concat", "axis -1, one input twice", r -> Problem.of(t -> Concat.apply(List.of(t[0], t[1], t[0]), -1),
                        normal(r, 3, 2), normal(r, 3, 5))));
    }
}
