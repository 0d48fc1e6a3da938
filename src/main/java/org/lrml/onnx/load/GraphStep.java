package org.lrml.onnx.load;

import java.util.List;
import java.util.Map;

/**
 * One node of an imported ONNX graph, as the engine keeps it: the node's name (ONNX's, so an error points back at
 * the file), its op, the value names it reads ("" for an omitted optional input) and writes, and its attributes as
 * plain values (Long, Double, String, or lists of Long or Double), which is also their JSON form in a checkpoint.
 *
 * @param name    the node's name in the ONNX file (or "OP_i" when it had none)
 * @param op      the ONNX operator (default domain)
 * @param inputs  value names read
 * @param outputs value names written
 * @param attrs   attributes by name
 */
public record GraphStep(String name, String op, List<String> inputs, List<String> outputs, Map<String, Object> attrs) {
    public GraphStep {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attrs = Map.copyOf(attrs);
    }

    /** "node 'NAME' (OP)": how every error about this step starts. */
    public String where() {
        return "node '" + name + "' (" + op + ")";
    }

    /** An integer attribute, or the default when absent. */
    public long i(String attr, long dflt) {
        Object v = attrs.get(attr);
        return v == null ? dflt : ((Number) v).longValue();
    }

    /** A float attribute, or the default when absent. */
    public double f(String attr, double dflt) {
        Object v = attrs.get(attr);
        return v == null ? dflt : ((Number) v).doubleValue();
    }

    /** A string attribute, or the default when absent. */
    public String s(String attr, String dflt) {
        Object v = attrs.get(attr);
        return v == null ? dflt : (String) v;
    }

    /** An integer-list attribute as ints, or null when absent. */
    public int[] ints(String attr) {
        Object v = attrs.get(attr);
        if (v == null) {
            return null;
        }
        List<?> l = (List<?>) v;
        int[] out = new int[l.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = Math.toIntExact(((Number) l.get(k)).longValue());
        }
        return out;
    }

    /** Input k, or "" when the node has fewer inputs (an omitted optional input). */
    public String input(int k) {
        return k < inputs.size() ? inputs.get(k) : "";
    }
}
