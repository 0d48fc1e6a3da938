package org.lrml.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the CPU emulator of the kernels (target/emu/lrml-emu) with g++ from kernels/*.cu, kernels/common.cuh
 * and kernels/emu/: for each .cu file a generated wrapper unpacks each kernel's argument bytes into its typed
 * parameters (read from the extern "C" signatures), and the server runs kernels on request. Rebuilt only when a
 * source is newer than the binary.
 */
final class EmulatorBuild {
    static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(([^)]*)\\)");

    private EmulatorBuild() {
    }

    /** The emulator binary, built if needed; throws IllegalStateException with the reason it cannot be. */
    static Path binary(Path root) {
        return binary(root, List.of());
    }

    /** An emulator of only the named kernel files (all when empty): quicker to build for a single family. */
    static Path binary(Path root, List<String> only) {
        Path kernels = root.resolve("kernels");
        Path out = root.resolve("target/emu" + (only.isEmpty() ? "" : "-" + String.join("-", only)));
        Path bin = out.resolve("lrml-emu");
        try {
            List<Path> sources = new ArrayList<>();
            try (Stream<Path> s = Files.list(kernels)) {
                s.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh")).forEach(sources::add);
            }
            try (Stream<Path> s = Files.list(kernels.resolve("emu"))) {
                s.forEach(sources::add);
            }
            if (Files.exists(bin) && sources.stream().allMatch(p -> older(p, bin))) {
                return bin;
            }
            Path gen = out.resolve("gen");
            Files.createDirectories(gen);
            // -U_FORTIFY_SOURCE: the server switches coroutine stacks with _longjmp, which the fortified variant
            // (on by default in some distributions' compilers) refuses.
            List<String> cmd = new ArrayList<>(List.of("g++", "-std=c++17", "-O2", "-g", "-fno-strict-aliasing",
                    "-U_FORTIFY_SOURCE", "-I" + kernels, "-I" + kernels.resolve("emu"), "-include", "cuda_emu.h"));
            StringBuilder table = new StringBuilder("#include \"cuda_emu.h\"\n#include <map>\n#include <string>\n"
                    + "struct KernelEntry { void (*run)(const unsigned char*, size_t); size_t argBytes; };\n");
            List<String> stems = new ArrayList<>();
            List<Path> cuFiles = sources.stream().filter(p -> p.toString().endsWith(".cu"))
                    .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString().replace(".cu", ""))).sorted()
                    .toList();
            for (Path cu : cuFiles) {
                String stem = cu.getFileName().toString().replace(".cu", "");
                stems.add(stem);
                Path wrapper = gen.resolve("emu_" + stem + ".cpp");
                Files.writeString(wrapper, wrappers(stem, cu, Files.readString(cu)), StandardCharsets.UTF_8);
                cmd.add(wrapper.toString());
                table.append("void emu_register_").append(stem).append("(std::map<std::string, KernelEntry>&);\n");
            }
            table.append("const std::map<std::string, KernelEntry>& emu_kernels() {\n"
                    + "    static std::map<std::string, KernelEntry> m;\n    if (m.empty()) {\n");
            for (String stem : stems) {
                table.append("        emu_register_").append(stem).append("(m);\n");
            }
            table.append("    }\n    return m;\n}\n");
            Path dispatch = gen.resolve("emu_dispatch.cpp");
            Files.writeString(dispatch, table.toString(), StandardCharsets.UTF_8);
            cmd.add(dispatch.toString());
            cmd.add(kernels.resolve("emu/emu_server.cpp").toString());
            cmd.add("-o");
            cmd.add(bin + ".tmp");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("g++ is not available to build the kernel emulator: " + e.getMessage());
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("building the kernel emulator failed:\n" + String.join(" ", cmd) + "\n" + log);
            }
            Files.move(Path.of(bin + ".tmp"), bin, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return bin;
        } catch (IOException e) {
            throw new IllegalStateException("building the kernel emulator: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the kernel emulator", e);
        }
    }

    private static boolean older(Path p, Path than) {
        try {
            return Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The .cu file itself plus, per kernel, a wrapper that copies each parameter out of the argument bytes. */
    static String wrappers(String stem, Path cu, String source) {
        StringBuilder sb = new StringBuilder("// Generated by EmulatorBuild from kernels/" + stem + ".cu; do not edit.\n");
        sb.append("#include <map>\n#include <string>\n#include \"").append(cu.toAbsolutePath()).append("\"\n");
        sb.append("struct KernelEntry { void (*run)(const unsigned char*, size_t); size_t argBytes; };\n");
        List<String> registrations = new ArrayList<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) {
            String name = m.group(1);
            List<String> types = new ArrayList<>();
            for (String param : m.group(2).split(",")) {
                String p = param.trim();
                if (p.isEmpty()) {
                    continue;
                }
                Matcher id = Pattern.compile("(\\w+)\\s*$").matcher(p);
                if (!id.find()) {
                    throw new IllegalStateException("cannot read parameter '" + p + "' of " + name);
                }
                types.add(p.substring(0, id.start()).trim());
            }
            sb.append("static void emu_run_").append(name).append("(const unsigned char* a, size_t) {\n");
            sb.append("    size_t o = 0;\n");
            StringBuilder call = new StringBuilder();
            StringBuilder size = new StringBuilder("0");
            for (int i = 0; i < types.size(); i++) {
                String t = types.get(i).replace("__restrict__", "");
                sb.append("    ").append(t).append(" p").append(i).append(";\n");
                sb.append("    memcpy(&p").append(i).append(", a + o, sizeof(p").append(i).append(")); o += sizeof(p")
                        .append(i).append(");\n");
                call.append(i == 0 ? "" : ", ").append("p").append(i);
                size.append(" + sizeof(").append(t).append(")");
            }
            sb.append("    ").append(name).append("(").append(call).append(");\n}\n");
            registrations.add("    m[\"" + name + "\"] = KernelEntry{emu_run_" + name + ", " + size + "};\n");
        }
        sb.append("void emu_register_").append(stem).append("(std::map<std::string, KernelEntry>& m) {\n");
        registrations.forEach(sb::append);
        sb.append("}\n");
        return sb.toString();
    }
}
