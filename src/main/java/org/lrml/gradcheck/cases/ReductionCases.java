package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.distinct;
import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;

/** Sum, mean and max over single axes, several axes, all axes, with and without kept dims. */
public final class ReductionCases {
    private ReductionCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("sum", "all", r -> Problem.of(t -> t[0].sum(), normal(r, 3, 5, 2))),
                new GradcheckCase("sum", "axis 1", r -> Problem.of(t -> t[0].sum(new int[]{1}, false), normal(r, 3, 5, 2))),
                new GradcheckCase("sum", "axes 0,2 keepdims", r -> Problem.of(t -> t[0].sum(new int[]{0, 2}, true), normal(r, 3, 5, 2))),
                new GradcheckCase("sum", "axis -1", r -> Problem.of(t -> t[0].sum(new int[]{-1}, false), normal(r, 4, 7))),
                new GradcheckCase("mean", "all", r -> Problem.of(t -> t[0].mean(), normal(r, 3, 5))),
                new GradcheckCase("mean", "axes 0,2,3 (batch-norm style)", r -> Problem.of(t -> t[0].mean(new int[]{0, 2, 3}, true), normal(r, 2, 3, 3, 5))),
                new GradcheckCase("max", "axis 1", r -> Problem.of(t -> t[0].max(new int[]{1}, false), distinct(r, 4, 5))),
                new GradcheckCase("max", "axes 0,2 keepdims", r -> Problem.of(t -> t[0].max(new int[]{0, 2}, true), distinct(r, 3, 4, 5))),
                new GradcheckCase("max", "all", r -> Problem.of(t -> t[0].max(new int[]{0, 1}, false), distinct(r, 3, 7))));
    }
}
