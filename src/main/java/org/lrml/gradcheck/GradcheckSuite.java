package org.lrml.gradcheck;

import java.util.ArrayList;
import java.util.List;

import org.lrml.gradcheck.cases.ConvCases;
import org.lrml.gradcheck.cases.ConvTransposeCases;
import org.lrml.gradcheck.cases.ElementwiseCases;
import org.lrml.gradcheck.cases.LandmarkCases;
import org.lrml.gradcheck.cases.LayoutCases;
import org.lrml.gradcheck.cases.LinalgCases;
import org.lrml.gradcheck.cases.LossCases;
import org.lrml.gradcheck.cases.NnCases;
import org.lrml.gradcheck.cases.PoolWindowCases;
import org.lrml.gradcheck.cases.ReductionCases;

/** Every gradient check of the engine, by op family; {@code lrml gradcheck} and the unit tests run these. */
public final class GradcheckSuite {
    /** Seeds each case runs with. */
    public static final long[] SEEDS = {1, 2, 3};

    private GradcheckSuite() {
    }

    public static List<GradcheckCase> all() {
        List<GradcheckCase> all = new ArrayList<>();
        all.addAll(ElementwiseCases.cases());
        all.addAll(ReductionCases.cases());
        all.addAll(LayoutCases.cases());
        all.addAll(LinalgCases.cases());
        all.addAll(NnCases.cases());
        all.addAll(ConvCases.cases());
        all.addAll(PoolWindowCases.cases());
        all.addAll(ConvTransposeCases.cases());
        all.addAll(LossCases.cases());
        all.addAll(LandmarkCases.cases());
        return all;
    }
}
