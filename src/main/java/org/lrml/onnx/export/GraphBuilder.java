package org.lrml.onnx.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.lrml.onnx.OnnxTensors;
import org.lrml.onnx.proto.OnnxProto.AttributeProto;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.NodeProto;
import org.lrml.onnx.proto.OnnxProto.TensorProto;
import org.lrml.onnx.proto.OnnxProto.TensorShapeProto;
import org.lrml.onnx.proto.OnnxProto.TypeProto;
import org.lrml.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Builds one ONNX graph: nodes in execution order, initializers, the graph's inputs and outputs. Names are kept
 * unique (an ONNX graph is in SSA form: every value is produced once), and node names follow the module paths they
 * come from ({@code features.layer1.0.conv1/Conv}), so a runtime's error or profile points back at the engine's
 * module. The opset decides the few encodings that changed between versions (reduction axes became an input in 18).
 */
final class GraphBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final int opset;

    GraphBuilder(String name, int opset) {
        graph.setName(name);
        this.opset = opset;
    }

    int opset() {
        return opset;
    }

    /** A name not used yet: {@code hint}, or {@code hint_2}, {@code hint_3}, ... */
    String fresh(String hint) {
        String n = hint;
        for (int i = 2; names.contains(n); i++) {
            n = hint + "_" + i;
        }
        names.add(n);
        return n;
    }

    /** A float32 initializer under its own name (a parameter's state-dict key), returned as the value's name. */
    String initializer(String name, int[] shape, float[] values) {
        String n = fresh(name);
        graph.addInitializer(OnnxTensors.floats(n, shape, values));
        return n;
    }

    /** A constant int64 tensor (axes, shapes, slice bounds), stored as an initializer. */
    String longs(String hint, long... values) {
        String n = fresh(hint);
        graph.addInitializer(OnnxTensors.longs(n, new int[]{values.length}, values));
        return n;
    }

    /** A constant float32 scalar (a clamp bound, an epsilon), stored as an initializer of shape []. */
    String scalar(String hint, float value) {
        String n = fresh(hint);
        graph.addInitializer(OnnxTensors.floats(n, new int[0], new float[]{value}));
        return n;
    }

    /**
     * Adds a node with one output and returns the output's name.
     *
     * @param op     the ONNX operator
     * @param where  the module path, which names the node and its output
     * @param inputs the input value names ("" for an omitted optional input)
     * @param attrs  its attributes
     */
    String node(String op, String where, List<String> inputs, AttributeProto... attrs) {
        String out = fresh(where.isEmpty() ? op : where + "/" + op);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    /**
     * A reduction over axes: the axes as an attribute up to opset 17, as an int64 input from 18 on (the change
     * ReduceMean, ReduceMax, ReduceL2, ReduceSumSquare and the rest made in opset 18; ReduceSum made it in 13).
     */
    String reduce(String op, String where, String x, int[] axes, boolean keepDims) {
        long[] ax = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ax[i] = axes[i];
        }
        boolean axesAsInput = op.equals("ReduceSum") ? opset >= 13 : opset >= 18;
        if (axesAsInput) {
            return node(op, where, List.of(x, longs(where + "/axes", ax)), ints("keepdims", keepDims ? 1 : 0));
        }
        return node(op, where, List.of(x), ints("axes", axes), ints("keepdims", keepDims ? 1 : 0));
    }

    /** A graph input or output: float32 with these dimensions, each an Integer or a String (a symbolic size). */
    static ValueInfoProto tensorInfo(String name, List<Object> dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }

    void input(String name, List<Object> dims) {
        names.add(name);
        graph.addInput(tensorInfo(name, dims));
    }

    void output(String name, List<Object> dims) {
        graph.addOutput(tensorInfo(name, dims));
    }

    /** Renames the last node's output to {@code name} (the graph output gets a stable name, e.g. "descriptor"). */
    String renameLastOutput(String name) {
        int last = graph.getNodeCount() - 1;
        NodeProto n = graph.getNode(last);
        names.add(name);
        graph.setNode(last, n.toBuilder().setOutput(0, name));
        return name;
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto ints(String name, int... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (values.length == 1 && !isListAttribute(name)) {
            return a.setType(AttributeProto.AttributeType.INT).setI(values[0]).build();
        }
        a.setType(AttributeProto.AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** Attributes ONNX declares as lists even when they hold one value. */
    private static boolean isListAttribute(String name) {
        return List.of("axes", "kernel_shape", "strides", "pads", "dilations", "perm").contains(name);
    }

    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    static List<String> in(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
