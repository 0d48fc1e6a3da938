package org.lrml.onnx.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.onnx.OnnxArray;

/**
 * An ONNX graph as the engine runs it ({@link GraphNet}): its one float input, its first output, the nodes in
 * execution order, which float initializers are the network's weights (by the state-dict key each is stored under,
 * since ONNX names such as {@code onnx::Conv_208} or {@code /pool/Constant_output_0} are not module names), and the
 * integer constants (shapes, axes, indices), which stay on the host. {@link #toMap} / {@link #fromMap} are its JSON
 * form in a checkpoint's meta.json ({@code "model": {"type": "onnx", ...}}); the weights go to the checkpoint's
 * tensors.
 *
 * @param opset      the default domain's opset the file was written for (decides the few defaults that changed)
 * @param input      the input's name
 * @param inputDims  its dimensions: Long for a fixed size, String for a symbolic one
 * @param output     the output's name
 * @param steps      the nodes in execution order
 * @param weights    float initializer name to state-dict key
 * @param integers   integer initializers and constants by name
 * @param producer   who wrote the file ("pytorch 1.13.1", "lrml 0.9.0")
 */
public record OnnxGraph(long opset, String input, List<Object> inputDims, String output, List<GraphStep> steps,
                        Map<String, String> weights, Map<String, OnnxArray> integers, String producer) {
    public static final String TYPE = "onnx";

    public OnnxGraph {
        inputDims = List.copyOf(inputDims);
        steps = List.copyOf(steps);
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        integers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(integers));
    }

    /** The input's channels (dimension 1) when fixed, else 0. */
    public int inputChannels() {
        return inputDims.size() == 4 && inputDims.get(1) instanceof Long c ? Math.toIntExact(c) : 0;
    }

    /** The JSON form (meta.json's "model"). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("opset", opset);
        m.put("producer", producer);
        m.put("input", input);
        m.put("input_dims", inputDims);
        m.put("output", output);
        List<Object> nodes = new ArrayList<>();
        for (GraphStep s : steps) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", s.name());
            n.put("op", s.op());
            n.put("inputs", s.inputs());
            n.put("outputs", s.outputs());
            n.put("attrs", new java.util.TreeMap<>(s.attrs()));
            nodes.add(n);
        }
        m.put("nodes", nodes);
        m.put("weights", weights);
        Map<String, Object> ints = new LinkedHashMap<>();
        integers.forEach((k, v) -> ints.put(k, Map.of("shape", toList(v.shape()), "values", toList(v.longs()))));
        m.put("integers", ints);
        return m;
    }

    /** The graph of a checkpoint's meta.json "model"; {@code where} names the file in errors. */
    public static OnnxGraph fromMap(Map<?, ?> m, String where) {
        try {
            List<GraphStep> steps = new ArrayList<>();
            for (Object o : (List<?>) m.get("nodes")) {
                Map<?, ?> n = (Map<?, ?>) o;
                Map<String, Object> attrs = new LinkedHashMap<>();
                ((Map<?, ?>) n.get("attrs")).forEach((k, v) -> attrs.put((String) k, plain(v)));
                steps.add(new GraphStep((String) n.get("name"), (String) n.get("op"), strings(n.get("inputs")),
                        strings(n.get("outputs")), attrs));
            }
            Map<String, String> weights = new LinkedHashMap<>();
            ((Map<?, ?>) m.get("weights")).forEach((k, v) -> weights.put((String) k, (String) v));
            Map<String, OnnxArray> ints = new LinkedHashMap<>();
            ((Map<?, ?>) m.get("integers")).forEach((k, v) -> {
                Map<?, ?> a = (Map<?, ?>) v;
                List<?> shape = (List<?>) a.get("shape");
                List<?> values = (List<?>) a.get("values");
                int[] s = new int[shape.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = ((Number) shape.get(i)).intValue();
                }
                long[] vals = new long[values.size()];
                for (int i = 0; i < vals.length; i++) {
                    vals[i] = ((Number) values.get(i)).longValue();
                }
                ints.put((String) k, OnnxArray.ofLongs(s, vals));
            });
            List<Object> dims = new ArrayList<>();
            for (Object d : (List<?>) m.get("input_dims")) {
                dims.add(d instanceof Number num ? (Object) num.longValue() : (Object) String.valueOf(d));
            }
            return new OnnxGraph(((Number) m.get("opset")).longValue(), (String) m.get("input"), dims,
                    (String) m.get("output"), steps, weights, ints, String.valueOf(m.get("producer")));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": the imported ONNX graph in meta.json is malformed (" + e
                    .getMessage() + ")", e);
        }
    }

    /** JSON numbers come back as Integer, Long or Double: attributes keep Long and Double only. */
    private static Object plain(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object e : l) {
                out.add(plain(e));
            }
            return out;
        }
        return v;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object e : (List<?>) o) {
            out.add((String) e);
        }
        return out;
    }

    private static List<Long> toList(long[] v) {
        List<Long> out = new ArrayList<>(v.length);
        for (long x : v) {
            out.add(x);
        }
        return out;
    }

    private static List<Integer> toList(int[] v) {
        List<Integer> out = new ArrayList<>(v.length);
        for (int x : v) {
            out.add(x);
        }
        return out;
    }
}
