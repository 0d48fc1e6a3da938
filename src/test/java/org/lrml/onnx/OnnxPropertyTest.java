package org.lrml.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lrml.autograd.NoGrad;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.export.OnnxExport;
import org.lrml.onnx.load.OnnxImporter;
import org.lrml.onnx.proto.OnnxProto.AttributeProto;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.onnx.proto.OnnxProto.NodeProto;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Fuzz;
import org.lrml.testutil.Mutator;
import org.lrml.util.Rng;

/**
 * Property: every .onnx input, valid or not, is imported or refused with an error whose message is one printable
 * line naming the file (as {@code lrml import --onnx} prints it), never another exception, a hang, or memory beyond
 * 16 bytes per input byte. Inputs: small lrml exports at every opset, mutated at the byte level (protobuf's
 * lengths, tags and varints) or in their structure (ops renamed, inputs dropped or pointed elsewhere, attributes of
 * other types and values, initializers removed, nodes reordered).
 */
class OnnxPropertyTest {
    private static final String[] OPS = {"Conv", "Relu", "MaxPool", "AveragePool", "Gemm", "Reshape", "Gather",
            "Slice", "Expand", "Concat", "Clip", "ReduceMean", "ReduceL2", "Softmax", "Cast", "Shape", "Squeeze",
            "Unsqueeze", "Flatten", "Transpose", "BatchNormalization", "Pow", "Div", "LpNormalization", "Loop",
            "Constant", "Identity", "Dropout", ""};
    private static final String[] ATTRS = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad", "axis",
            "axes", "perm", "to", "keepdims", "epsilon", "ceil_mode", "storage_order", "value", "transB", "p", "x"};
    private static final List<ModelProto> BASES = bases();

    private static List<ModelProto> bases() {
        RetrievalNet net = new RetrievalNet(new RetrievalNet.Config(1, new int[]{2, 3, 4}, 4,
                RetrievalNet.Pooling.GEM, 3.0), new Rng(1));
        List<ModelProto> out = new ArrayList<>();
        for (int opset : new int[]{13, 17, 18, 21}) {
            out.add(OnnxExport.export(net, new OnnxExport.Options(opset, opset % 2 == 1, 2, new int[]{8, 8})));
        }
        return out;
    }

    @Test
    void everyModelIsImportedOrRefusedInOneNamedLine() {
        Fuzz.Summary s = Fuzz.Property.ofBytes("onnx", OnnxPropertyTest::generate,
                Fuzz.documented(IOException.class, OnnxPropertyTest::importAsTheCliDoes), 16, 2 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    /** Imported graphs run on a 2 x 1 x 8 x 8 input: a result, or an error naming the node, never another exception. */
    @Test
    void everyImportedModelRunsOrRefusesInOneNamedLine() {
        Fuzz.Summary s = Fuzz.Property.ofBytes("onnx-run", OnnxPropertyTest::generate,
                Fuzz.documented(IOException.class, OnnxPropertyTest::importAndRun), 64, 64 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    private static void importAndRun(byte[] bytes, String name) throws IOException {
        ModelProto m = OnnxFiles.parse(bytes, name);
        try (NoGrad ng = NoGrad.enter()) {
            OnnxImporter.read(m).network().forward(Tensor.of(new float[2 * 64], 2, 1, 8, 8));
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    /** lrml import --onnx: parse, then import; the importer's refusals are prefixed with the file as the CLI does. */
    private static void importAsTheCliDoes(byte[] bytes, String name) throws IOException {
        ModelProto m = OnnxFiles.parse(bytes, name);
        try {
            OnnxImporter.read(m);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private static byte[] generate(Random rng) {
        ModelProto base = BASES.get(rng.nextInt(BASES.size()));
        if (rng.nextInt(3) == 0) {
            return Mutator.mutate(base.toByteArray(), rng, 3, null);
        }
        GraphProto.Builder g = base.getGraph().toBuilder();
        int edits = 1 + rng.nextInt(3);
        for (int e = 0; e < edits; e++) {
            edit(g, rng);
        }
        return base.toBuilder().setGraph(g).build().toByteArray();
    }

    private static void edit(GraphProto.Builder g, Random rng) {
        int at = rng.nextInt(g.getNodeCount());
        NodeProto.Builder n = g.getNode(at).toBuilder();
        switch (rng.nextInt(8)) {
            case 0 -> n.setOpType(OPS[rng.nextInt(OPS.length)]);
            case 1 -> {
                if (n.getInputCount() > 0) {
                    List<String> in = new ArrayList<>(n.getInputList());
                    in.remove(rng.nextInt(in.size()));
                    n.clearInput().addAllInput(in);
                }
            }
            case 2 -> {
                if (n.getInputCount() > 0) {
                    String other = rng.nextBoolean() ? "" : rng.nextBoolean() ? "nowhere"
                            : g.getNode(rng.nextInt(g.getNodeCount())).getOutput(0);
                    n.setInput(rng.nextInt(n.getInputCount()), other);
                }
            }
            case 3 -> n.addAttribute(attribute(rng));
            case 4 -> {
                if (n.getAttributeCount() > 0) {
                    AttributeProto a = attribute(rng);
                    n.setAttribute(rng.nextInt(n.getAttributeCount()), a.toBuilder()
                            .setName(n.getAttribute(rng.nextInt(n.getAttributeCount())).getName()));
                }
            }
            case 5 -> {
                if (g.getInitializerCount() > 0) {
                    g.removeInitializer(rng.nextInt(g.getInitializerCount()));
                }
            }
            case 6 -> {
                int other = rng.nextInt(g.getNodeCount());
                NodeProto swap = g.getNode(other);
                g.setNode(other, n.build());
                n = swap.toBuilder();
            }
            default -> n.clearOutput().addOutput(rng.nextBoolean() ? "" : g.getInput(0).getName());
        }
        g.setNode(at, n);
    }

    private static AttributeProto attribute(Random rng) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(ATTRS[rng.nextInt(ATTRS.length)]);
        long[] values = {0, 1, 2, 3, -1, -2, 1 << 20, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        switch (rng.nextInt(5)) {
            case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(values[rng.nextInt(values.length)]);
            case 1 -> {
                a.setType(AttributeProto.AttributeType.INTS);
                int k = rng.nextInt(6);
                for (int i = 0; i < k; i++) {
                    a.addInts(values[rng.nextInt(values.length)]);
                }
            }
            case 2 -> a.setType(AttributeProto.AttributeType.FLOAT).setF(rng.nextBoolean() ? Float.NaN : -1e30f);
            case 3 -> a.setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString
                    .copyFromUtf8(rng.nextBoolean() ? "SAME_UPPER" : "\u0000\n"));
            default -> a.setType(AttributeProto.AttributeType.GRAPH);
        }
        return a.build();
    }
}
