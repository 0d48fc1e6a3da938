package org.lrml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backends;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/**
 * ONNX's own backend node tests (libonnx-testdata 1.12, converted by onnx-node/make_onnx_node_fixtures.py) for
 * MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool, Softmax, LogSoftmax, Gather, Conv and ConvTranspose, run
 * through the op API a user calls: the node's attributes become the op's arguments here, 1-D cases run as 2-D with a
 * unit height, and outputs are compared at the float32 tolerance (max-pool indices exactly). cases.json lists the
 * node tests of these ops that are not run and why.
 */
class OnnxNodeCasesTest {
    private static final String ROOT = "/onnx-node/";

    private static JsonNode manifest() {
        try (InputStream in = OnnxNodeCasesTest.class.getResourceAsStream(ROOT + "cases.json")) {
            if (in == null) {
                throw new IllegalStateException("test resource onnx-node/cases.json is missing; regenerate it with"
                        + " /usr/bin/python3 src/test/resources/onnx-node/make_onnx_node_fixtures.py");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NpyArray npy(String caseName, String file) {
        String path = ROOT + caseName + "/" + file;
        try (InputStream in = OnnxNodeCasesTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + path + " is missing");
            }
            return Npy.read(in.readAllBytes(), path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> nodeTestsPassThroughTheOpApi() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : manifest().get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " (" + c.get("op").asText() + ")", () -> run(c)));
        }
        return tests.stream();
    }

    @Test
    void everyCaseNotRunSaysWhy() {
        JsonNode m = manifest();
        assertFalse(m.get("cases").isEmpty());
        for (JsonNode n : m.get("notRun")) {
            assertFalse(n.get("reason").asText().isBlank(), n.get("name").asText());
        }
    }

    private static void run(JsonNode c) {
        String name = c.get("name").asText();
        JsonNode a = c.get("attributes");
        List<Tensor> in = new ArrayList<>();
        for (int i = 0; i < c.get("inputs").asInt(); i++) {
            NpyArray arr = npy(name, "input_" + i + ".npy");
            in.add(arr.isFloat() ? Tensor.of(Backends.cpu(), arr.toFloats(), arr.shape()) : null);
        }
        NpyArray expected = npy(name, "output_0.npy");
        Tensor y = switch (c.get("op").asText()) {
            case "MaxPool", "AveragePool" -> pool(c, a, in.get(0));
            case "GlobalMaxPool" -> MaxPool2d.apply(in.get(0), new int[]{in.get(0).size(2), in.get(0).size(3)},
                    new int[]{1, 1}, new int[]{0, 0});
            case "GlobalAveragePool" -> AvgPool2d.apply(in.get(0), new int[]{in.get(0).size(2), in.get(0).size(3)},
                    new int[]{1, 1}, new int[]{0, 0}, false);
            case "Softmax" -> Softmax.apply(in.get(0), integer(a, "axis", -1));
            case "LogSoftmax" -> LogSoftmax.apply(in.get(0), integer(a, "axis", -1));
            case "Gather" -> {
                NpyArray idx = npy(name, "input_1.npy");
                yield Gather.apply(in.get(0), integer(a, "axis", 0), idx.toInts(name + " indices"), idx.shape());
            }
            case "Conv" -> conv(a, in);
            case "ConvTranspose" -> convTranspose(a, in);
            default -> throw new IllegalStateException(name + ": no mapping for op " + c.get("op"));
        };
        assertArrayEquals(expected.shape(), y.shape(), name + " output shape");
        TestData.assertClose(name + " output", expected.toDoubles(), y);
    }

    private static int integer(JsonNode a, String key, int otherwise) {
        return a.has(key) ? a.get(key).asInt() : otherwise;
    }

    private static int[] ints(JsonNode a, String key) {
        if (!a.has(key)) {
            return null;
        }
        int[] v = new int[a.get(key).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(key).get(i).asInt();
        }
        return v;
    }

    /** A 1-D attribute list {v} as 2-D {unit, v}; pads {b, e} as {0, b, 0, e}; null stays null. */
    private static int[] lift(int[] v, int unit) {
        if (v == null) {
            return null;
        }
        if (v.length == 1) {
            return new int[]{unit, v[0]};
        }
        if (v.length == 2 && unit == 0) {
            return new int[]{0, v[0], 0, v[1]};
        }
        return v;
    }

    /** (N, C, L) as (N, C, 1, L): ONNX's 1-D spatial ops are the 2-D ones over a unit height. */
    private static Tensor as2d(Tensor t) {
        int[] s = t.shape();
        return s.length == 3 ? t.reshape(s[0], s[1], 1, s[2]) : t;
    }

