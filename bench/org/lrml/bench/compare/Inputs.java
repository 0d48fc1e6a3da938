package org.lrml.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.loss.Tuples;
import org.lrml.nn.Module;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * A workload's input folder (what bench/compare.py saved with numpy) read onto a backend. Every tensor made here is
 * recorded, so {@link #close} releases them together when the workload ends.
 */
final class Inputs implements AutoCloseable {
    private final Path dir;
    private final Backend backend;
    private final List<Tensor> owned = new ArrayList<>();

    Inputs(Path dir, Backend backend) {
        this.dir = dir;
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    /** A file of the input folder. */
    Path path(String file) {
        return dir.resolve(file);
    }

    NpyArray array(String name) {
        try {
            return Npy.read(dir.resolve(name + ".npy"));
        } catch (IOException e) {
            throw new IllegalArgumentException("compare driver: input " + name + ": " + e.getMessage(), e);
        }
    }

    /** A float array as a tensor on the backend, outside any memory scope. */
    Tensor tensor(String name) {
        NpyArray a = array(name);
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            return own(a.toTensor(backend));
        }
    }

    Tuples tuples(String name) {
        return Tuples.fromNpy(array(name), dir.resolve(name + ".npy").toString());
    }

    /** Loads {@code <sub>/<entry name>.npy} for every parameter and buffer of the module (on the CPU, before it moves). */
    void loadState(Module m, String sub) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Path folder = dir.resolve(sub);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String file = f.getFileName().toString();
                if (file.endsWith(".npy")) {
                    state.put(file.substring(0, file.length() - 4), Npy.read(f).toTensor(Backends.cpu()));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("compare driver: state folder " + folder + ": " + e.getMessage(), e);
        }
        m.loadStateDict(state);
    }

    <T extends Tensor> T own(T t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() {
        for (Tensor t : owned) {
            if (!t.storage().isClosed()) {
                t.storage().close();
            }
        }
        owned.clear();
    }
}
