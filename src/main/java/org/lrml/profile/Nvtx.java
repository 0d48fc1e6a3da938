package org.lrml.profile;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

import org.lrml.backend.cuda.vendor.LibrarySearch;

/**
 * Finds libnvToolsExt (NVTX 2, shipped with CUDA and in the nvidia-nvtx wheels) where the vendor libraries are
 * searched ({@code -Dlrml.cuda.libs}, {@code LRML_CUDA_LIBS}, the loader paths) and binds it through the
 * foreign-function API, which needs Java 22. Everywhere else the profiler runs without NVTX ranges and says why.
 */
final class Nvtx {
    static final String SONAME = "libnvToolsExt.so.1";
    static final String BINDING = "org.lrml.profile.NvtxFfm";
    static final int MIN_JAVA = 22;

    /** The ranges to call (a no-op when unavailable) and the one-line status for the report. */
    record Loaded(NvtxRanges ranges, String status) {
    }

    private static final NvtxRanges NONE = new NvtxRanges() {
        @Override
        public void push(String name) {
        }

        @Override
        public void pop() {
        }

        @Override
        public void mark(String name) {
        }
    };

    private Nvtx() {
    }

    static Loaded load() {
        int java = Runtime.version().feature();
        if (java < MIN_JAVA) {
            return new Loaded(NONE, "off: NVTX is bound through the foreign-function API, which needs Java " + MIN_JAVA
                    + " or newer (running " + java + ")");
        }
        LibrarySearch search = LibrarySearch.fromEnvironment();
        Path lib = search.find(SONAME);
        if (lib == null) {
            return new Loaded(NONE, "off: " + search.notFound(SONAME));
        }
        try {
            Class<?> c = Class.forName(BINDING, true, Nvtx.class.getClassLoader());
            NvtxRanges r = (NvtxRanges) c.getConstructor(Path.class).newInstance(lib);
            return new Loaded(r, "on: " + lib);
        } catch (InvocationTargetException e) {
            return new Loaded(NONE, "off: " + lib + " does not bind: " + e.getCause().getMessage());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new Loaded(NONE, "off: the NVTX binding is not in this build (" + BINDING + " is compiled into the"
                    + " jar's Java 22 part only where a JDK 22+ built it): " + e);
        }
    }
}
