package org.lrml.gradients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.autograd.CustomFunction;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.gradcheck.Gradcheck;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** Gradient control on the CPU ({@link GradControlCases}; the CUDA twin is native-tests' GradControlCudaTest). */
class GradControlTest {
    private final GradControlCases cases = new GradControlCases(Backends.cpu());

    @Test
    void tensorHooksInspectAndReplace() {
        cases.tensorHooksInspectAndReplace();
    }

    @Test
    void leafHookRunsBeforeAccumulation() {
        cases.leafHookRunsBeforeAccumulation();
    }

    @Test
    void retainGradOnNonLeaf() {
        cases.retainGradOnNonLeaf();
    }

    @Test
    void moduleHooks() {
        cases.moduleHooks();
    }

    @Test
    void customFunction() {
        cases.customFunction();
    }

    @Test
    void anomalyNamesLogOfZeroInForward() {
        cases.anomalyNamesLogOfZeroInForward();
    }

    @Test
    void anomalyNamesZeroOverZeroInBackward() {
        cases.anomalyNamesZeroOverZeroInBackward();
    }

    @Test
    void gradcheckProvesAHandWrittenBackwardAndCatchesAWrongOne() {
        Tensor x = Tensor.randn(Backends.cpu(), DType.F64, new Rng(3), 1.0, 5).requiresGrad(true);
        Gradcheck.Result ok = Gradcheck.check(GradControlCases.cube(), x);
        assertTrue(ok.passed(), ok.toString());
        CustomFunction badCube = new CustomFunction("bad cube") {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.save(in[0]);
                return in[0].mul(in[0]).mul(in[0]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor dy) {
                return new Tensor[]{dy.mul(ctx.saved(0)).mul(ctx.saved(0)).mul(2.0)};
            }
        };
        Gradcheck.Result bad = Gradcheck.check(badCube, x);
        assertFalse(bad.passed(), bad.toString());
        assertTrue(bad.message().contains("numeric vs analytic"), bad.message());
        Gradcheck.Result composite = Gradcheck.check(in -> in[0].exp().mul(in[1]).sum(), x,
                Tensor.randn(Backends.cpu(), DType.F64, new Rng(4), 1.0, 5).requiresGrad(true));
        assertTrue(composite.passed(), composite.toString());
    }
}
