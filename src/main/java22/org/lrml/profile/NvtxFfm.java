package org.lrml.profile;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NVTX 2 through the foreign-function API: {@code int nvtxRangePushA(const char*)}, {@code int nvtxRangePop(void)},
 * {@code void nvtxMarkA(const char*)} of libnvToolsExt.so.1. Names are a small set (ops, kernels, phases), so each is
 * converted to a C string once and kept for the life of the process.
 */
public final class NvtxFfm implements NvtxRanges {
    private final MethodHandle push;
    private final MethodHandle pop;
    private final MethodHandle mark;
    private final ConcurrentHashMap<String, MemorySegment> names = new ConcurrentHashMap<>();

    /**
     * Binds the library at {@code path}.
     *
     * @param path libnvToolsExt.so.1
     */
    public NvtxFfm(Path path) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        push = linker.downcallHandle(find(lib, path, "nvtxRangePushA"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        pop = linker.downcallHandle(find(lib, path, "nvtxRangePop"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        mark = linker.downcallHandle(find(lib, path, "nvtxMarkA"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private static MemorySegment find(SymbolLookup lib, Path path, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException(path + " does not export " + name));
    }

    private MemorySegment cString(String name) {
        return names.computeIfAbsent(name, n -> Arena.global().allocateFrom(n));
    }

    @Override
    public void push(String name) {
        try {
            int unused = (int) push.invokeExact(cString(name));
        } catch (Throwable t) {
            throw new IllegalStateException("nvtxRangePushA: " + t, t);
        }
    }

    @Override
    public void pop() {
        try {
            int unused = (int) pop.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("nvtxRangePop: " + t, t);
        }
    }

    @Override
    public void mark(String name) {
        try {
            mark.invokeExact(cString(name));
        } catch (Throwable t) {
            throw new IllegalStateException("nvtxMarkA: " + t, t);
        }
    }
}
