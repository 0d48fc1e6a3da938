package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.constant;
import static org.lrml.gradcheck.Inputs.distinct;
import static org.lrml.gradcheck.Inputs.normal;
import static org.lrml.gradcheck.Inputs.positive;
import static org.lrml.gradcheck.Inputs.uniform;

import java.util.List;

import org.lrml.backend.Backends;
import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.CrossEntropy;
import org.lrml.ops.Dropout;
import org.lrml.ops.Gem;
import org.lrml.ops.L2Normalize;
import org.lrml.ops.LogSoftmax;
import org.lrml.ops.Mac;
import org.lrml.ops.Softmax;
import org.lrml.ops.Spoc;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;

/** Softmax family, dropout, L2 normalisation and the global poolings (MAC, SPoC, GeM). */
public final class NnCases {
    private NnCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("softmax", "[5,7]", r -> Problem.of(t -> Softmax.apply(t[0]), normal(r, 5, 7))),
                new GradcheckCase("softmax", "[2,3,4] large logits", r -> Problem.of(t -> Softmax.apply(t[0].mul(30.0)),
                        normal(r, 2, 3, 4))),
                new GradcheckCase("softmax", "[4,5,3] axis 0", r -> Problem.of(t -> Softmax.apply(t[0], 0),
                        normal(r, 4, 5, 3))),
                new GradcheckCase("softmax", "[2,6,3,2] axis 1 large logits", r -> Problem.of(
                        t -> Softmax.apply(t[0].mul(30.0), 1), normal(r, 2, 6, 3, 2))),
                new GradcheckCase("logSoftmax", "[3,4,5] axis -2", r -> Problem.of(t -> LogSoftmax.apply(t[0], -2),
                        normal(r, 3, 4, 5))),
                new GradcheckCase("logSoftmax", "[5,7]", r -> Problem.of(t -> LogSoftmax.apply(t[0]), normal(r, 5, 7))),
                new GradcheckCase("logSoftmax", "[3,1] single class", r -> Problem.of(t -> LogSoftmax.apply(t[0]).add(t[0]),
                        normal(r, 3, 1))),
                new GradcheckCase("crossEntropy", "[6,5]", r -> {
                    int[] targets = new int[6];
                    for (int i = 0; i < targets.length; i++) {
                        targets[i] = r.nextInt(5);
                    }
                    return Problem.of(t -> CrossEntropy.apply(t[0], targets), normal(r, 6, 5));
                }),
                new GradcheckCase("crossEntropy", "[4,9] repeated targets", r -> {
                    int[] targets = {8, 8, 0, 8};
                    return Problem.of(t -> CrossEntropy.apply(t[0].mul(3.0), targets), normal(r, 4, 9));
                }),
                new GradcheckCase("dropout", "p 0.3 seed 17 [7,11]", r -> Problem.of(t -> Dropout.apply(t[0], 0.3, 17L, true),
                        normal(r, 7, 11))),
                new GradcheckCase("l2Normalize", "[5,6]", r -> Problem.of(t -> L2Normalize.apply(t[0]), normal(r, 5, 6))),
                new GradcheckCase("l2Normalize", "[2,3,4] tiny rows", r -> Problem.of(t -> L2Normalize.apply(t[0].mul(1e-3)),
                        normal(r, 2, 3, 4))),
                new GradcheckCase("mac", "[2,3,4,5]", r -> Problem.of(t -> Mac.apply(t[0]), distinct(r, 2, 3, 4, 5))),
                new GradcheckCase("spoc", "[2,3,4,5]", r -> Problem.of(t -> Spoc.apply(t[0]), normal(r, 2, 3, 4, 5))),
                new GradcheckCase("gem", "x and p [2,3,4,5]", r -> Problem.of(t -> Gem.apply(t[0], t[1]),
                        positive(r, 2, 3, 4, 5), uniform(r, 2.0, 4.0, 1))),
                new GradcheckCase("gem", "p alone [3,2,3,3]", r -> Problem.of(t -> Gem.apply(t[0], t[1]),
                        constant(positive(r, 3, 2, 3, 3)), uniform(r, 1.5, 4.5, 1))),
                new GradcheckCase("gem", "x alone, p 3, 1x1 map", r -> Problem.of(t -> Gem.apply(t[0], t[1]),
                        positive(r, 4, 3, 1, 1), constant(Tensor.full(Backends.cpu(), DType.F64, 3.0, 1)))));
    }
}
