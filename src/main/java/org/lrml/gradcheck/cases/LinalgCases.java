package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.Linear;

/** Matrix products and linear layers. */
public final class LinalgCases {
    private LinalgCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("matmul", "[5,3]@[3,4]", r -> Problem.of(t -> t[0].matmul(t[1]), normal(r, 5, 3), normal(r, 3, 4))),
                new GradcheckCase("matmul", "batched [2,5,3]@[2,3,4]", r -> Problem.of(t -> t[0].matmul(t[1]), normal(r, 2, 5, 3), normal(r, 2, 3, 4))),
                new GradcheckCase("matmul", "shared B [2,3,5,3]@[3,4]", r -> Problem.of(t -> t[0].matmul(t[1]), normal(r, 2, 3, 5, 3), normal(r, 3, 4))),
                new GradcheckCase("matmul", "shared A [5,3]@[3,3,4]", r -> Problem.of(t -> t[0].matmul(t[1]), normal(r, 5, 3), normal(r, 3, 3, 4))),
                new GradcheckCase("matmul", "x^T x [6,3]", r -> Problem.of(t -> t[0].transpose(0, 1).matmul(t[0]), normal(r, 6, 3))),
                new GradcheckCase("linear", "[5,3]->[5,4] with bias", r -> Problem.of(t -> Linear.apply(t[0], t[1], t[2]),
                        normal(r, 5, 3), normal(r, 4, 3), normal(r, 4))),
                new GradcheckCase("linear", "[5,3]->[5,4] no bias", r -> Problem.of(t -> Linear.apply(t[0], t[1], null),
                        normal(r, 5, 3), normal(r, 4, 3))),
                new GradcheckCase("linear", "3-D [2,3,5]->[2,3,4] with bias", r -> Problem.of(t -> Linear.apply(t[0], t[1], t[2]),
                        normal(r, 2, 3, 5), normal(r, 4, 5), normal(r, 4))));
    }
}
