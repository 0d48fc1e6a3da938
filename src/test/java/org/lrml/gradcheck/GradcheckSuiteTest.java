package org.lrml.gradcheck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backends;
import org.lrml.tensor.Tensor;

/** The same checks as {@code lrml gradcheck}: every case of the suite at every seed. */
class GradcheckSuiteTest {

    @TestFactory
    Stream<DynamicTest> everyCaseAtEverySeed() {
        List<DynamicTest> tests = new ArrayList<>();
        for (GradcheckCase c : GradcheckSuite.all()) {
            for (long seed : GradcheckSuite.SEEDS) {
                tests.add(DynamicTest.dynamicTest(c.name() + " seed " + seed, () -> {
                    Gradcheck.Result r = Gradcheck.run(c, seed);
                    assertTrue(r.passed(), r.toString());
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void aWrongBackwardIsCaught() {
        // y = x^2 with a deliberately wrong backward (dx = dy x instead of 2 dy x) must fail.
        GradcheckCase wrong = new GradcheckCase("wrong-square", "", r -> Problem.of(t -> {
            Tensor x = t[0];
            Tensor y = x.detach().mul(x.detach());
            return org.lrml.autograd.Autograd.record("wrong-square", y, (dy, needs) -> new Tensor[]{dy.mul(x)}, x);
        }, Inputs.normal(r, 4, 3)));
        Gradcheck.Result r = Gradcheck.run(wrong, 1);
        assertFalse(r.passed(), "a wrong gradient passed: " + r);
        assertTrue(r.message().contains("numeric vs analytic"), r.message());
    }

    @Test
    void suiteInputsAreDoubleOnCpu() {
        for (GradcheckCase c : GradcheckSuite.all()) {
            Problem p = c.factory().apply(new org.lrml.util.Rng(5));
            for (Tensor t : p.inputs()) {
                assertTrue(t.backend() == Backends.cpu() && t.dtype() == org.lrml.backend.DType.F64, c.name());
            }
        }
    }
}
