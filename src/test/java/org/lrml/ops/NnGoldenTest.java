package org.lrml.ops;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Golden;
import org.lrml.testutil.TestData;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Forward values and input gradients against PyTorch 1.13 (golden/nn_golden.json, made by
 * golden/make_nn_golden.py): softmax, log-softmax, cross-entropy, GeM (x and p) and F.normalize,
 * including the rows where F.normalize's eps decides.
 */
class NnGoldenTest {
    private static final JsonNode CASES = Golden.read("nn_golden.json").get("cases");

    private static Tensor input(JsonNode c, String field, DType dt) {
        return Tensor.fromDoubles(Backends.cpu(), dt, Golden.doubles(c.get(field)), Golden.ints(c.get("shape")))
                .requiresGrad(true);
    }

    /** Backpropagates sum(y * upstream) and returns y. */
    private static Tensor withUpstream(Tensor y, JsonNode c, DType dt) {
        Tensor w = Tensor.fromDoubles(Backends.cpu(), dt, Golden.doubles(c.get("upstream")), y.shape());
        y.mul(w).sum().backward();
        return y;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void softmaxAndLogSoftmax(DType dt) {
        for (String name : new String[]{"softmax", "log_softmax"}) {
            JsonNode c = CASES.get(name);
            Tensor x = input(c, "x", dt);
            Tensor y = withUpstream(name.equals("softmax") ? Softmax.apply(x) : LogSoftmax.apply(x), c, dt);
            TestData.assertClose(name + " y " + dt, Golden.doubles(c.get("y")), y);
            TestData.assertClose(name + " dx " + dt, Golden.doubles(c.get("dx")), x.grad());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void crossEntropy(DType dt) {
        JsonNode c = CASES.get("cross_entropy");
        Tensor x = input(c, "x", dt);
        Tensor loss = CrossEntropy.apply(x, Golden.ints(c.get("targets")));
        loss.backward();
        TestData.assertClose("crossEntropy loss " + dt, new double[]{c.get("loss").asDouble()}, loss);
        TestData.assertClose("crossEntropy dx " + dt, Golden.doubles(c.get("dx")), x.grad());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gem(DType dt) {
        for (String name : new String[]{"gem_p3.0", "gem_p2.5"}) {
            JsonNode c = CASES.get(name);
            Tensor x = input(c, "x", dt);
            Tensor p = Tensor.full(Backends.cpu(), dt, c.get("p").asDouble(), 1).requiresGrad(true);
            Tensor y = withUpstream(Gem.apply(x, p), c, dt);
            TestData.assertClose(name + " y " + dt, Golden.doubles(c.get("y")), y);
            TestData.assertClose(name + " dx " + dt, Golden.doubles(c.get("dx")), x.grad());
            TestData.assertClose(name + " dp " + dt, Golden.doubles(c.get("dp")), p.grad());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void l2NormalizeWithZeroAndTinyRows(DType dt) {
        JsonNode c = CASES.get("l2_normalize");
        Tensor x = input(c, "x", dt);
        Tensor y = withUpstream(L2Normalize.apply(x), c, dt);
        TestData.assertClose("l2Normalize y " + dt, Golden.doubles(c.get("y")), y);
        TestData.assertClose("l2Normalize dx " + dt, Golden.doubles(c.get("dx")), x.grad());
    }
}
