package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.awayFromZero;
import static org.lrml.gradcheck.Inputs.normal;
import static org.lrml.gradcheck.Inputs.positive;
import static org.lrml.gradcheck.Inputs.uniform;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.Sigmoid;
import org.lrml.ops.Tanh;

/** Elementwise ops, including broadcasting in both directions and inputs used twice. */
public final class ElementwiseCases {
    private ElementwiseCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("add", "[3,5]+[3,5]", r -> Problem.of(t -> t[0].add(t[1]), normal(r, 3, 5), normal(r, 3, 5))),
                new GradcheckCase("add", "[2,3,5]+[5] broadcast", r -> Problem.of(t -> t[0].add(t[1]), normal(r, 2, 3, 5), normal(r, 5))),
                new GradcheckCase("add", "[2,1,5]+[3,1] broadcast both", r -> Problem.of(t -> t[0].add(t[1]), normal(r, 2, 1, 5), normal(r, 3, 1))),
                new GradcheckCase("sub", "[4,3]-[4,1]", r -> Problem.of(t -> t[0].sub(t[1]), normal(r, 4, 3), normal(r, 4, 1))),
                new GradcheckCase("mul", "[3,7]*[3,7]", r -> Problem.of(t -> t[0].mul(t[1]), normal(r, 3, 7), normal(r, 3, 7))),
                new GradcheckCase("mul", "[2,3,1,5]*[3,4,1] broadcast", r -> Problem.of(t -> t[0].mul(t[1]), normal(r, 2, 3, 1, 5), normal(r, 3, 4, 1))),
                new GradcheckCase("mul", "x*x (input used twice)", r -> Problem.of(t -> t[0].mul(t[0]), normal(r, 5, 3))),
                new GradcheckCase("div", "[3,5]/[3,5]", r -> Problem.of(t -> t[0].div(t[1]), normal(r, 3, 5), positive(r, 3, 5))),
                new GradcheckCase("div", "[3,5]/[1,5] broadcast", r -> Problem.of(t -> t[0].div(t[1]), normal(r, 3, 5), positive(r, 1, 5))),
                new GradcheckCase("pow", "tensor^tensor", r -> Problem.of(t -> t[0].pow(t[1]), positive(r, 4, 3), uniform(r, -1.5, 2.5, 4, 3))),
                new GradcheckCase("pow", "[2,3,4]^[1] (GeM-style p)", r -> Problem.of(t -> t[0].pow(t[1]), positive(r, 2, 3, 4), uniform(r, 1.5, 3.5, 1))),
                new GradcheckCase("maximum", "[5,3] vs [5,3]", r -> Problem.of(t -> t[0].maximum(t[1]), normal(r, 5, 3), normal(r, 5, 3))),
                new GradcheckCase("minimum", "[5,3] vs [3]", r -> Problem.of(t -> t[0].minimum(t[1]), normal(r, 5, 3), normal(r, 3))),
                new GradcheckCase("neg", "[7]", r -> Problem.of(t -> t[0].neg(), normal(r, 7))),
                new GradcheckCase("exp", "[3,5]", r -> Problem.of(t -> t[0].exp(), normal(r, 3, 5))),
                new GradcheckCase("log", "[3,5]", r -> Problem.of(t -> t[0].log(), positive(r, 3, 5))),
                new GradcheckCase("sqrt", "[3,5]", r -> Problem.of(t -> t[0].sqrt(), positive(r, 3, 5))),
                new GradcheckCase("pow", "x^2.5", r -> Problem.of(t -> t[0].pow(2.5), positive(r, 3, 5))),
                new GradcheckCase("pow", "x^-1", r -> Problem.of(t -> t[0].pow(-1.0), positive(r, 3, 5))),
                new GradcheckCase("abs", "[4,5]", r -> Problem.of(t -> t[0].abs(), awayFromZero(r, 4, 5))),
                new GradcheckCase("relu", "[4,5]", r -> Problem.of(t -> t[0].relu(), awayFromZero(r, 4, 5))),
                new GradcheckCase("clamp", "[-0.5, 0.5]", r -> Problem.of(t -> t[0].clamp(-0.5, 0.5), awayFromZeroOf(r, 0.5, 6, 5))),
                new GradcheckCase("tanh", "[4,5], saturating tails", r -> Problem.of(t -> Tanh.apply(t[0]), uniform(r, -4.0, 4.0, 4, 5))),
                new GradcheckCase("sigmoid", "[4,5], saturating tails", r -> Problem.of(t -> Sigmoid.apply(t[0]), uniform(r, -6.0, 6.0, 4, 5))),
                new GradcheckCase("affine", "2.5x - 1", r -> Problem.of(t -> t[0].mul(2.5).sub(1.0), normal(r, 3, 4))),
                new GradcheckCase("chain", "exp(x)*log(y)+x/y", r -> Problem.of(t -> t[0].exp().mul(t[1].log()).add(t[0].div(t[1])),
                        normal(r, 3, 4), positive(r, 3, 4))));
    }

    /** Values kept at least 0.05 away from +-edge, so clamp's kinks are never crossed. */
    private static org.lrml.tensor.Tensor awayFromZeroOf(org.lrml.util.Rng r, double edge, int... shape) {
        org.lrml.tensor.Tensor t = uniform(r, -1.0, 1.0, shape);
        double[] d = t.toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(Math.abs(d[i]) - edge) < 0.05) {
                d[i] = Math.signum(d[i]) * (edge + 0.1);
            }
        }
        return org.lrml.tensor.Tensor.of(org.lrml.backend.Backends.cpu(), d, shape).requiresGrad(true);
    }
}
