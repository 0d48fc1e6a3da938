package org.lrml.onnx.load;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX operators and attributes the importer maps onto the engine's ops, and the attribute values it refuses
 * (each with why). Checked once per node when a file is imported, so an unsupported model fails before anything is
 * written, with one line naming the node, the op and the attribute.
 */
final class SupportedOps {
    private static final List<String> NONE = List.of();
    private static final List<String> REDUCE = List.of("axes", "keepdims", "noop_with_empty_axes");
    /** Every supported op with the attributes it may carry. */
    static final Map<String, List<String>> ATTRIBUTES = Map.ofEntries(
            Map.entry("Conv", List.of("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad")),
            Map.entry("BatchNormalization", List.of("epsilon", "momentum", "training_mode", "spatial")),
            Map.entry("MaxPool", List.of("kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad",
                    "storage_order")),
            Map.entry("AveragePool", List.of("kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad",
                    "count_include_pad")),
            Map.entry("GlobalAveragePool", NONE), Map.entry("GlobalMaxPool", NONE),
            Map.entry("Relu", NONE), Map.entry("Sigmoid", NONE), Map.entry("Tanh", NONE), Map.entry("Exp", NONE),
            Map.entry("Log", NONE), Map.entry("Neg", NONE), Map.entry("Sqrt", NONE), Map.entry("Abs", NONE),
            Map.entry("Reciprocal", NONE), Map.entry("Identity", NONE), Map.entry("Dropout", List.of("seed", "ratio")),
            Map.entry("Add", NONE), Map.entry("Sub", NONE), Map.entry("Mul", NONE), Map.entry("Div", NONE),
            Map.entry("Pow", NONE), Map.entry("Clip", List.of("min", "max")),
            Map.entry("ReduceMean", REDUCE), Map.entry("ReduceMax", REDUCE), Map.entry("ReduceSum", REDUCE),
            Map.entry("ReduceL2", REDUCE), Map.entry("ReduceSumSquare", REDUCE),
            Map.entry("LpNormalization", List.of("axis", "p")),
            Map.entry("Gemm", List.of("alpha", "beta", "transA", "transB")), Map.entry("MatMul", NONE),
            Map.entry("Flatten", List.of("axis")), Map.entry("Reshape", List.of("allowzero")),
            Map.entry("Transpose", List.of("perm")), Map.entry("Softmax", List.of("axis")),
            Map.entry("LogSoftmax", List.of("axis")), Map.entry("Gather", List.of("axis")),
            Map.entry("Unsqueeze", List.of("axes")), Map.entry("Squeeze", List.of("axes")),
            Map.entry("Concat", List.of("axis")), Map.entry("Slice", List.of("starts", "ends", "axes")),
            Map.entry("Shape", List.of("start", "end")), Map.entry("Expand", NONE), Map.entry("Cast", List.of("to")),
            Map.entry("Constant", List.of("value", "value_float", "value_floats", "value_int", "value_ints")));

    /** The type of each attribute name, the same in every op that has it: Long, List (of Long), Double or String. */
    private static final Map<String, Class<?>> TYPES = types();

    private SupportedOps() {
    }

    private static Map<String, Class<?>> types() {
        Map<String, Class<?>> t = new java.util.HashMap<>();
        for (String a : List.of("group", "ceil_mode", "storage_order", "count_include_pad", "keepdims",
                "noop_with_empty_axes", "axis", "p", "transA", "transB", "allowzero", "to", "training_mode", "spatial",
                "start", "end", "seed")) {
            t.put(a, Long.class);
        }
        for (String a : List.of("kernel_shape", "strides", "pads", "dilations", "perm", "axes", "starts", "ends")) {
            t.put(a, List.class);
        }
        for (String a : List.of("epsilon", "momentum", "alpha", "beta", "min", "max", "ratio")) {
            t.put(a, Double.class);
        }
        t.put("auto_pad", String.class);
        return t;
    }

    private static String typeName(Class<?> c) {
        return c == Long.class ? "INT" : c == List.class ? "INTS" : c == Double.class ? "FLOAT" : "STRING";
    }

    /** Each attribute of the expected type, integers within int's range (sizes, axes and indices are ints here). */
    private static void checkTypes(GraphStep s) {
        for (Map.Entry<String, Object> e : s.attrs().entrySet()) {
            Class<?> want = TYPES.get(e.getKey());
            Object v = e.getValue();
            boolean ok = want == null || want.isInstance(v)
                    && (!(v instanceof List<?> l) || l.stream().allMatch(x -> x instanceof Long));
            if (!ok) {
                throw new IllegalArgumentException(s.where() + ": attribute '" + e.getKey() + "' must be of type "
                        + typeName(want) + ", got " + v);
            }
            List<?> ints = v instanceof List<?> l ? l : v instanceof Long ? List.of(v) : List.of();
            for (Object x : ints) {
                long i = (Long) x;
                if (i > Integer.MAX_VALUE || i < Integer.MIN_VALUE) {
                    throw new IllegalArgumentException(s.where() + ": attribute '" + e.getKey() + "' holds " + i
                            + ", out of range");
                }
            }
        }
    }

