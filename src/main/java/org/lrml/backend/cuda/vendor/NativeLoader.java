package org.lrml.backend.cuda.vendor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a vendor library by its path into the process, so that JCuda's JNI libraries and the FFM bindings, which
 * ask for it by its soname, find it already there (the dynamic loader matches a loaded library by soname before it
 * searches). When the loader cannot find one of the library's own dependencies (libcublas.so.13 needs
 * libcublasLt.so.13; PyTorch's wheels keep them in folders the loader does not search), that dependency is looked
 * for in the library's own folder, then in the {@link LibrarySearch}, loaded first, and the library loaded again.
 */
public final class NativeLoader {
    private static final Pattern MISSING = Pattern.compile("([^\\s:/]+\\.so[.0-9]*): cannot open shared object file");
    private static final int MAX_DEPENDENCIES = 32;

    private NativeLoader() {
    }

    /** How a library failed to load, in one line. */
    public static final class LoadFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LoadFailure(String message) {
            super(message);
        }
    }

    /** Loads {@code library}; returns every file loaded for it, dependencies first, the library last. */
    public static List<Path> load(Path library, LibrarySearch search) throws LoadFailure {
        List<Path> loaded = new ArrayList<>();
        load(library.toAbsolutePath(), search, loaded, new HashSet<>(), library.toAbsolutePath());
        return loaded;
    }

    private static void load(Path library, LibrarySearch search, List<Path> loaded, Set<String> tried, Path top)
            throws LoadFailure {
        while (true) {
            try {
                System.load(library.toString());
                loaded.add(library);
                return;
            } catch (UnsatisfiedLinkError e) {
                String msg = String.valueOf(e.getMessage());
                String missing = missingDependency(msg);
                if (missing == null || !tried.add(missing) || tried.size() > MAX_DEPENDENCIES) {
                    throw new LoadFailure(describe(library, top) + " does not load: " + firstLine(msg));
                }
                Path dep = search.find(missing, library.getParent());
                if (dep == null) {
                    throw new LoadFailure(describe(library, top) + " needs " + missing + ", which is "
                            + search.notFound(missing));
                }
                load(dep.toAbsolutePath(), search, loaded, tried, top);
            }
        }
    }

    /** The soname the dynamic loader could not find, from its message; null for any other failure. */
    static String missingDependency(String message) {
        Matcher m = MISSING.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static String describe(Path library, Path top) {
        return library.equals(top) ? library.toString() : library + " (needed by " + top.getFileName() + ")";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
