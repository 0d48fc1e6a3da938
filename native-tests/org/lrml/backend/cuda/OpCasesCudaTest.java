package org.lrml.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.GradcheckSuite;
import org.lrml.gradcheck.Problem;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * The CPU suite's op cases (every case of the gradient-check suite) through autograd on both backends in float32:
 * the forward output and every input's gradient, CUDA against CPU under the tolerance rule.
 */
@Tag("gpu")
class OpCasesCudaTest {

    @TestFactory
    Stream<DynamicTest> everySuiteCaseForwardAndBackward() {
        List<DynamicTest> tests = new ArrayList<>();
        for (GradcheckCase c : GradcheckSuite.all()) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> run(c)));
        }
        return tests.stream();
    }

    private static void run(GradcheckCase c) {
        Backend cuda = CudaAvailable.assumeCuda();
        Result cpu = evaluate(c, Backends.cpu());
        Result gpu = evaluate(c, cuda);
        Tolerance.F32.check(c.name() + " forward", gpu.shape, cpu.forward, gpu.forward);
        for (int i = 0; i < cpu.grads.size(); i++) {
            if (cpu.grads.get(i) != null) {
                String msg = Tolerance.F32.compare(c.name() + " d input " + i, null, cpu.grads.get(i), gpu.grads.get(i), true);
                if (msg != null) {
                    throw new AssertionError(msg);
                }
            }
        }
    }

    private record Result(int[] shape, double[] forward, List<double[]> grads) {
    }

    /** The case's problem in float32 on one backend; L = sum(f(x) * R) with fixed random R, as the gradient check. */
    private static Result evaluate(GradcheckCase c, Backend b) {
        Problem p = c.factory().apply(new Rng(1));
        Tensor[] in = new Tensor[p.inputs().length];
        for (int i = 0; i < in.length; i++) {
            Tensor t = p.inputs()[i];
            in[i] = t.to(DType.F32).to(b).requiresGrad(t.requiresGrad());
        }
        Tensor y = p.f().apply(in);
        Tensor r = Tensor.randn(b, DType.F32, new Rng(99), 1.0, y.shape());
        y.mul(r).sum().backward();
        List<double[]> grads = new ArrayList<>();
        for (Tensor t : in) {
            grads.add(t.requiresGrad() && t.grad() != null ? t.grad().toDoubleArray() : null);
        }
        return new Result(y.shape(), y.toDoubleArray(), grads);
    }
}
