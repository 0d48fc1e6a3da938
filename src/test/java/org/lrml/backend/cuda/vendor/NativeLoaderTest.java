package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a library whose dependency the dynamic loader cannot find by itself: the dependency is found in the
 * search, loaded first, and the library loaded again (what PyTorch's wheel layout needs: libcublas.so.13 beside
 * libcublasLt.so.13, cuDNN's sub-libraries beside each other, none on the loader's path). The stub libraries have
 * names no vendor library has, so loading them into the test JVM is harmless.
 */
class NativeLoaderTest {

    @Test
    void theMissingLibraryIsReadFromTheLoadersMessage() {
        assertEquals("libcublasLt.so.13", NativeLoader.missingDependency("/x/libcublas.so.13: libcublasLt.so.13: cannot"
                + " open shared object file: No such file or directory"));
        assertEquals("libz.so", NativeLoader.missingDependency("libz.so: cannot open shared object file"));
        assertNull(NativeLoader.missingDependency("/x/liba.so: undefined symbol: foo"));
        assertNull(NativeLoader.missingDependency("Can't load library: /x/liba.so"));
    }

    @Test
    void aDependencyInAnotherSearchedFolderIsLoadedFirst(@TempDir Path tmp) throws Exception {
        Path dep = FakeVendorLibraries.stub(tmp.resolve("deps"), "liblrmltestdep.so.1");
        Path top = FakeVendorLibraries.stub(tmp.resolve("top"), "liblrmltesttop.so.1", dep);
        LibrarySearch search = LibrarySearch.of(tmp.resolve("deps").toString(), Map.of(), tmp, tmp, tmp.resolve("root"));
        List<Path> loaded = NativeLoader.load(top, search);
        assertEquals(List.of(dep.toAbsolutePath(), top.toAbsolutePath()), loaded);
        // Loading again is a no-op for the loader and needs no dependency search.
        assertEquals(List.of(top.toAbsolutePath()), NativeLoader.load(top, search));
    }

    @Test
    void aDependencyFoundNowhereIsNamedWithTheSearch(@TempDir Path tmp) throws Exception {
        Path gone = FakeVendorLibraries.stub(tmp.resolve("gone"), "liblrmltestgone.so.1");
        Path top = FakeVendorLibraries.stub(tmp.resolve("top"), "liblrmltestorphan.so.1", gone);
        Files.delete(gone);
        LibrarySearch search = LibrarySearch.of(tmp.resolve("top").toString(), Map.of(), tmp, tmp, tmp.resolve("root"));
        NativeLoader.LoadFailure e = assertThrows(NativeLoader.LoadFailure.class, () -> NativeLoader.load(top, search));
        assertTrue(e.getMessage().startsWith(top.toAbsolutePath() + " needs liblrmltestgone.so.1, which is"
                + " liblrmltestgone.so.1 not found in [" + tmp.resolve("top") + "]"), e.getMessage());
    }

    @Test
    void anyOtherLoaderFailureIsReportedInTheLoadersWords(@TempDir Path tmp) throws Exception {
        // A library whose data reference cannot be bound: the loader refuses it whatever the search holds.
        Path src = Files.writeString(tmp.resolve("unbound.c"), "extern int lrml_test_absent; int f(void) { return"
                + " lrml_test_absent; }\n");
        Path lib = tmp.resolve("liblrmltestunbound.so.1");
        int exit;
        try {
            Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
                    .redirectErrorStream(true).start();
            gcc.getInputStream().readAllBytes();
            exit = gcc.waitFor();
        } catch (java.io.IOException noGcc) {
            exit = -1;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(exit == 0, "gcc is not available to build the test library");
        LibrarySearch search = LibrarySearch.of(null, Map.of(), tmp, tmp, tmp.resolve("root"));
        NativeLoader.LoadFailure e = assertThrows(NativeLoader.LoadFailure.class, () -> NativeLoader.load(lib, search));
        assertTrue(e.getMessage().startsWith(lib.toAbsolutePath() + " does not load: "), e.getMessage());
        assertTrue(e.getMessage().contains("undefined symbol: lrml_test_absent"), e.getMessage());
    }
}
