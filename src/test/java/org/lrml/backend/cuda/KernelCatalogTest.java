package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * For every kernels/*.cu: the header catalog's versions, the extern "C" entry points of the source, the .entry
 * points of the built PTX and the kernels the paired launcher class references all agree; each kernel has one
 * default, and the launcher's default is it. The file stem pairs the .cu with its launcher, native test and
 * benchmark, which must all exist.
 */
class KernelCatalogTest {

    @Test
    void catalogSourceAndLaunchersAgree() throws Exception {
        List<String> stems = KernelSources.stems();
        assertFalse(stems.isEmpty(), "no kernels/*.cu found under " + KernelSources.KERNELS.toAbsolutePath());
        for (String stem : stems) {
            List<KernelSources.Version> catalog = KernelSources.catalog(stem);
            assertFalse(catalog.isEmpty(), "kernels/" + stem + ".cu has no catalog lines ('//   name vN [default] ...')");
            Set<String> catalogEntries = new TreeSet<>();
            Map<String, List<Integer>> defaults = new TreeMap<>();
            for (KernelSources.Version v : catalog) {
                assertTrue(catalogEntries.add(v.entry()), stem + ".cu catalog lists " + v.entry() + " twice");
                if (v.isDefault()) {
                    defaults.computeIfAbsent(v.kernel(), k -> new ArrayList<>()).add(v.version());
                }
            }
            for (KernelSources.Version v : catalog) {
                List<Integer> d = defaults.get(v.kernel());
                assertTrue(d != null && d.size() == 1, stem + ".cu catalog: kernel " + v.kernel()
                        + " must have exactly one [default] version, has " + d);
            }
            assertEquals(catalogEntries, new TreeSet<>(KernelSources.sourceEntries(stem)),
                    "kernels/" + stem + ".cu: catalog versus extern \"C\" entry points");

            Class<?> launcher = Class.forName("org.lrml.backend.cuda.kernels." + KernelSources.paired(stem) + "Kernels");
            Map<String, KernelRef> refs = new TreeMap<>();
            for (Field f : launcher.getDeclaredFields()) {
                if (f.getType() == KernelRef.class && Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    KernelRef r = (KernelRef) f.get(null);
                    assertEquals(stem, r.stem(), launcher.getSimpleName() + "." + f.getName() + " names another file");
                    refs.put(r.kernel(), r);
                }
            }
            assertEquals(defaults.keySet(), refs.keySet(), launcher.getSimpleName()
                    + " must reference every kernel of " + stem + ".cu and no other");
            for (KernelRef r : refs.values()) {
                assertEquals(defaults.get(r.kernel()).get(0), r.defaultVersion(),
                        launcher.getSimpleName() + ": default version of " + r.kernel() + " differs from the catalog");
                Set<Integer> catalogVersions = new TreeSet<>();
                catalog.stream().filter(v -> v.kernel().equals(r.kernel())).forEach(v -> catalogVersions.add(v.version()));
                assertEquals(catalogVersions, new TreeSet<>(r.versions()),
                        launcher.getSimpleName() + ": versions of " + r.kernel() + " differ from the catalog");
            }
            assertTrue(Files.exists(Path.of("native-tests/org/lrml/backend/cuda/" + KernelSources.paired(stem)
                    + "KernelsTest.java")), "kernels/" + stem + ".cu has no native test");
            assertTrue(Files.exists(Path.of("bench/org/lrml/bench/cuda/" + KernelSources.paired(stem)
                    + "CudaBench.java")), "kernels/" + stem + ".cu has no benchmark");
        }
    }

    @Test
    void builtPtxHasExactlyTheSourceEntryPoints() {
        KernelSources.assumeBuiltWithNvcc();
        for (String stem : KernelSources.stems()) {
            assertEquals(new TreeSet<>(KernelSources.sourceEntries(stem)), new TreeSet<>(KernelSources.ptxEntries(stem)),
                    "kernels/" + stem + ".cu versus target/classes/kernels/" + stem + ".ptx (rebuild: kernels/build.sh)");
        }
    }
}
