package org.lrml.backend.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The functions of one loaded library as downcall handles. The library stays loaded for the life of the process
 * (global arena), as JCuda's JNI libraries do. A function the library does not export is collected, so a probe
 * names every missing one at once instead of failing at the first call.
 */
final class NativeFunctions {
    private static final Linker LINKER = Linker.nativeLinker();

    private final Path path;
    private final SymbolLookup lookup;
    private final List<String> missing = new ArrayList<>();

    NativeFunctions(Path path) {
        this.path = path;
        // The library is already in the process (NativeLoader loaded it and its dependencies by path): this only
        // takes a handle on it.
        this.lookup = SymbolLookup.libraryLookup(path, Arena.global());
    }

    /** The first of the names the library exports (cuBLAS's _v2 names, then the plain ones), or null if none. */
    MethodHandle function(FunctionDescriptor descriptor, String... names) {
        for (String name : names) {
            Optional<MemorySegment> symbol = lookup.find(name);
            if (symbol.isPresent()) {
                return LINKER.downcallHandle(symbol.get(), descriptor);
            }
        }
        missing.add(names[0]);
        return null;
    }

    /** Null when every function was found, else "libX at P does not export f, g". */
    String missingReason() {
        return missing.isEmpty() ? null : path + " does not export " + String.join(", ", missing);
    }

    Path path() {
        return path;
    }

    /** A downcall's Throwable as an unchecked exception (downcalls throw only on linkage or argument errors). */
    static RuntimeException rethrow(Throwable t, String call) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(call + ": " + t, t);
    }
}
