package org.lrml.backend.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter list of one kernel as its PTX declares it ({@code .param .u64 x}, {@code .param .f32 y},
 * {@code .param .align 8 .b8 z[64]}, {@code .param .u64 .ptr .align 8 w}), used to check every launch's {@link KernelArgs} before it reaches the
 * driver: a launcher that passes an int where the kernel expects a long would otherwise run with garbage.
 */
public record PtxSignature(String kernel, List<String> paramTypes) {

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    /**
     * {@code .param [.align N] .type [.ptr [.space] [.align N]] name[[N]]}: the pointer attributes are what LLVM and
     * newer nvcc write for kernel pointer parameters ({@code .param .u64 .ptr .global .align 16 x}).
     */
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)"
            + "(?:\\s+\\.ptr(?:\\s+\\.(?:global|const|local|shared))?(?:\\s+\\.align\\s+\\d+)?)?\\s+\\w+(?:\\[(\\d+)])?");

    /** Every .entry of a PTX text, by name, in file order. */
    public static Map<String, PtxSignature> parse(String ptx) {
        Map<String, PtxSignature> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            for (String decl : m.group(2).split(",")) {
                if (decl.isBlank()) {
                    continue;
                }
                Matcher p = PARAM.matcher(decl.trim());
                if (!p.find()) {
                    throw new IllegalStateException("PTX entry " + m.group(1) + ": cannot read parameter '" + decl.trim() + "'");
                }
                types.add(p.group(2) == null ? p.group(1) : p.group(1) + "[" + p.group(2) + "]");
            }
            out.put(m.group(1), new PtxSignature(m.group(1), List.copyOf(types)));
        }
        return out;
    }

    /** Null when the arguments fit the declaration, else what differs (parameter index, name, both types). */
    public String mismatch(KernelArgs args) {
        List<KernelArgs.Arg> list = args.list();
        if (list.size() != paramTypes.size()) {
            return kernel + " takes " + paramTypes.size() + " parameters " + paramTypes + " but the launcher passed "
                    + list.size() + " (" + args.describe() + ")";
        }
        for (int i = 0; i < list.size(); i++) {
            KernelArgs.Arg a = list.get(i);
            String t = paramTypes.get(i);
            if (!fits(a, t)) {
                return kernel + " parameter " + i + " is declared ." + t + " but the launcher passed " + a.name() + " as "
                        + a.kind() + " (" + a.bytes().length + " bytes)";
            }
        }
        return null;
    }

    private static boolean fits(KernelArgs.Arg a, String t) {
        return switch (a.kind()) {
            case PTR, I64 -> t.equals("u64") || t.equals("s64") || t.equals("b64");
            case I32 -> t.equals("u32") || t.equals("s32") || t.equals("b32");
            case F32 -> t.equals("f32");
            case F64 -> t.equals("f64");
            case STRUCT -> t.equals("b8[" + a.bytes().length + "]");
        };
    }
}
