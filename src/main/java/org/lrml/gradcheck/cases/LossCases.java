package org.lrml.gradcheck.cases;

import static org.lrml.gradcheck.Inputs.normal;

import java.util.List;

import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.Problem;
import org.lrml.backend.LossSpec;
import org.lrml.mining.Similarity;

/**
 * The LRML core: pairwise similarity, and the fused tuple losses (LRML in its four readings, contrastive,
 * triplet) on N = 10 unit rows, D = 3, M = 5 tuples of K = 4 negatives; see {@link TupleLossProblems} for how
 * wn and the rank order are frozen and which regimes each case is made to cover.
 */
public final class LossCases {
    private LossCases() {
    }

    public static List<GradcheckCase> cases() {
        LossSpec lrml = LossSpec.lrml();
        LossSpec graded = lrml.withDelta(0.1);
        // eps_o 0.2 so that L_order has active pairs in a 4-negative tuple often enough.
        LossSpec ordered = lrml.withMu(0.5).withOrderEps(0.2);
        LossSpec both = lrml.withDelta(0.1).withMu(0.5).withOrderEps(0.2);
        return List.of(
                new GradcheckCase("similarity", "Q [5,3] G [4,3]",
                        r -> Problem.of(t -> Similarity.apply(t[0], t[1]), normal(r, 5, 3), normal(r, 4, 3))),
                new GradcheckCase("similarity", "Q = G [6,4]",
                        r -> Problem.of(t -> Similarity.apply(t[0], t[0]), normal(r, 6, 4))),
                tupleLoss("lrml defaults", lrml),
                tupleLoss("lrml delta=0.1", graded),
                tupleLoss("lrml mu=0.5 eps_o=0.2", ordered),
                tupleLoss("lrml delta=0.1 mu=0.5 eps_o=0.2", both),
                tupleLoss("lrml T=0 lambda=2 m=0.3", lrml.withTemperature(0).withLambda(2).withMargin(0.3)),
                tupleLoss("contrastive margin=0.7", LossSpec.contrastive(0.7)),
                tupleLoss("triplet margin=0.1", LossSpec.triplet(0.1)));
    }

    private static GradcheckCase tupleLoss(String variant, LossSpec spec) {
        return new GradcheckCase("tupleLoss", variant + " N=10 D=3 M=5 K=4",
                r -> TupleLossProblems.fused(r, spec, 10, 3, 5, 4));
    }
}
