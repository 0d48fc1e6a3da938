package org.lrml.onnx.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.lrml.io.Printable;
import org.lrml.onnx.OnnxArray;
import org.lrml.onnx.OnnxTensors;
import org.lrml.onnx.proto.OnnxProto.AttributeProto;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.onnx.proto.OnnxProto.NodeProto;
import org.lrml.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.lrml.onnx.proto.OnnxProto.TensorProto;
import org.lrml.onnx.proto.OnnxProto.TensorShapeProto;
import org.lrml.onnx.proto.OnnxProto.ValueInfoProto;
import org.lrml.tensor.Tensor;

/**
 * An ONNX model to the engine's form of it ({@link OnnxGraph} plus its weights): float initializers and float
 * Constant nodes become the weights, integer ones host constants; every other node is checked against
 * {@link SupportedOps} and kept in order. Everything that cannot run is found here, before anything is written:
 * an unsupported op, attribute or attribute value, a second graph input, a non-float input, an op of another
 * domain, a value used before it is computed; each error is one line naming the node, op and attribute.
 */
public final class OnnxImporter {
    /** The oldest opset whose operator semantics the runner implements (BatchNormalization without spatial etc.). */
    public static final long MIN_OPSET = 7;

    /**
     * The engine's form of a model.
     *
     * @param graph   the nodes and how values are named
     * @param weights the float initializers and constants by state-dict key
     */
    public record Imported(OnnxGraph graph, Map<String, Tensor> weights) {
        public GraphNet network() {
            return new GraphNet(graph, weights);
        }
    }

    private OnnxImporter() {
    }

    /** The sorted names of the ops an imported graph may use. */
    public static Set<String> supportedOps() {
        return SupportedOps.names();
    }

    /**
     * The engine's form of the model, or an IllegalArgumentException whose message is one printable line (names and
     * values quoted from the file have their control characters escaped).
     */
    public static Imported read(ModelProto model) {
        try {
            return convert(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Printable.of(e.getMessage(), 2000), e);
        }
    }