    private static Tensor pool(JsonNode c, JsonNode a, Tensor x) {
        boolean oneD = x.rank() == 3;
        int[] pads = ints(a, "pads");
        PoolWindow w = PoolWindow.onnx(lift(ints(a, "kernel_shape"), 1), oneD ? lift(orOnes(ints(a, "strides"), 1), 1)
                        : ints(a, "strides"), oneD ? lift(pads == null ? new int[2] : pads, 0) : pads,
                oneD ? lift(orOnes(ints(a, "dilations"), 1), 1) : ints(a, "dilations"),
                integer(a, "ceil_mode", 0) == 1, AutoPad.parse(c.get("name").asText(),
                        a.has("auto_pad") ? a.get("auto_pad").asText() : "NOTSET"));
        Tensor x2 = as2d(x);
        Tensor y;
        if (c.get("op").asText().equals("MaxPool")) {
            MaxPool2d.WithIndices r = MaxPool2d.withIndices(x2, w, integer(a, "storage_order", 0) == 1);
            if (c.get("outputs").asInt() == 2) {
                NpyArray idx = npy(c.get("name").asText(), "output_1.npy");
                assertArrayEquals((long[]) idx.data(), r.indices(), c.get("name").asText() + " indices");
            }
            y = r.y();
        } else {
            y = AvgPool2d.apply(x2, w, integer(a, "count_include_pad", 0) == 1);
        }
        return oneD ? y.reshape(y.size(0), y.size(1), y.size(3)) : y;
    }

    private static int[] orOnes(int[] v, int n) {
        return v != null ? v : java.util.Collections.nCopies(n, 1).stream().mapToInt(Integer::intValue).toArray();
    }

    private static Tensor conv(JsonNode a, List<Tensor> in) {
        Tensor x = in.get(0);
        Tensor w = in.get(1);
        int[] stride = ints(a, "strides") == null ? new int[]{1, 1} : ints(a, "strides");
        int[] dil = ints(a, "dilations") == null ? new int[]{1, 1} : ints(a, "dilations");
        int[] pads = ints(a, "pads") == null ? new int[4] : ints(a, "pads");
        AutoPad auto = AutoPad.parse("Conv", a.has("auto_pad") ? a.get("auto_pad").asText() : "NOTSET");
        if (auto.isSame()) {
            for (int d = 0; d < 2; d++) {
                int[] p = auto.samePads(x.size(2 + d), w.size(2 + d), stride[d], dil[d]);
                pads[d] = p[0];
                pads[d + 2] = p[1];
            }
        }
        assertEquals(pads[0], pads[2], "Conv2d takes symmetric pads per axis");
        assertEquals(pads[1], pads[3], "Conv2d takes symmetric pads per axis");
        return Conv2d.apply(x, w, in.size() > 2 ? in.get(2) : null, stride, new int[]{pads[0], pads[1]}, dil,
                integer(a, "group", 1));
    }

    private static Tensor convTranspose(JsonNode a, List<Tensor> in) {
        boolean oneD = in.get(0).rank() == 3;
        Tensor x = as2d(in.get(0));
        Tensor w = as2d(in.get(1));
        int unit = 1;
        int[] stride = oneD ? lift(orOnes(ints(a, "strides"), 1), unit) : orOnes(ints(a, "strides"), 2);
        int[] dil = oneD ? lift(orOnes(ints(a, "dilations"), 1), unit) : orOnes(ints(a, "dilations"), 2);
        int[] outPad = oneD ? lift(ints(a, "output_padding"), 0) : ints(a, "output_padding");
        int[] pads = oneD ? lift(ints(a, "pads"), 0) : ints(a, "pads");
        int[] outShape = oneD ? lift(ints(a, "output_shape"), 1) : ints(a, "output_shape");
        ConvTranspose2d.Padding p = ConvTranspose2d.onnxPadding(
                AutoPad.parse("ConvTranspose", a.has("auto_pad") ? a.get("auto_pad").asText() : "NOTSET"),
                new int[]{x.size(2), x.size(3)}, new int[]{w.size(2), w.size(3)}, stride, dil, outPad, pads, outShape);
        Tensor y = ConvTranspose2d.apply(x, w, in.size() > 2 ? in.get(2) : null, stride, p.pads(), p.outputPadding(),
                dil, integer(a, "group", 1));
        return oneD ? y.reshape(y.size(0), y.size(1), y.size(3)) : y;
    }
}
