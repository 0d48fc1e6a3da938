package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.constant;
import static org.lrml.gradcheck.Inputs.distinct;
import static org.lrml.gradcheck.Inputs.normal;
import static org.lrml.gradcheck.Inputs.positive;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.ops.BatchNorm2d;
import org.lrml.ops.BatchNorm2d.Mode;
import org.lrml.ops.Conv2d;
import org.lrml.ops.Gem;
import org.lrml.ops.L2Normalize;
import org.lrml.ops.Linear;
import org.lrml.ops.Rmac;
import org.lrml.tensor.Tensor;

/**
 * The layers of the landmark networks: R-MAC pooling (on a wide, a tall and a square map, so the regions and
 * their overlaps differ), a ResNet bottleneck block with frozen batch norm and a strided projection shortcut (the
 * composite the trunks repeat, checked for its input, all convolution weights and the batch-norm affine
 * parameters), and the head GeM, L2, whitening (linear with bias), L2.
 */
public final class LandmarkCases {
    private LandmarkCases() {
    }

    public static List<GradcheckCase> cases() {
        return List.of(
                new GradcheckCase("rmac", "x[2,3,5,8] wide, 3 levels", r -> Problem.of(t -> Rmac.apply(t[0]),
                        distinct(r, 2, 3, 5, 8))),
                new GradcheckCase("rmac", "x[1,4,9,4] tall, 2 levels", r -> Problem.of(
                        t -> Rmac.apply(t[0], 2, Rmac.DEFAULT_EPS), distinct(r, 1, 4, 9, 4))),
                new GradcheckCase("rmac", "x[2,2,6,6] square", r -> Problem.of(t -> Rmac.apply(t[0]),
                        distinct(r, 2, 2, 6, 6))),
                new GradcheckCase("bottleneck", "x[2,4,6,5] frozen BN, stride 2, projection shortcut", r -> Problem.of(
                        LandmarkCases::bottleneck, normal(r, 2, 4, 6, 5), normal(r, 2, 4, 1, 1), normal(r, 2, 2, 3, 3),
                        normal(r, 8, 2, 1, 1), normal(r, 8, 4, 1, 1), positive(r, 8), normal(r, 8),
                        constant(normal(r, 8)), constant(positive(r, 8)))),
                new GradcheckCase("landmarkHead", "map[2,6,3,4] GeM, L2, whitening 6->5, L2", r -> Problem.of(
                        t -> L2Normalize.apply(Linear.apply(L2Normalize.apply(Gem.apply(t[0], t[1])), t[2], t[3])),
                        positive(r, 2, 6, 3, 4), positive(r, 1), normal(r, 5, 6), normal(r, 5))));
    }

    /**
     * relu(bn(conv1x1(relu(conv3x3_s2(relu(conv1x1(x)))))) + bn(conv1x1_s2(x))), every batch norm frozen with the
     * same running statistics (t[7], t[8]); the affine parameters (t[5], t[6]) of the last two are checked.
     */
    private static Tensor bottleneck(Tensor[] t) {
        Tensor x = t[0];
        Tensor h = Conv2d.apply(x, t[1], null, 1, 0, 1, 1).relu();
        h = Conv2d.apply(h, t[2], null, 2, 1, 1, 1).relu();
        h = BatchNorm2d.apply(Conv2d.apply(h, t[3], null, 1, 0, 1, 1), t[5], t[6], t[7], t[8], Mode.FROZEN, 0.1, 1e-5);
        Tensor shortcut = BatchNorm2d.apply(Conv2d.apply(x, t[4], null, 2, 0, 1, 1), t[5], t[6], t[7], t[8],
                Mode.FROZEN, 0.1, 1e-5);
        return h.add(shortcut).relu();
    }
}
