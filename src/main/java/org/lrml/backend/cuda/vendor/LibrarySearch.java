package org.lrml.backend.cuda.vendor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.lrml.util.Setting;

/**
 * Where the vendor libraries (libcublas.so.N, libcudnn.so.N) are looked for, in this order:
 * <ol>
 *   <li>{@code -Dlrml.cuda.libs=DIR[:DIR]}, then the environment variable {@code LRML_CUDA_LIBS} -- each DIR as
 *       given and, when it is a Python environment, a site-packages folder or a CUDA install, the library folders
 *       inside it ({@code nvidia/*}{@code /lib}, {@code lib/python3.X/site-packages/nvidia/*}{@code /lib},
 *       {@code lib64}, {@code lib});</li>
 *   <li>{@code LD_LIBRARY_PATH};</li>
 *   <li>the dynamic loader's folders: {@code /etc/ld.so.conf} with its includes, then the system folders;</li>
 *   <li>CUDA installs: {@code /usr/local/cuda/lib64}, {@code /usr/local/cuda-X.Y/lib64} (newest first);</li>
 *   <li>Python environments found by scanning common prefixes (the active virtualenv or conda environment,
 *       {@code ~/.venv}, {@code ./.venv}, conda and miniforge installs, {@code ~/.local}, {@code /usr/local},
 *       {@code /usr}, {@code /opt/conda}): their {@code site-packages/nvidia/*}{@code /lib}, where PyTorch's CUDA
 *       wheels put cuBLAS and cuDNN, and {@code site-packages/torch/lib}.</li>
 * </ol>
 * Python is never run to find them. Only folders that exist are kept, each once (by its real path). The first
 * folder holding a file of the exact name wins.
 */
public final class LibrarySearch {
    public static final String PROPERTY = "lrml.cuda.libs";
    public static final String ENV = "LRML_CUDA_LIBS";
    /** How a user names the folder when the search misses it; every not-found reason ends with it. */
    public static final String HOW_TO_NAME = "name its folder with -D" + PROPERTY + "=DIR or " + ENV + "=DIR";

    /** A folder searched and why it is searched (for lrml info). */
    public record Folder(Path path, String origin) {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    private final List<Folder> folders;

    private LibrarySearch(List<Folder> folders) {
        this.folders = List.copyOf(folders);
    }

    /** The search this process uses: its system property, environment, home and working folder. */
    public static LibrarySearch fromEnvironment() {
        return of(Setting.CUDA_LIBS.value(), System.getenv(), Path.of(System.getProperty("user.home", "/root")),
                Path.of("").toAbsolutePath(), Path.of("/"));
    }

    /**
     * The search for the given inputs; {@code root} stands for "/" so tests can lay out a file tree of their own
     * (explicit folders and LD_LIBRARY_PATH entries are taken as given).
     */
    static LibrarySearch of(String property, Map<String, String> env, Path home, Path cwd, Path root) {
        Map<Path, Folder> found = new LinkedHashMap<>();
        for (String dir : split(property)) {
            addExpanded(found, Path.of(dir), "-D" + PROPERTY);
        }
        for (String dir : split(env.get(ENV))) {
            addExpanded(found, Path.of(dir), ENV);
        }
        for (String dir : split(env.get("LD_LIBRARY_PATH"))) {
            add(found, Path.of(dir), "LD_LIBRARY_PATH");
        }
        for (Path dir : LoaderConfig.folders(root)) {
            add(found, dir, "the dynamic loader");
        }
        String multiarch = multiarch();
        for (String dir : List.of("lib/" + multiarch, "usr/lib/" + multiarch, "lib64", "usr/lib64", "lib", "usr/lib")) {
            add(found, root.resolve(dir), "the dynamic loader");
        }
        add(found, root.resolve("usr/local/cuda/lib64"), "CUDA");
        add(found, root.resolve("usr/local/cuda/lib"), "CUDA");
        for (Path cuda : newestFirst(children(root.resolve("usr/local"), "cuda-*"))) {
            add(found, cuda.resolve("lib64"), "CUDA");
            add(found, cuda.resolve("lib"), "CUDA");
        }
        for (Path prefix : pythonPrefixes(env, home, cwd, root)) {
            for (Path site : sitePackages(prefix)) {
                addPythonLibraries(found, site, "Python environment " + prefix);
            }
        }
        return new LibrarySearch(new ArrayList<>(found.values()));
    }

    public List<Folder> folders() {
        return folders;
    }

