package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where vendor libraries are looked for, on a file tree laid out like a machine with several installs. */
class LibrarySearchTest {

    private static Path lib(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), "not really a library");
    }

    private static List<Path> paths(LibrarySearch s) {
        return s.folders().stream().map(LibrarySearch.Folder::path).toList();
    }

    @Test
    void explicitFoldersComeFirstThenLdLibraryPathThenTheLoaderCudaAndPython(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("root");
        Path home = tmp.resolve("home");
        Path cwd = tmp.resolve("work");
        Files.createDirectories(cwd);
        // The dynamic loader's configuration, with an include glob.
        Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
        Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
        Files.writeString(root.resolve("etc/ld.so.conf.d/a.conf"), "# comment\n/opt/vendor/lib\n");
        Files.createDirectories(root.resolve("opt/vendor/lib"));
        Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createDirectories(root.resolve("usr/local/cuda-12.9/lib64"));
        Files.createDirectories(root.resolve("usr/local/cuda-12.10/lib64"));
        // A virtualenv named explicitly, and one found by scanning the home folder.
        Path venv = tmp.resolve("venv");
        lib(venv.resolve("lib/python3.12/site-packages/nvidia/cublas/lib"), "libcublas.so.13");
        lib(venv.resolve("lib/python3.12/site-packages/nvidia/cudnn/lib"), "libcudnn.so.9");
        lib(home.resolve(".venv/lib/python3.11/site-packages/nvidia/cublas/lib"), "libcublas.so.12");
        Path ld = tmp.resolve("ld");
        Files.createDirectories(ld);
        Path prop = tmp.resolve("prop");
        Files.createDirectories(prop);

        LibrarySearch s = LibrarySearch.of(prop.toString(), Map.of(LibrarySearch.ENV, venv.toString(),
                "LD_LIBRARY_PATH", ld + ":" + tmp.resolve("missing")), home, cwd, root);
        List<Path> p = paths(s);
        assertEquals(prop, p.get(0), s.toString());
        assertTrue(p.indexOf(venv.resolve("lib/python3.12/site-packages/nvidia/cublas/lib")) < p.indexOf(ld), s.toString());
        assertTrue(p.indexOf(ld) < p.indexOf(root.resolve("opt/vendor/lib")), s.toString());
        assertTrue(p.indexOf(root.resolve("opt/vendor/lib")) < p.indexOf(root.resolve("usr/lib/x86_64-linux-gnu")));
        assertTrue(p.indexOf(root.resolve("usr/local/cuda-12.10/lib64")) < p.indexOf(root.resolve("usr/local/cuda-12.9/lib64")),
                "newest CUDA first by version, not by name: " + s);
        assertTrue(p.contains(home.resolve(".venv/lib/python3.11/site-packages/nvidia/cublas/lib")), s.toString());
        assertTrue(!p.contains(tmp.resolve("missing")), "folders that do not exist are not searched");
        assertEquals(venv.resolve("lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.13"), s.find("libcublas.so.13"));
        assertEquals(home.resolve(".venv/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12"),
                s.find("libcublas.so.12"));
        assertNull(s.find("libcudnn.so.8"));
    }

    @Test
    void aFolderReachedTwiceIsSearchedOnce(@TempDir Path tmp) throws IOException {
        Path real = tmp.resolve("real");
        lib(real, "libcudnn.so.9");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        LibrarySearch s = LibrarySearch.of(link + ":" + real, Map.of(), tmp, tmp, tmp.resolve("root"));
        assertEquals(List.of(link), paths(s), "the first name of a folder is kept: " + s);
    }

    @Test
    void notFoundNamesTheFoldersOtherVersionsAndWhatToDo(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a");
        lib(a, "libcublas.so.12");
        lib(a, "libcublasLt.so.12");
        Path b = Files.createDirectories(tmp.resolve("b"));
        LibrarySearch s = LibrarySearch.of(a + ":" + b, Map.of(), tmp, tmp, tmp.resolve("root"));
        String why = s.notFound("libcublas.so.13");
        assertTrue(why.startsWith("libcublas.so.13 not found in [" + a + ", " + b + "]"), why);
        assertTrue(why.contains("found instead: libcublas.so.12 in " + a), why);
        assertTrue(!why.contains("libcublasLt"), "another library is not another version: " + why);
        assertTrue(why.endsWith(LibrarySearch.HOW_TO_NAME), why);
    }

    @Test
    void aSitePackagesOrCondaEnvironmentNamedExplicitlyIsExpanded(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("site-packages");
        lib(site.resolve("nvidia/cudnn/lib"), "libcudnn.so.9");
        Path conda = tmp.resolve("conda");
        lib(conda.resolve("lib"), "libcublas.so.12");
        LibrarySearch s = LibrarySearch.of(site + ":" + conda, Map.of(), tmp, tmp, tmp.resolve("root"));
        assertEquals(site.resolve("nvidia/cudnn/lib/libcudnn.so.9"), s.find("libcudnn.so.9"));
        assertEquals(conda.resolve("lib/libcublas.so.12"), s.find("libcublas.so.12"));
        assertEquals("-D" + LibrarySearch.PROPERTY, s.folders().get(0).origin());
    }

    @Test
    void thisMachinesSearchIsOnlyExistingFolders() {
        for (LibrarySearch.Folder f : LibrarySearch.fromEnvironment().folders()) {
            assertTrue(Files.isDirectory(f.path()), f + " (" + f.origin() + ")");
        }
    }
}
