package org.lrml.backend.cuda.vendor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads cuDNN from one folder. libcudnn.so.N is a front that opens its sub-libraries (cuDNN 9: libcudnn_graph,
 * libcudnn_ops, libcudnn_cnn -- where the legacy convolution API lives --, libcudnn_engines_*, ...; cuDNN 8:
 * libcudnn_ops_infer, libcudnn_cnn_infer, ...) by soname when first needed; where the loader does not search
 * their folder (PyTorch's wheels) that would fail at the first convolution. So every sub-library present beside it
 * is loaded by path now, from that same folder only: mixing sub-libraries of two cuDNN installs fails with
 * CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH. A convolution sub-library that does not load makes cuDNN unusable
 * here; any other one (RNN, runtime-compiled engines) is only noted.
 */
public final class CudnnLibraries {
    /** What was loaded, or why cuDNN cannot serve convolutions from this folder. */
    public record Loaded(List<String> notes, String failure) {
    }

    private CudnnLibraries() {
    }

    public static Loaded load(Path libcudnn, int major, LibrarySearch search) {
        List<String> notes = new ArrayList<>();
        try {
            NativeLoader.load(libcudnn, search);
        } catch (NativeLoader.LoadFailure e) {
            return new Loaded(notes, e.getMessage());
        }
        boolean convolution = false;
        for (Path sub : subLibraries(libcudnn.getParent(), major)) {
            boolean isConv = sub.getFileName().toString().startsWith("libcudnn_cnn");
            try {
                NativeLoader.load(sub, search);
                convolution |= isConv;
            } catch (NativeLoader.LoadFailure e) {
                if (isConv) {
                    return new Loaded(notes, "cuDNN's convolution library does not load: " + e.getMessage());
                }
                notes.add(sub.getFileName() + " did not load (" + e.getMessage() + ")");
            }
        }
        if (!convolution) {
            return new Loaded(notes, "no libcudnn_cnn*.so." + major + " beside " + libcudnn + ": cuDNN's convolution API"
                    + " lives there (install the full cuDNN " + major + ")");
        }
        return new Loaded(notes, null);
    }

    /** libcudnn_*.so.N in the folder, by name. */
    static List<Path> subLibraries(Path folder, int major) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "libcudnn_*.so." + major)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