    /** Sorted names of the supported ops (the README and errors list them). */
    static Set<String> names() {
        return new TreeSet<>(ATTRIBUTES.keySet());
    }

    /** Refuses an op, attribute or attribute value the engine does not implement, naming node, op and attribute. */
    static void check(GraphStep s) {
        List<String> allowed = ATTRIBUTES.get(s.op());
        if (allowed == null) {
            throw new IllegalArgumentException(s.where() + ": the op " + s.op() + " is not supported (supported: "
                    + String.join(", ", names()) + ")");
        }
        for (String a : s.attrs().keySet()) {
            if (!allowed.contains(a)) {
                throw new IllegalArgumentException(s.where() + ": attribute '" + a + "' is not supported (" + s.op()
                        + " takes " + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
            }
        }
        checkTypes(s);
        int need = requiredInputs(s);
        for (int k = 0; k < need; k++) {
            if (s.input(k).isEmpty()) {
                throw new IllegalArgumentException(s.where() + ": needs " + need + " inputs, input " + k + " is "
                        + (k < s.inputs().size() ? "empty" : "missing"));
            }
        }
        switch (s.op()) {
            case "Conv" -> {
                refuseUnless(s, "auto_pad", List.of("NOTSET", "VALID").contains(s.s("auto_pad", "NOTSET")),
                        "only NOTSET and VALID (explicit symmetric pads)");
                int[] pads = s.ints("pads");
                refuseUnless(s, "pads", pads == null || pads.length == 4 && pads[0] == pads[2] && pads[1] == pads[3],
                        "2-D convolution with the same padding at both ends of each axis");
                int[] k = s.ints("kernel_shape");
                refuseUnless(s, "kernel_shape", k == null || k.length == 2, "2-D convolution only");
            }
            case "MaxPool" -> {
                refuseUnless(s, "storage_order", s.i("storage_order", 0) == 0, "row-major indices (0) only");
                refuseUnless(s, "kernel_shape", s.ints("kernel_shape") != null && s.ints("kernel_shape").length == 2,
                        "2-D pooling only");
                if (s.outputs().size() > 1 && !s.outputs().get(1).isEmpty()) {
                    throw new IllegalArgumentException(s.where() + ": the Indices output is not supported");
                }
            }
            case "AveragePool" -> {
                refuseUnless(s, "kernel_shape", s.ints("kernel_shape") != null && s.ints("kernel_shape").length == 2,
                        "2-D pooling only");
                int[] d = s.ints("dilations");
                refuseUnless(s, "dilations", d == null || Arrays.stream(d).allMatch(v -> v == 1),
                        "dilation for max pooling only");
            }
            case "BatchNormalization" -> {
                refuseUnless(s, "training_mode", s.i("training_mode", 0) == 0, "inference (0) only");
                refuseUnless(s, "spatial", s.i("spatial", 1) == 1, "spatial 1 only");
            }
            case "ReduceMean", "ReduceMax", "ReduceSum", "ReduceL2", "ReduceSumSquare" ->
                    refuseUnless(s, "noop_with_empty_axes", s.i("noop_with_empty_axes", 0) == 0, "0 only");
            case "LpNormalization" -> refuseUnless(s, "p", s.i("p", 2) == 2, "p 2 only");
            case "Reshape" -> refuseUnless(s, "allowzero", s.i("allowzero", 0) == 0, "0 only");
            case "Cast" -> refuseUnless(s, "to", OnnxValues.castable(s.i("to", 1)),
                    "floating point and integer types only");
            default -> {
                // nothing beyond the attribute names
            }
        }
    }

    /** How many leading inputs an op cannot do without. */
    private static int requiredInputs(GraphStep s) {
        return switch (s.op()) {
            case "BatchNormalization" -> 5;
            case "Slice" -> s.attrs().containsKey("starts") ? 1 : 3;
            case "Conv", "Add", "Sub", "Mul", "Div", "Pow", "MatMul", "Gemm", "Reshape", "Gather", "Expand" -> 2;
            default -> 1;
        };
    }

    private static void refuseUnless(GraphStep s, String attr, boolean ok, String what) {
        if (!ok) {
            Object v = s.attrs().get(attr);
            throw new IllegalArgumentException(s.where() + ": attribute '" + attr + "' = " + v + " is not supported ("
                    + what + ")");
        }
    }
}