    /** The first searched file of exactly this name, or null. */
    public Path find(String soname) {
        for (Folder f : folders) {
            Path p = f.path().resolve(soname);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** The first file of this name in {@code preferred} (a library's own folder), else anywhere in the search. */
    public Path find(String soname, Path preferred) {
        if (preferred != null && Files.isRegularFile(preferred.resolve(soname))) {
            return preferred.resolve(soname);
        }
        return find(soname);
    }

    /**
     * Why a library is not there: "libcublas.so.13 not found in [folders]; found instead: libcublas.so.12 in DIR;
     * name its folder with ...". Other major versions of the same library are named, so a user sees at once that a
     * CUDA 12 install sits where CUDA 13 libraries were looked for.
     */
    public String notFound(String soname) {
        StringBuilder sb = new StringBuilder(soname).append(" not found in ").append(folders);
        List<String> others = otherVersions(soname);
        if (!others.isEmpty()) {
            sb.append("; found instead: ").append(String.join(", ", others));
        }
        return sb.append("; ").append(HOW_TO_NAME).toString();
    }

    /** "libcublas.so.12 in DIR" for every file named like the library with another version suffix. */
    List<String> otherVersions(String soname) {
        int dot = soname.indexOf(".so");
        if (dot < 0) {
            return List.of();
        }
        String stem = soname.substring(0, dot + 3);
        List<String> out = new ArrayList<>();
        for (Folder f : folders) {
            for (Path p : children(f.path(), stem + ".*")) {
                String name = p.getFileName().toString();
                if (!name.equals(soname) && name.chars().filter(c -> c == '.').count() == 2) {
                    out.add(name + " in " + f.path());
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return folders.toString();
    }

    // ---------------------------------------------------------------- building the folder list

    private static List<String> split(String pathList) {
        List<String> out = new ArrayList<>();
        if (pathList != null) {
            for (String s : pathList.split(":")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    private static void add(Map<Path, Folder> found, Path dir, String origin) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            key = dir.toAbsolutePath().normalize();
        }
        found.putIfAbsent(key, new Folder(dir, origin));
    }

    /** An explicit folder: itself, and the library folders of the environment or install it may be. */
    private static void addExpanded(Map<Path, Folder> found, Path dir, String origin) {
        add(found, dir, origin);
        addPythonLibraries(found, dir, origin);
        for (Path site : sitePackages(dir)) {
            addPythonLibraries(found, site, origin);
        }
        add(found, dir.resolve("lib64"), origin);
        add(found, dir.resolve("lib"), origin);
    }

    /** site-packages/nvidia/X/lib (PyTorch's CUDA wheels), then site-packages/torch/lib. */
    private static void addPythonLibraries(Map<Path, Folder> found, Path site, String origin) {
        for (Path pkg : children(site.resolve("nvidia"), "*")) {
            add(found, pkg.resolve("lib"), origin);
        }
        add(found, site.resolve("torch/lib"), origin);
    }

    private static List<Path> sitePackages(Path prefix) {
        List<Path> out = new ArrayList<>();
        for (String lib : List.of("lib", "lib64")) {
            for (Path py : newestFirst(children(prefix.resolve(lib), "python3*"))) {
                out.add(py.resolve("site-packages"));
                out.add(py.resolve("dist-packages"));
            }
            out.add(prefix.resolve(lib).resolve("python3/dist-packages"));
        }
        return out;
    }

    private static List<Path> pythonPrefixes(Map<String, String> env, Path home, Path cwd, Path root) {
        List<Path> out = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                out.add(Path.of(v));
            }
        }
        out.add(cwd.resolve(".venv"));
        out.add(cwd.resolve("venv"));
        out.add(home.resolve(".venv"));
        for (String conda : List.of("miniconda3", "anaconda3", "miniforge3", "mambaforge", ".conda")) {
            out.add(home.resolve(conda));
            out.addAll(children(home.resolve(conda).resolve("envs"), "*"));
        }
        out.add(root.resolve("opt/conda"));
        out.addAll(children(root.resolve("opt/conda/envs"), "*"));
        out.add(home.resolve(".local"));
        out.add(root.resolve("usr/local"));
        out.add(root.resolve("usr"));
        return out;
    }

    /** Children of dir whose names match the glob, sorted by name; none when dir does not exist. */
    private static List<Path> children(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Newest first by version numbers (cuda-12.10 before cuda-12.9), not by string order. */
    static List<Path> newestFirst(List<Path> paths) {
        List<Path> out = new ArrayList<>(paths);
        out.sort(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString())).reversed());
        return out;
    }

    /** "cuda-12.10" -> "00012.00010" so that string order is numeric order. */
    private static String versionKey(String name) {
        StringBuilder sb = new StringBuilder();
        Stream.of(name.replaceAll("[^0-9.]", "").split("\\.")).filter(s -> !s.isEmpty())
                .forEach(s -> sb.append(String.format(Locale.ROOT, "%05d.", Long.parseLong(s.length() > 9 ? s.substring(0, 9) : s))));
        return sb.toString();
    }

    /** Debian's multiarch folder name for this JVM's architecture. */
    private static String multiarch() {
        String arch = System.getProperty("os.arch", "amd64");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            case "ppc64le" -> "powerpc64le-linux-gnu";
            default -> arch + "-linux-gnu";
        };
    }
}
