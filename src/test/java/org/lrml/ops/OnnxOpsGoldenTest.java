package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Golden;
import org.lrml.testutil.TestData;

/**
 * The ONNX semantics of the ops against PyTorch 1.13 (golden/onnx_ops.json, made by make_onnx_ops_golden.py, which
 * says how the cases PyTorch cannot state directly are built): pooling windows (asymmetric pads, SAME_UPPER /
 * SAME_LOWER, ceil mode, dilation, pads up to the kernel size) and max-pool indices, softmax and log-softmax over
 * any axis, gather with negative and 2-D indices, transposed convolution. Every case: the output and the gradient
 * of every input, in float64 (float64 tolerance) and float32 (float32 tolerance); indices exactly.
 */
class OnnxOpsGoldenTest {

    private static Tensor tensor(JsonNode t, DType dtype, boolean grad) {
        return Tensor.fromDoubles(Backends.cpu(), dtype, Golden.doubles(t.get("data")), Golden.ints(t.get("shape")))
                .requiresGrad(grad);
    }

    static PoolWindow window(JsonNode w) {
        PoolWindow win = PoolWindow.onnx(Golden.ints(w.get("kernel")), Golden.ints(w.get("stride")),
                Golden.ints(w.get("pads")), Golden.ints(w.get("dilation")), w.get("ceil").asBoolean(),
                AutoPad.parse("test", w.get("autoPad").asText()));
        return win;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPytorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Golden.read("onnx_ops.json").get("cases")) {
            for (DType dt : DType.values()) {
                String what = c.get("op").asText() + " " + c.get("name").asText() + " " + dt.numpyName();
                tests.add(DynamicTest.dynamicTest(what, () -> run(c, dt, what)));
            }
        }
        return tests.stream();
    }

    private static void run(JsonNode c, DType dt, String what) {
        Map<String, Tensor> in = new java.util.LinkedHashMap<>();
        for (String name : new String[]{"x", "w", "b"}) {
            if (c.has(name)) {
                in.put(name, tensor(c.get(name), dt, true));
            }
        }
        Tensor x = in.get("x");
        Tensor y = switch (c.get("op").asText()) {
            case "maxPool2d" -> {
                MaxPool2d.WithIndices r = MaxPool2d.withIndices(x, window(c.get("window")));
                long[] expected = new long[c.get("indices").size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = c.get("indices").get(i).asLong();
                }
                assertArrayEquals(expected, r.indices(), what + " indices");
                Tensor plain = MaxPool2d.apply(x.detach(), window(c.get("window")));
                TestData.assertClose(what + " y without indices", TestData.values(r.y()), plain);
                yield r.y();
            }
            case "avgPool2d" -> AvgPool2d.apply(x, window(c.get("window")), c.get("countIncludePad").asBoolean());
            case "softmax" -> Softmax.apply(x, c.get("axis").asInt());
            case "logSoftmax" -> LogSoftmax.apply(x, c.get("axis").asInt());
            case "gather" -> Gather.apply(x, c.get("axis").asInt(), Golden.ints(c.get("indices")),
                    Golden.ints(c.get("indicesShape")));
            case "convTranspose2d" -> ConvTranspose2d.apply(x, in.get("w"), in.get("b"), Golden.ints(c.get("stride")),
                    Golden.ints(c.get("pads")), Golden.ints(c.get("outputPadding")), Golden.ints(c.get("dilation")),
                    c.get("groups").asInt());
            default -> throw new IllegalStateException("unknown op in onnx_ops.json: " + c.get("op"));
        };
        assertArrayEquals(Golden.ints(c.get("y").get("shape")), y.shape(), what + " output shape");
        TestData.assertClose(what + " y", Golden.doubles(c.get("y").get("data")), y);
        y.backward(tensor(c.get("dy"), dt, false));
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            TestData.assertClose(what + " d" + e.getKey(), Golden.doubles(c.get("d" + e.getKey()).get("data")),
                    e.getValue().grad());
        }
    }
}
