package org.lrml.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/**
 * Conv2d and BatchNorm2d against PyTorch 1.13 (values in src/test/resources/golden, made by
 * make_conv_golden.py): forward outputs, gradients of every input, and batch norm's updated running
 * statistics, in float64 (float64 tolerance) and float32 (float32 tolerance, the fast paths).
 */
class ConvGoldenTest {

    private static JsonNode load(String name) throws IOException {
        try (InputStream in = ConvGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource golden/" + name
                        + "; regenerate with /usr/bin/python3 src/test/resources/golden/make_conv_golden.py");
            }
            return new ObjectMapper().readTree(in);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static double[] values(JsonNode t) {
        JsonNode d = t.get("data");
        double[] out = new double[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i).asDouble();
        }
        return out;
    }

    private static Tensor tensor(JsonNode t, DType dtype, boolean grad) {
        return Tensor.fromDoubles(Backends.cpu(), dtype, values(t), ints(t.get("shape"))).requiresGrad(grad);
    }

    @TestFactory
    Stream<DynamicTest> conv2dMatchesPytorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("conv2d.json").get("cases")) {
            for (DType dt : DType.values()) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " " + dt.numpyName(), () -> {
                    String what = "conv2d " + c.get("name").asText() + " " + dt.numpyName();
                    Tensor x = tensor(c.get("x"), dt, true);
                    Tensor w = tensor(c.get("w"), dt, true);
                    Tensor b = c.has("b") ? tensor(c.get("b"), dt, true) : null;
                    Tensor y = Conv2d.apply(x, w, b, ints(c.get("stride")), ints(c.get("padding")),
                            ints(c.get("dilation")), c.get("groups").asInt());
                    TestData.assertClose(what + " y", values(c.get("y")), y);
                    y.backward(tensor(c.get("dy"), dt, false));
                    TestData.assertClose(what + " dx", values(c.get("dx")), x.grad());
                    TestData.assertClose(what + " dw", values(c.get("dw")), w.grad());
                    if (b != null) {
                        TestData.assertClose(what + " db", values(c.get("db")), b.grad());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> batchNormTrainingStepMatchesPytorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : load("batchnorm.json").get("cases")) {
            for (DType dt : DType.values()) {
                tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " " + dt.numpyName(), () -> {
                    String what = "batchNorm2d " + c.get("name").asText() + " " + dt.numpyName();
                    double momentum = c.get("momentum").asDouble();
                    double eps = c.get("eps").asDouble();
                    Tensor x = tensor(c.get("x"), dt, true);
                    Tensor gamma = tensor(c.get("gamma"), dt, true);
                    Tensor beta = tensor(c.get("beta"), dt, true);
                    Tensor rm = tensor(c.get("running_mean"), dt, false);
                    Tensor rv = tensor(c.get("running_var"), dt, false);
                    Tensor y = BatchNorm2d.apply(x, gamma, beta, rm, rv, BatchNorm2d.Mode.TRAINING, momentum, eps);
                    TestData.assertClose(what + " y", values(c.get("y")), y);
                    TestData.assertClose(what + " running mean", values(c.get("running_mean_after")), rm);
                    TestData.assertClose(what + " running var", values(c.get("running_var_after")), rv);
                    y.backward(tensor(c.get("dy"), dt, false));
                    TestData.assertClose(what + " dx", values(c.get("dx")), x.grad());
                    TestData.assertClose(what + " dgamma", values(c.get("dgamma")), gamma.grad());
                    TestData.assertClose(what + " dbeta", values(c.get("dbeta")), beta.grad());
                    Tensor yEval = BatchNorm2d.apply(x.detach(), gamma.detach(), beta.detach(), rm, rv,
                            BatchNorm2d.Mode.INFERENCE, momentum, eps);
                    TestData.assertClose(what + " inference with the updated statistics",
                            values(c.get("y_eval_after")), yEval);
                }));
            }
        }
        return tests.stream();
    }
}
