package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.UnaryOp;

/**
 * The Java enums and kernels/elementwise.cu number the elementwise ops in two places; this holds them equal (name
 * for name, code for code, and every code has its case in the kernel's switch), so adding an op to one side only
 * fails the default build instead of a GPU run.
 */
class OpCodesTest {

    private static Map<String, Integer> defines(String source, String prefix) {
        Map<String, Integer> m = new TreeMap<>();
        Matcher d = Pattern.compile("(?m)^#define " + prefix + "([A-Z0-9_]+)\\s+(\\d+)\\s*$").matcher(source);
        while (d.find()) {
            m.put(d.group(1), Integer.parseInt(d.group(2)));
        }
        return m;
    }

    private static void check(String prefix, Map<String, Integer> java, String source) {
        Map<String, Integer> cu = defines(source, prefix);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> e : java.entrySet()) {
            Integer c = cu.get(e.getKey());
            if (c == null) {
                problems.add(e.getKey() + " = " + e.getValue() + " has no #define " + prefix + e.getKey());
            } else if (!c.equals(e.getValue())) {
                problems.add(e.getKey() + " is " + e.getValue() + " in Java but " + c + " in elementwise.cu");
            }
            if (!source.contains("case " + prefix + e.getKey() + ":")) {
                problems.add(prefix + e.getKey() + " has no case in elementwise.cu's switch");
            }
        }
        for (String name : cu.keySet()) {
            if (!java.containsKey(name)) {
                problems.add("#define " + prefix + name + " has no constant in the Java enum");
            }
        }
        assertTrue(problems.isEmpty(), "kernels/elementwise.cu and the Java op enums disagree: " + problems);
        assertEquals(java.size(), java.values().stream().distinct().count(), prefix + "codes must be distinct: " + java);
    }

    @Test
    void unaryCodesMatchTheKernel() {
        Map<String, Integer> java = new TreeMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            java.put(op.name(), op.code());
        }
        check("U_", java, KernelSources.source("elementwise"));
    }

    @Test
    void binaryCodesMatchTheKernel() {
        Map<String, Integer> java = new TreeMap<>();
        for (BinaryOp op : BinaryOp.values()) {
            java.put(op.name(), op.code());
        }
        check("B_", java, KernelSources.source("elementwise"));
    }

    @Test
    void aMismatchIsReported() {
        String cu = "#define U_NEG 0\n#define U_EXTRA 3\ncase U_NEG:";
        String message = assertThrows(AssertionError.class, () -> check("U_", Map.of("NEG", 1), cu)).getMessage();
        assertTrue(message.contains("NEG is 1 in Java but 0") && message.contains("U_EXTRA"),
                "the check must name both problems: " + message);
    }
}