    private static Imported convert(ModelProto model) {
        long opset = opset(model);
        GraphProto g = model.getGraph();
        Map<String, String> weightKeys = new LinkedHashMap<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, OnnxArray> integers = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            constant(t.getName(), OnnxTensors.read(t, "initializer '" + t.getName() + "'"), weightKeys, weights,
                    integers, keys);
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!weightKeys.containsKey(v.getName()) && !integers.containsKey(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the graph has " + inputs.size() + " inputs besides its initializers ("
                    + inputs.stream().map(ValueInfoProto::getName).toList() + "); the engine runs graphs of one image"
                    + " input");
        }
        ValueInfoProto input = inputs.get(0);
        if (g.getOutputCount() == 0) {
            throw new IllegalArgumentException("the graph has no output");
        }
        Set<String> known = new HashSet<>(weightKeys.keySet());
        known.addAll(integers.keySet());
        known.add(input.getName());
        List<GraphStep> steps = new ArrayList<>();
        int index = 0;
        for (NodeProto n : g.getNodeList()) {
            String name = n.getName().isEmpty() ? n.getOpType() + "_" + index : n.getName();
            index++;
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new IllegalArgumentException("node '" + name + "' (" + n.getOpType() + "): ops of the domain '"
                        + n.getDomain() + "' are not supported (only ONNX's default domain)");
            }
            if (n.getOpType().equals("Constant")) {
                if (n.getOutputCount() != 1) {
                    throw new IllegalArgumentException("node '" + name + "' (Constant): needs exactly one output");
                }
                constant(n.getOutput(0), constantValue(n, name), weightKeys, weights, integers, keys);
                known.add(n.getOutput(0));
                continue;
            }
            GraphStep s = new GraphStep(name, n.getOpType(), n.getInputList(), n.getOutputList(), attributes(n, name));
            SupportedOps.check(s);
            for (String i : s.inputs()) {
                if (!i.isEmpty() && !known.contains(i)) {
                    throw new IllegalArgumentException(s.where() + ": input '" + i + "' is not computed before it"
                            + " (the nodes must be in execution order)");
                }
            }
            if (s.outputs().isEmpty()) {
                throw new IllegalArgumentException(s.where() + ": has no output");
            }
            known.addAll(s.outputs());
            steps.add(s);
        }
        String output = g.getOutput(0).getName();
        if (!known.contains(output)) {
            throw new IllegalArgumentException("the graph output '" + output + "' is computed by no node");
        }
        OnnxGraph graph = new OnnxGraph(opset, input.getName(), dims(input), output, steps, weightKeys, integers,
                (model.getProducerName() + " " + model.getProducerVersion()).strip());
        return new Imported(graph, weights);
    }

    /** The default domain's opset; other domains may be imported as long as no node uses them. */
    private static long opset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (o.getVersion() < MIN_OPSET) {
                    throw new IllegalArgumentException("opset " + o.getVersion() + " is older than the oldest"
                            + " supported (" + MIN_OPSET + ")");
                }
                return o.getVersion();
            }
        }
        throw new IllegalArgumentException("the model imports no opset of ONNX's default domain");
    }

    /** A float constant becomes a weight (a tensor under a state-dict key), an integer one a host constant. */
    private static void constant(String name, OnnxArray a, Map<String, String> weightKeys, Map<String, Tensor> weights,
                                 Map<String, OnnxArray> integers, Set<String> keys) {
        if (a.isFloat()) {
            String key = stateKey(name, keys);
            weightKeys.put(name, key);
            weights.put(key, Tensor.of(a.floats(), a.shape()));
        } else {
            integers.put(name, a);
        }
    }

    /** A module-entry name for an ONNX value name: letters, digits and '_' only (no '.'), unique. */
    static String stateKey(String onnxName, Set<String> taken) {
        String base = onnxName.replaceAll("[^A-Za-z0-9_]", "_");
        if (base.isEmpty()) {
            base = "w";
        }
        String key = base;
        for (int i = 2; taken.contains(key); i++) {
            key = base + "_" + i;
        }
        taken.add(key);
        return key;
    }

    private static OnnxArray constantValue(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return OnnxTensors.read(a.getT(), "node '" + name + "' (Constant) value");
                case "value_float":
                    return OnnxArray.ofFloats(new int[0], new float[]{a.getF()});
                case "value_floats": {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    return OnnxArray.ofFloats(new int[]{f.length}, f);
                }
                case "value_int":
                    return OnnxArray.ofLongs(new int[0], new long[]{a.getI()});
                case "value_ints":
                    return OnnxArray.ofLongs(new int[]{a.getIntsCount()},
                            a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                default:
                    throw new IllegalArgumentException("node '" + name + "' (Constant): attribute '" + a.getName()
                            + "' is not supported (value, value_float(s), value_int(s))");
            }
        }
        throw new IllegalArgumentException("node '" + name + "' (Constant): has no value");
    }

    private static Map<String, Object> attributes(NodeProto n, String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            Object v = switch (a.getType()) {
                case INT -> a.getI();
                case FLOAT -> (double) a.getF();
                case STRING -> a.getS().toStringUtf8();
                case INTS -> new ArrayList<>(a.getIntsList());
                case FLOATS -> a.getFloatsList().stream().map(Float::doubleValue).toList();
                default -> throw new IllegalArgumentException("node '" + name + "' (" + n.getOpType() + "): attribute '"
                        + a.getName() + "' of type " + a.getType() + " is not supported");
            };
            out.put(a.getName(), v);
        }
        return out;
    }

    private static List<Object> dims(ValueInfoProto v) {
        if (!v.getType().hasTensorType()
                || v.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("the graph input '" + v.getName() + "' is not a float32 tensor");
        }
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
            out.add(d.hasDimValue() ? (Object) d.getDimValue() : (Object) (d.getDimParam().isEmpty() ? "d" + i
                    : d.getDimParam()));
            i++;
        }
        return out;
    }
}
